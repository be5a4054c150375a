import Foundation
import GRDB
import Testing

/// `datetime` intervals where a collection has dates, the temporal extent, and each collection's own parameters in /api.
@Suite struct DatetimeAndDocumentTests {
    @Test func referenceLayerDatesAnswerInstantsAndIntervals() async throws {
        let s = try await ReferenceServer(layers: [try ReferenceLayerTests.temporaryFile("roads.geojson", ReferenceLayerTests.roads)])
        #expect(try await s.matched("roads", "datetime=1998-01-01/2000-01-01").matched == 2)
        #expect(try await s.matched("roads", "datetime=../1999-01-01").matched == 2)
        #expect(try await s.matched("roads", "datetime=2000-01-01/..").matched == 1)
        #expect(try await s.matched("roads", "datetime=2003-09-02").matched == 1)
        #expect(try await s.matched("roads", "datetime=2003-09-01T12:00:00Z/2003-09-02T00:00:00Z").matched == 1, "a date is its day's first instant (UTC), as in CQL2")
        #expect(try await s.matched("roads", "datetime=../..").status == 400)
        #expect(try await s.matched("roads", "datetime=2003-02-30").status == 400)
        let collection = try await get(s.base + "/collections/roads").json
        let temporal = ((collection["extent"] as? [String: Any])?["temporal"] as? [String: Any])?["interval"] as? [[String]]
        #expect(temporal == [["1998-05-01", "2003-09-02"]])
        // The spatial extent: the roads' box, from the index's single-precision boxes rounded outwards (within 3e-5°, 3 m).
        let box = (((collection["extent"] as? [String: Any])?["spatial"] as? [String: Any])?["bbox"] as? [[Double]])?.first ?? []
        let roads = [106.6340, 10.7600, 106.6530, 10.7700]
        #expect(box.count == 4 && zip(box, roads).allSatisfy { abs($0 - $1) < 3e-5 }, "\(box)")
        #expect(box.count == 4 && box[0] <= roads[0] && box[1] <= roads[1] && box[2] >= roads[2] && box[3] >= roads[3], "\(box)")
        let html = try await get(s.base + "/collections/roads/items?f=html")
        #expect(html.status == 200 && html.text.contains("Đường Lãnh Binh Thăng"))
    }

    @Test func inspectionsOfAnIntervalAreThoseItsDaysHold() async throws {
        let s = try await TestServer.shared.value
        let (inFirstHalf, after) = try await s.database().read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM inspections WHERE inspected_on BETWEEN '2025-01-01' AND '2025-06-30' AND status IN ('done', 'closed')")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM inspections WHERE inspected_on >= '2025-07-01' AND inspected_on <= ? AND status IN ('done', 'closed')", arguments: [TestServer.today.description])!)
        }
        #expect(inFirstHalf > 0 && after > 0)
        let first = try await get(s.base + "/collections/inspections/items?limit=1&datetime=2025-01-01/2025-06-30")
        #expect(first.json["numberMatched"] as? Int == inFirstHalf, "\(first.text.prefix(300))")
        let open = try await get(s.base + "/collections/inspections/items?limit=1&datetime=2025-07-01/..")
        #expect(open.json["numberMatched"] as? Int == after, "\(open.text.prefix(300))")
        // The temporal extent: the first and last inspection; wards from the first period on, open-ended; units below.
        let (firstDay, lastDay) = try await s.database().read { db in
            (try String.fetchOne(db, sql: "SELECT min(inspected_on) FROM inspections WHERE status IN ('done', 'closed')")!, try String.fetchOne(db, sql: "SELECT max(inspected_on) FROM inspections WHERE status IN ('done', 'closed')")!)
        }
        func interval(_ id: String) async throws -> [Any]? {
            let extent = try await get(s.base + "/collections/\(id)").json["extent"] as? [String: Any]
            return ((extent?["temporal"] as? [String: Any])?["interval"] as? [[Any]])?.first
        }
        let inspections = try await interval("inspections")
        #expect(inspections?.first as? String == firstDay && inspections?.last as? String == lastDay)
        #expect(try await interval("wards")?.last is NSNull)
        // Units: from the first registration to the day of the last change.
        let (registered, changed) = try await s.database().read { db in
            (try String.fetchOne(db, sql: "SELECT min(registered_on) FROM economic_units")!, try String.fetchOne(db, sql: "SELECT max(updated_at) FROM economic_units")!)
        }
        let units = try #require(try await interval("units"))
        #expect(units.first as? String == registered && units.last as? String == String(changed.prefix(10)), "\(units)")
        #expect(try await interval("markets") == nil)
        // Units have no dates of their own to hold an interval: datetime there is one day.
        #expect(try await get(s.base + "/collections/units/items?datetime=2025-01-01/2025-06-30").status == 400)
    }

    @Test func eachCollectionsItemsPathListsItsPropertyFilters() async throws {
        let s = try await TestServer.shared.value
        let paths = try await get(s.base + "/api?f=json").json["paths"] as? [String: [String: Any]] ?? [:]
        func parameters(_ id: String) -> [String: [String: Any]] {
            let list = (paths["/collections/\(id)/items"]?["get"] as? [String: Any])?["parameters"] as? [[String: Any]] ?? []
            return Dictionary(list.compactMap { p in (p["name"] as? String).map { ($0, p) } }) { a, _ in a }
        }
        let units = parameters("units")
        #expect((units["kind"]?["schema"] as? [String: Any])?["pattern"] as? String != nil)
        #expect((units["version"]?["schema"] as? [String: Any])?["type"] as? String == "integer")
        #expect((parameters("wards")["area_km2"]?["schema"] as? [String: Any])?["type"] as? String == "number")
        #expect(parameters("inspections")["fine_vnd"] != nil && parameters("inspections")["kind"] != nil)
        // And the filter the document offers is the one the server applies.
        let byParameter = try await get(s.base + "/collections/units/items?limit=1&kind=market,market_stall").json["numberMatched"] as? Int
        let byFilter = try await get(s.base + "/collections/units/items?limit=1&filter=" + FilterAndCRSTests.encoded("kind IN ('market','market_stall')")).json["numberMatched"] as? Int
        #expect(byParameter != nil && byParameter == byFilter)
    }
}
