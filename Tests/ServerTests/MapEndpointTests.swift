import Foundation
import GRDB
import Registry
@testable import Server
import Testing

/// The map's own endpoints on the demo registry, against counts made independently with SQL.
@Suite struct MapEndpointTests {
    static let box = "106.60,10.70,106.70,10.80"

    @Test func gridCountsEveryPlacedUnitRegisteredByTheDate() async throws {
        let s = try await TestServer.shared.value
        for date in ["2024-06-01", TestServer.today.description] {
            let expected = try await s.database().read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE geom IS NOT NULL AND (registered_on IS NULL OR registered_on <= ?)",
                                 arguments: [date])!
            }
            let r = try await get("\(s.base)/map/grid?bbox=\(MapEndpointTests.box)&cells=7x5&datetime=\(date)")
            #expect(r.status == 200, "\(r.text)")
            let cells = r.json["cells"] as? [[Double]] ?? []
            #expect(r.json["total"] as? Int == expected, "\(date): \(r.json["total"] ?? "nil") vs \(expected)")
            #expect(cells.reduce(0) { $0 + Int($1[2]) } == expected && cells.count <= 35 && cells.count > 1)
        }
        let markets = try await get("\(s.base)/map/grid?bbox=\(MapEndpointTests.box)&cells=2x2&kind=market")
        #expect(markets.json["total"] as? Int == 2, "\(markets.text)")
    }

    /// The counts made as the server starts run on the background thread, at the lowest priority (nice 19), so
    /// requests that come meanwhile take the cores first; the request threads keep the process's priority.
    @Test func backgroundCountsRunAtTheLowestPriority() async throws {
        @Sendable func nice() -> Int32 { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        let own = nice()
        #expect(try await ReaderThreads(count: 1, name: "test-background", lowPriority: true).value { nice() } == 19)
        #expect(try await ReaderThreads(count: 1, name: "test-reader").value { nice() } == own)
        #expect(own < 19, "the tests must not run at nice 19 themselves, or this shows nothing")
    }

    @Test func aFineGridAddsUpToTheSameCountsAsOneCountedDirectly() async throws {
        let s = try await TestServer.shared.value
        let store = try RegistryStore.openForReading(path: s.databasePath)
        let counts = UnitGridCounts(store: store)
        let filter = UnitFilter(asOf: TestServer.today)
        let area = try BoundingBox(minLon: 106.60, minLat: 10.70, maxLon: 106.70, maxLat: 10.80)
        let fine = try counts.grid(area, columns: 256, rows: 256, filter: filter)
        let view = try BoundingBox(minLon: 106.640, minLat: 10.755, maxLon: 106.660, maxLat: 10.770)
        let direct = try counts.grid(view, columns: 4, rows: 3, filter: filter)
        let added = fine.regrid(view, columns: 4, rows: 3)
        #expect(direct.total > 100 && fine.total > direct.total)
        // Fine cells go whole to one coarse cell by their mean point: totals agree to the units of the fine cells
        // that straddle the view's edge.
        #expect(abs(added.total - direct.total) <= direct.total / 20, "\(added.total) vs \(direct.total)")
        #expect(fine.estimate(in: view) == added.total)
    }

    /// A past date's grid is the whole index less the units registered later (or, when most came later, counted
    /// directly): either way each cell holds what one SQL count over the index and the table gives.
    @Test func aPastDatesGridIsEachCellsDirectCount() async throws {
        let s = try await TestServer.shared.value
        let counts = UnitGridCounts(store: try RegistryStore.openForReading(path: s.databasePath))
        let area = try BoundingBox(minLon: 106.63, minLat: 10.75, maxLon: 106.67, maxLat: 10.78)
        let (columns, rows) = (16, 12)
        let dx = (area.maxLon - area.minLon) / Double(columns), dy = (area.maxLat - area.minLat) / Double(rows)
        for date in ["2010-01-01", "2020-01-01", "2024-06-01", TestServer.today.description] {
            let grid = try counts.grid(area, columns: columns, rows: rows, filter: UnitFilter(asOf: LocalDate(iso: date)!))
            let expected = try await s.database().read { db in
                try Row.fetchAll(db, sql: """
                    SELECT min(?, max(0, CAST((r.xmin - ?) / ? AS INTEGER))) AS gx, min(?, max(0, CAST((r.ymin - ?) / ? AS INTEGER))) AS gy,
                           count(*) AS n, avg(r.xmin) AS x, avg(r.ymin) AS y
                    FROM idx_economic_units_geom r JOIN economic_units u ON u.id = r.pkid
                    WHERE r.xmax >= ? AND r.xmin <= ? AND r.ymax >= ? AND r.ymin <= ? AND coalesce(u.registered_on, '') <= ?
                    GROUP BY gx, gy ORDER BY gy, gx
                    """, arguments: [columns - 1, area.minLon, dx, rows - 1, area.minLat, dy, area.minLon, area.maxLon, area.minLat, area.maxLat, date])
                    .map { (column: $0["gx"] as Int, row: $0["gy"] as Int, count: $0["n"] as Int, lon: $0["x"] as Double, lat: $0["y"] as Double) }
            }
            #expect(grid.cells.map { [$0.column, $0.row, $0.count] } == expected.map { [$0.column, $0.row, $0.count] }, "\(date)")
            #expect(zip(grid.cells, expected).allSatisfy { abs($0.lon - $1.lon) < 1e-9 && abs($0.lat - $1.lat) < 1e-9 }, "\(date): mean positions")
            #expect(grid.total > 0 || date == "2010-01-01")
        }
    }

    /// The server's fine grid of a past date, taken from every placed unit's (counted once) less the later
    /// registrations, is the grid counted for that date on its own.
    @Test func aCachedPastGridIsTheGridOfThatDate() async throws {
        let s = try await TestServer.shared.value
        let counts = UnitGridCounts(store: try RegistryStore.openForReading(path: s.databasePath))
        let cache = UnitGridCache()
        let extent = try #require(try counts.extent())
        for date in ["2020-01-01", "2024-06-01", TestServer.today.description] {
            let filter = UnitFilter(asOf: LocalDate(iso: date)!)
            let cached = try #require(try cache.fineGrid(filter: filter, version: "v1", counts: counts))
            let direct = try counts.grid(extent, columns: UnitGridCache.fineCells, rows: UnitGridCache.fineCells, filter: filter)
            #expect(cached.total == direct.total && cached.cells.map(\.count) == direct.cells.map(\.count), "\(date)")
            #expect(zip(cached.cells, direct.cells).allSatisfy { abs($0.lon - $1.lon) < 1e-9 && abs($0.lat - $1.lat) < 1e-9 })
        }
    }

    @Test func wardSharesAndRefusals() async throws {
        let s = try await TestServer.shared.value
        let old = try await get("\(s.base)/map/ward-shares?datetime=2024-06-01")
        #expect((old.json["wards"] as? [[String: Any]])?.count == 16)
        let today = TestServer.today.description
        let shares = try await get("\(s.base)/map/ward-shares?datetime=\(today)")
        let wards = shares.json["wards"] as? [[String: Any]] ?? []
        #expect(wards.count == 4)
        // Each ward's counts as the OGC collections give them for that ward (ward_code on the same date).
        for code in ["27232", "27211"] {
            let w = wards.first { $0["code"] as? String == code } ?? [:]
            let units = try await get("\(s.base)/collections/units/items?f=json&limit=1&ward_code=\(code)&datetime=\(today)")
            let expired = try await get("\(s.base)/collections/due/items?f=json&limit=1&ward_code=\(code)&state=expired&datetime=\(today)")
            #expect(w["units"] as? Int == units.json["numberMatched"] as? Int, "\(code): \(w) vs \(units.json["numberMatched"] ?? "nil")")
            #expect((w["expired"] as? Int ?? 0) > 0 && w["expired"] as? Int == expired.json["numberMatched"] as? Int, "\(code): \(w) vs \(expired.json["numberMatched"] ?? "nil")")
        }
        let bad = try await get("\(s.base)/map/grid?bbox=1,2,3&cells=7x5")
        #expect(bad.status == 400 && bad.text.contains("bbox: \\\"1,2,3\\\""), "\(bad.text)")
        let cells = try await get("\(s.base)/map/grid?bbox=\(MapEndpointTests.box)&cells=999x1")
        #expect(cells.status == 400 && cells.text.contains("cells"), "\(cells.text)")
        let teams = try await get("\(s.base)/map/plan?ward=27232&teams=0")
        #expect(teams.status == 400 && teams.text.contains("teams"), "\(teams.text)")
        for (query, status, names) in [("id=abc", 400, "id: \\\"abc\\\""), ("id=0", 400, "id: \\\"0\\\""), ("id=1&x=1", 400, "x"),
                                       ("id=99999999", 404, "99999999")] {
            let wards = try await get("\(s.base)/map/unit-wards?\(query)")
            #expect(wards.status == status && wards.text.contains(names), "unit-wards?\(query): \(wards.status) \(wards.text)")
        }
        let escape = try await get("\(s.base)/map/leaflet/..%2F..%2Fpasswd")
        #expect(escape.status == 404)
        let page = try await get("\(s.base)/map")
        #expect(page.status == 200 && page.text.contains("/map/leaflet/leaflet.js") && !page.text.contains("https://"))
    }
}
