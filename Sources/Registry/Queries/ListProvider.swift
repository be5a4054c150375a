/// What the command line and the server ask of the registry's lists: units (`UnitQuery`), instruments
/// (`InstrumentList`), the due list (`DueList`) and inspections (`InspectionList`). Filters, sort keys, pages and
/// cursors are plain values that say nothing of the storage; the SQLite providers compose each question into one SQL
/// statement with bound values and stream its rows through a cursor. A city-wide deployment on PostGIS would
/// implement the same three calls.
public protocol ListProvider: Sendable {
    associatedtype Filter: Sendable
    associatedtype SortKey: RawRepresentable & CaseIterable & Sendable where SortKey.RawValue == String
    associatedtype Item: Sendable

    /// Hands the matching items to `body` in the order of `sorts` (empty: the list's own order), each key in its
    /// direction and the id breaking ties, from an offset or after a cursor; returns the next page's cursor when
    /// `page.limit` cut the list short. Memory does not grow with the list.
    @discardableResult
    func forEach(_ filter: Filter, sorts: [Sorting<SortKey>], page: PageRequest, _ body: (Item) throws -> Void) throws -> PageCursor?

    /// How many items match, counted without reading them.
    func count(_ filter: Filter) throws -> Int

    /// The item with this id (its feature's id in GeoJSON) as the list gives it under `filter`; nil when there is
    /// none or the filter leaves it out.
    func get(_ id: Int64, _ filter: Filter) throws -> Item?
}

extension ListProvider {
    /// One page, held in memory: for short pages (tests, the server's small answers).
    public func list(_ filter: Filter, sorts: [Sorting<SortKey>], page: PageRequest = .all) throws -> ListPage<Item> {
        var items: [Item] = []
        let next = try forEach(filter, sorts: sorts, page: page) { items.append($0) }
        return ListPage(items: items, next: next)
    }
}
