import Foundation
import GRDB
import DemoData
import Registry
import Testing

/// The due list and the inspections, sorted by any of their columns and paged on the demo registry: pages by cursor
/// and by offset give the whole list's rows in its order, each once.
@Suite struct ListPagingTests {
    static let date = DemoGenerator.referenceDate

    /// The due list's feature id of an item (`DueList.rowKey`).
    static func rowKey(_ d: DueItem) -> Int64 {
        d.reinspection.map { $0.violationId * 2 + 1 } ?? d.instrument!.id * 2
    }

    /// Through the provider interface alone: the whole list, its pages by cursor (7 a page) and slices by offset hold the
    /// same items in the same order, each once; `count` is its length; `get` finds its first and last item by id and
    /// nothing for an id outside it. Returns the whole list.
    @discardableResult
    static func pagesAreTheWholeList<P: ListProvider>(_ provider: P, _ filter: P.Filter, sorts: [Sorting<P.SortKey>], atLeast: Int = 50,
                                                      id: (P.Item) -> Int64) throws -> [P.Item] {
        let whole = try provider.list(filter, sorts: sorts).items
        let ids = whole.map(id)
        #expect(whole.count >= atLeast && Set(ids).count == ids.count)
        #expect(try provider.count(filter) == whole.count)
        var paged: [Int64] = []
        var after: PageCursor?
        repeat {
            after = try provider.forEach(filter, sorts: sorts, page: try PageRequest(limit: 7, after: after)) { paged.append(id($0)) }
        } while after != nil && paged.count <= ids.count
        #expect(paged == ids)
        for offset in [0, 13, ids.count - 3] where (0...ids.count).contains(offset) {
            let page = try provider.list(filter, sorts: sorts, page: try PageRequest(limit: 5, offset: offset)).items.map(id)
            #expect(page == Array(ids[offset..<min(offset + 5, ids.count)]), "offset \(offset)")
        }
        for known in [ids.first!, ids.last!] { #expect(try provider.get(known, filter).map(id) == known) }
        #expect(try provider.get(ids.max()! + 1_000_000, filter) == nil)
        return whole
    }

    @Test func everyProviderPagesAndGetsAlike() throws {
        let store = DemoRegistry.shared.store
        let units = UnitFilter(asOf: ListPagingTests.date)
        try ListPagingTests.pagesAreTheWholeList(UnitQuery(store: store), units, sorts: [Sorting(.name), Sorting(.kind, descending: true)]) { $0.unit.id }
        try ListPagingTests.pagesAreTheWholeList(InstrumentList(store: store), InstrumentFilter(units: units),
                                                 sorts: [Sorting(.ward), Sorting(.days_overdue, descending: true)]) { $0.instrument.id }
        var due = DueFilter(units: units)
        due.within = 120
        try ListPagingTests.pagesAreTheWholeList(DueList(store: store), due, sorts: [], id: ListPagingTests.rowKey)
        try ListPagingTests.pagesAreTheWholeList(InspectionList(store: store), InspectionFilter(), sorts: [Sorting(.unit_name)]) { $0.id }
        try ListPagingTests.pagesAreTheWholeList(InstrumentList(store: store), InstrumentFilter(units: units),
                                                 sorts: [Sorting(.manufacturer, descending: true), Sorting(.unit_name)]) { $0.instrument.id }
        // The 16 wards of 2024, by the units they held, most first; and the 4 of today by name.
        let wards = try ListPagingTests.pagesAreTheWholeList(WardList(store: store), WardFilter(asOf: LocalDate(iso: "2024-06-01")!),
                                                             sorts: [Sorting(.units, descending: true)], atLeast: 16) { $0.ward.id }
        #expect(wards.count == 16 && zip(wards, wards.dropFirst()).allSatisfy { $0.units >= $1.units } && wards.first!.units > wards.last!.units)
        try ListPagingTests.pagesAreTheWholeList(WardList(store: store), WardFilter(asOf: ListPagingTests.date), sorts: [Sorting(.name)], atLeast: 4) { $0.ward.id }
    }

    @Test(arguments: ["", "unit_name", "-due_on,unit_code", "ward_code,-days_overdue", "-state", "instrument_type,-serial_no,kind"])
    func dueListPagesAreTheWholeListsSlices(sort: String) throws {
        let sorts = sort.isEmpty ? [] : try Sorting<DueSortKey>.list(parsing: sort)
        var filter = DueFilter(units: UnitFilter(asOf: ListPagingTests.date))
        filter.within = 120
        let whole = try ListPagingTests.pagesAreTheWholeList(DueList(store: DemoRegistry.shared.store), filter, sorts: sorts, id: ListPagingTests.rowKey)
        // The order is the one asked for.
        let urgency: [DueItem.State] = [.expired, .sealed, .reinspection, .unknown, .due]
        func rank(_ d: DueItem) -> Int { urgency.firstIndex(of: d.state)! }
        for (a, b) in zip(whole, whole.dropFirst()) {
            switch sort {
            case "":
                #expect(rank(a) < rank(b) || (rank(a) == rank(b) && (a.daysOverdue ?? .min) >= (b.daysOverdue ?? .min)))
            case "unit_name": #expect(VietnameseText.sortKey(a.unit.name) <= VietnameseText.sortKey(b.unit.name))
            case "-due_on,unit_code":
                let (x, y) = (a.dueOn?.description ?? "", b.dueOn?.description ?? "")
                #expect(x > y || (x == y && a.unit.code <= b.unit.code))
            case "ward_code,-days_overdue": #expect((a.ward?.code ?? "") <= (b.ward?.code ?? ""))
            case "-state": #expect(rank(a) >= rank(b))
            default: #expect((a.instrument?.type ?? "") <= (b.instrument?.type ?? ""))
            }
        }
    }

    @Test(arguments: ["", "-date", "unit_name", "status,-date", "outcome,team", "-id"])
    func inspectionPagesAreTheWholeListsSlices(sort: String) throws {
        let sorts = sort.isEmpty ? [] : try Sorting<InspectionSortKey>.list(parsing: sort)
        let whole = try ListPagingTests.pagesAreTheWholeList(InspectionList(store: DemoRegistry.shared.store), InspectionFilter(), sorts: sorts) { $0.id }
        for (a, b) in zip(whole, whole.dropFirst()) {
            switch sort {
            case "": #expect(a.inspectedOn < b.inspectedOn || (a.inspectedOn == b.inspectedOn && a.id < b.id))
            case "-date": #expect(a.inspectedOn >= b.inspectedOn)
            case "unit_name": #expect(VietnameseText.sortKey(a.unitName) <= VietnameseText.sortKey(b.unitName))
            case "status,-date": #expect(a.status.rawValue < b.status.rawValue || (a.status == b.status && a.inspectedOn >= b.inspectedOn))
            case "outcome,team": #expect((a.outcome ?? "") <= (b.outcome ?? ""))
            default: #expect(a.id > b.id)
            }
        }
    }

    /// A bad sort key, or a cursor made for another sort, is refused by field with what was expected.
    @Test func badSortsAndCursorsNameTheirField() throws {
        func field(_ body: () throws -> Void) -> String? {
            do { try body() } catch let e as RegistryError { return e.field } catch { return "\(error)" }
            return nil
        }
        #expect(field { _ = try Sorting<DueSortKey>.list(parsing: "urgency") } == "sort")
        #expect(field { _ = try Sorting<InspectionSortKey>.list(parsing: "date,-date") } == "sort")
        let list = DueList(store: DemoRegistry.shared.store)
        let filter = DueFilter(units: UnitFilter(asOf: ListPagingTests.date))
        let next = try list.forEach(filter, page: try PageRequest(limit: 2)) { _ in }
        #expect(next != nil)
        #expect(field { try list.forEach(filter, sorts: [Sorting(.unit_name)], page: try PageRequest(limit: 2, after: next)) { _ in } } == "cursor")
        let ledger = InspectionList(store: DemoRegistry.shared.store)
        #expect(field { try ledger.forEach(InspectionFilter(), page: try PageRequest(limit: 2, after: next)) { _ in } } == "cursor")
    }
}
