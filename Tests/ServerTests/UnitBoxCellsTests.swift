import DemoData
import Foundation
import GRDB
@testable import Registry
import Server
import Testing

/// Box pages of the unit layers take their numberMatched and ids from the located units packed by cell in the
/// database (UnitBoxCells) when the filter allows; each page, count and next cursor must be the ones the SQL gives
/// for the same request, and the packed cells must stay what a full packing gives after every kind of write.
@Suite struct UnitBoxCellsTests {
    @Test func boxPagesFromTheCellsAreSQLsPages() async throws {
        let s = try await TestServer.shared.value
        try Self.expectPagesEqualSQL(try RegistryReader(path: s.databasePath).store, rounds: 24)
    }

    /// A cell changed by a writer other than the store (the sqlite3 shell) is stale: box pages read its units from
    /// the units' table, and still equal SQL's.
    @Test func staleCellsWrittenOutsideTheStoreStillAnswerExactly() throws {
        let demo = try DemoRegistry()
        let queue = try DatabaseQueue(path: demo.path, configuration: SpatiaLite.configuration())
        try queue.write { db in
            try db.execute(sql: "UPDATE economic_units SET geom = MakePoint(ST_X(geom) + 0.0004, ST_Y(geom), 4326) WHERE id % 7 = 0 AND geom IS NOT NULL")
            try db.execute(sql: "DELETE FROM economic_units WHERE id % 11 = 0 AND geom IS NOT NULL AND id NOT IN (SELECT market_id FROM economic_units WHERE market_id IS NOT NULL)")
        }
        try queue.close()
        let reader = try RegistryReader(path: demo.path).store
        #expect(try reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit_box_stale")! } > 10)
        try Self.expectPagesEqualSQL(reader, rounds: 10)
    }

    /// A registry made before v12 has no cells: box pages are the SQL's, and no error.
    @Test func aRegistryWithoutCellsIsLeftToTheSQL() throws {
        let demo = try DemoRegistry()
        let queue = try DatabaseQueue(path: demo.path, configuration: SpatiaLite.configuration())
        try queue.write { db in
            for trigger in ["unit_box_insert", "unit_box_delete", "unit_box_update"] { try db.execute(sql: "DROP TRIGGER \(trigger)") }
            try db.execute(sql: "DROP TABLE unit_box_cells; DROP TABLE unit_box_stale")
        }
        try queue.close()
        let reader = try RegistryReader(path: demo.path).store
        var filter = UnitFilter(asOf: TestServer.today)
        filter.bbox = try BoundingBox(minLon: 106.636, minLat: 10.754, maxLon: 106.660, maxLat: 10.776)
        var selection = FeatureSelection()
        selection.page = try PageRequest(limit: 10)
        #expect(try reader.read { try UnitBoxCells.choose($0, .units, filter: filter, selection: selection) } == nil)
        let page = try Self.page(FeatureLayers(store: reader), .units, filter, selection, boxCells: true)
        #expect(page.ids.count == 10 && (page.matched ?? 0) > 100)
    }

    /// After the demo load, an import, an add, an update that moves a unit, a kind and date change, a closing and a
    /// delete, the packed cells equal a packing of every located unit from scratch, and none is left stale.
    @Test func packedCellsFollowEveryKindOfWrite() throws {
        let demo = try DemoRegistry()
        let store = demo.store
        try Self.expectFresh(store, "demo load")
        var codes = TaxCodes(seed: 3)
        // Beside the demo's own units, so inside the jurisdiction.
        let places = try demo.places()
        var csv = "code,name,kind,lon,lat,registered_on\n"
        for (i, p) in places.prefix(300).enumerated() {
            csv += "\(codes.next()),Tiệm \(i),enterprise,\(p.lon),\(p.lat),2020-0\(1 + i % 9)-15\n"
        }
        let file = demo.directory.appendingPathComponent("units.csv").path
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try Importer(store: store, now: Date()).importUnits(path: file)
        try Self.expectFresh(store, "import")
        let editor = UnitEditor(store: store, today: TestServer.today, now: Date())
        let added = try editor.add(fields: ["code": codes.next(), "name": "Tiệm mới", "kind": "enterprise", "lon": places[7].lon, "lat": places[7].lat])
        try Self.expectFresh(store, "add")
        _ = try editor.update(key: added.code, changes: ["lon": places[150].lon, "lat": places[150].lat], expectedVersion: nil)
        try Self.expectFresh(store, "move")
        _ = try editor.update(key: added.code, changes: ["kind": "cooperative", "status": "suspended", "registered_on": "2021-03-04"], expectedVersion: nil)
        try Self.expectFresh(store, "kind, status and date")
        _ = try editor.close(key: added.code, on: TestServer.today, note: nil, expectedVersion: nil)
        try Self.expectFresh(store, "close")
        try store.write { try $0.execute(sql: "DELETE FROM economic_units WHERE id = ?", arguments: [added.id]) }
        try Self.expectFresh(store, "delete")
    }

    /// Paging through a box by `next` cursors while units are added in it between pages: every unit that was in
    /// the box before the first page comes exactly once, and no unit twice.
    @Test func cursorPagingLosesAndRepeatsNothingWhileUnitsAreAdded() throws {
        let demo = try DemoRegistry()
        let reader = try RegistryReader(path: demo.path).store
        let layers = FeatureLayers(store: reader)
        var filter = UnitFilter(asOf: TestServer.today)
        filter.bbox = try BoundingBox(minLon: 106.636, minLat: 10.754, maxLon: 106.660, maxLat: 10.776)
        let before = Set(try reader.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM economic_units WHERE ST_X(geom) BETWEEN 106.636 AND 106.660 AND ST_Y(geom) BETWEEN 10.754 AND 10.776 AND (registered_on IS NULL OR registered_on <= ?)",
                               arguments: [TestServer.today.description])
        })
        #expect(before.count > 100)
        let editor = UnitEditor(store: demo.store, today: TestServer.today, now: Date())
        var codes = TaxCodes(seed: 5)
        let places = try demo.places()
        var seen: [Int64] = []
        var after: PageCursor?
        for page in 0..<200 {
            var selection = FeatureSelection()
            selection.page = try PageRequest(limit: 25, after: after)
            #expect(try reader.read { try UnitBoxCells.choose($0, .units, filter: filter, selection: selection) } != nil)
            let result = try Self.page(layers, .units, filter, selection, boxCells: true)
            seen += result.ids
            _ = try editor.add(fields: ["code": codes.next(), "name": "Tiệm \(page)", "kind": "enterprise",
                                        "lon": places[page].lon, "lat": places[page].lat])
            guard let next = result.next else { break }
            after = next
        }
        #expect(Set(seen).count == seen.count, "an id came twice")
        #expect(before.isSubset(of: Set(seen)), "lost: \(before.subtracting(seen).sorted().prefix(10))")
    }

    /// Filters the cells cannot answer exactly are the SQL's: no box, a search, a ward, a sort, a condition.
    @Test func otherFiltersAreLeftToTheSQL() throws {
        var filter = UnitFilter(asOf: TestServer.today)
        var selection = FeatureSelection()
        selection.page = try PageRequest(limit: 10)
        #expect(!UnitBoxCells.answers(.units, filter: filter, selection: selection))
        filter.bbox = try BoundingBox(minLon: 106.6, minLat: 10.7, maxLon: 106.7, maxLat: 10.8)
        #expect(UnitBoxCells.answers(.units, filter: filter, selection: selection))
        #expect(!UnitBoxCells.answers(.instruments, filter: filter, selection: selection))
        var searching = filter
        searching.search = "pho"
        #expect(!UnitBoxCells.answers(.units, filter: searching, selection: selection))
        var inWard = filter
        inWard.wardCode = "27232"
        #expect(!UnitBoxCells.answers(.units, filter: inWard, selection: selection))
        var sorted = selection
        sorted.sortBy = [FeatureSortKey(property: "name")]
        #expect(!UnitBoxCells.answers(.units, filter: filter, selection: sorted))
        var conditioned = selection
        conditioned.conditions = ["f.\"code\" = 'x'"]
        #expect(!UnitBoxCells.answers(.units, filter: filter, selection: conditioned))
        selection.page = try PageRequest(limit: 100, offset: UnitBoxCells.deepest)
        #expect(!UnitBoxCells.answers(.units, filter: filter, selection: selection))
    }

    /// Over boxes whose corners are units' own points (both on the box's edges), two dates, kinds, statuses,
    /// markets, stalls, offsets and cursors: pages from the cells equal SQL's pages, counts and next cursors.
    static func expectPagesEqualSQL(_ store: RegistryStore, rounds: Int) throws {
        let layers = FeatureLayers(store: store)
        let corners = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT ST_X(geom), ST_Y(geom) FROM economic_units WHERE geom IS NOT NULL ORDER BY id")
                .map { ($0[0] as Double, $0[1] as Double) }
        }
        #expect(corners.count > 200)
        var generator = SplitMix(seed: 12)
        let variants: [(FeatureLayer, [UnitKind], [UnitStatus])] = [
            (.units, [], []), (.units, [.enterprise, .household_business], []), (.units, [], [.active, .suspended]),
            (.markets, [], []), (.stalls, [], [.active]),
        ]
        var pagesCompared = 0
        // The server's memo keeps a box page's statement per layer, day, kinds, statuses and properties and binds
        // each page's ids: reused across all these boxes and pages, it must still give SQL's rows.
        let memo = LayerQueryMemo()
        for round in 0..<rounds {
            // Two units' points as opposite corners: both lie on the box's edges.
            let a = corners[Int(generator.next() % UInt64(corners.count))], b = corners[Int(generator.next() % UInt64(corners.count))]
            let box = try BoundingBox(minLon: min(a.0, b.0), minLat: min(a.1, b.1), maxLon: max(a.0, b.0), maxLat: max(a.1, b.1))
            let (layer, kinds, statuses) = variants[round % variants.count]
            var filter = UnitFilter(asOf: round % 3 == 0 ? LocalDate(iso: "2018-06-30")! : TestServer.today)
            filter.bbox = box
            filter.kinds = kinds
            filter.statuses = statuses
            for limit in [3, 40] {
                var after: PageCursor?
                for pageNumber in 0..<25 {
                    var selection = FeatureSelection()
                    selection.page = try PageRequest(limit: limit, offset: pageNumber == 0 && round % 2 == 1 ? 2 : 0, after: after)
                    if round % 4 == 2 { selection.properties = ["ward_name", "code"] }
                    #expect(try store.read { try UnitBoxCells.choose($0, layer, filter: filter, selection: selection) } != nil)
                    let fromCells = try page(layers, layer, filter, selection, boxCells: true)
                    let fromSQL = try page(layers, layer, filter, selection, boxCells: false)
                    #expect(fromCells.matched == fromSQL.matched && fromCells.ids == fromSQL.ids && fromCells.next == fromSQL.next,
                            "\(layer) \(box) limit \(limit) page \(pageNumber): \(fromCells) vs \(fromSQL)")
                    let fromMemo = try page(layers, layer, filter, selection, boxCells: true, memo: memo)
                    #expect(fromMemo.matched == fromSQL.matched && fromMemo.rows == fromSQL.rows && fromMemo.next == fromSQL.next,
                            "\(layer) \(box) limit \(limit) page \(pageNumber), the memo's statement: \(fromMemo) vs \(fromSQL)")
                    pagesCompared += 1
                    guard let next = fromSQL.next else { break }
                    after = next
                }
            }
        }
        #expect(pagesCompared > rounds * 4)
    }

    /// The packed cells equal a packing of every located unit from scratch, and no cell is stale.
    static func expectFresh(_ store: RegistryStore, _ after: String) throws {
        try store.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM unit_box_stale") == 0, "stale cells after \(after)")
            var expected: [Int64: [UnitBoxCells.Unit]] = [:]
            try RawRow.forEach(db, "SELECT cell, id, x, y, registered_on, kind, status FROM unit_box_points ORDER BY cell, id") { row in
                expected[row.int64(0), default: []].append(try #require(UnitBoxCells.unit(row, at: 1)))
                // The reader finds a box's cells with Swift's arithmetic: it must give each point SQL's cell.
                #expect(UnitBoxCells.row(row.double(3)) * UnitBoxCells.rowStride + UnitBoxCells.column(row.double(2)) == row.int64(0))
            }
            let packed = try Row.fetchAll(db, sql: "SELECT cell, points FROM unit_box_cells")
            #expect(Dictionary(uniqueKeysWithValues: packed.map { ($0[0] as Int64, [UInt8]($0[1] as Data)) }) == expected.mapValues(UnitBoxCells.pack),
                    "packed cells after \(after)")
            #expect(expected.count > 10)
        }
    }

    /// A page's count, ids, next cursor and rows (every column as text, the geometry's bytes in hex).
    static func page(_ layers: FeatureLayers, _ layer: FeatureLayer, _ filter: UnitFilter, _ selection: FeatureSelection,
                     boxCells: Bool, memo: LayerQueryMemo? = nil) throws -> (matched: Int?, ids: [Int64], next: PageCursor?, rows: [[String]]) {
        var matched: Int?
        var ids: [Int64] = []
        var rows: [[String]] = []
        let next = try layers.page(layer, filter: filter, selection: selection, boxCells: boxCells, memo: memo, version: memo == nil ? "" : "v1",
                                   begin: { _, n in matched = n }) { row in
            ids.append(row.int64(0))
            rows.append((0..<row.columnCount).map { i in
                i == 1 ? row.blob(i).map { String($0, radix: 16) }.joined() : row.isNull(i) ? "NULL" : String(decoding: row.text(i), as: UTF8.self)
            })
        }
        return (matched, ids, next, rows)
    }
}

/// The demo registry in a temporary directory of its own, for tests that write to it; removed when released.
final class DemoRegistry {
    let directory: URL
    let path: String
    let store: RegistryStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-box-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("demo.sqlite").path
        store = try RegistryStore(path: path)
        _ = try DemoLoader(store: store, directory: checkout.appendingPathComponent("geodata").path).load(today: TestServer.today, now: Date())
    }

    /// Places a millionth of a degree east of the demo's located units, in id order: inside the jurisdiction.
    func places() throws -> [(lon: String, lat: String)] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT ST_X(geom) + 0.000001, ST_Y(geom) FROM economic_units WHERE geom IS NOT NULL ORDER BY id")
                .map { (String(format: "%.7f", $0[0] as Double), String(format: "%.7f", $0[1] as Double)) }
        }
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Distinct valid tax codes 03xxxxxxxC (check digit by the weights 31, 29, 23, 19, 17, 13, 7, 5, 3), seeded.
struct TaxCodes {
    var generator: SplitMix
    var seen = Set<String>()
    init(seed: UInt64) { generator = SplitMix(seed: seed) }

    mutating func next() -> String {
        while true {
            let digits = [0, 3] + (0..<7).map { _ in Int(generator.next() % 10) }
            let r = zip([31, 29, 23, 19, 17, 13, 7, 5, 3], digits).map { $0 * $1 }.reduce(0, +) % 11
            guard r != 0 else { continue }
            let code = digits.map(String.init).joined() + String(10 - r)
            if seen.insert(code).inserted { return code }
        }
    }
}

/// A small seeded generator, so a failing box can be found again.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
