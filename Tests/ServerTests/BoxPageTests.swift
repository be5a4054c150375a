import Foundation
import GRDB
import Registry
import Testing

/// Pages in id order choose their ids from the filter's narrow statement first (FeatureLayer.IdsFirst) and read
/// the rows of those ids only; the pages must still be SQL's, with every property, and a feature by id (a cached
/// statement, bound anew each time) must be that feature.
@Suite struct BoxPageTests {
    @Test func boxPagesOverNextLinksAreSQLsIdsWithTheirProperties() async throws {
        let s = try await TestServer.shared.value
        let (minLon, minLat, maxLon, maxLat) = (106.6440, 10.7580, 106.6530, 10.7650)
        let (expected, codes) = try await s.database().read { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM economic_units WHERE (registered_on IS NULL OR registered_on <= ?)
                AND ST_X(geom) BETWEEN ? AND ? AND ST_Y(geom) BETWEEN ? AND ? ORDER BY id
                """, arguments: [TestServer.today.description, minLon, maxLon, minLat, maxLat])
            let codes = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, code FROM economic_units").map { ($0[0] as Int64, $0[1] as String) })
            return (ids, codes)
        }
        #expect(expected.count > 100)
        var url: String? = s.base + "/collections/units/items?limit=37&bbox=\(minLon),\(minLat),\(maxLon),\(maxLat)"
        var ids: [Int64] = []
        var features: [[String: Any]] = []
        while let u = url, ids.count <= expected.count {
            let page = try await get(u)
            #expect(page.status == 200, "\(u): \(page.text.prefix(300))")
            #expect(page.json["numberMatched"] as? Int == expected.count)
            let f = page.json["features"] as? [[String: Any]] ?? []
            features += f
            ids += f.compactMap { ($0["id"] as? NSNumber)?.int64Value }
            url = (page.json["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }?["href"] as? String
        }
        #expect(ids == expected)
        // Each row is its own unit's, with the ward read for it, as the single feature has it.
        for (id, f) in zip(ids, features) {
            #expect((f["properties"] as? [String: Any])?["code"] as? String == codes[id])
        }
        for f in features.prefix(5) + features.suffix(5) {
            let id = try #require(f["id"] as? Int)
            let one = try await get(s.base + "/collections/units/items/\(id)").json
            #expect(one["id"] as? Int == id)
            let a = f["properties"] as? [String: Any] ?? [:], b = one["properties"] as? [String: Any] ?? [:]
            #expect(a["ward_code"] as? String == b["ward_code"] as? String && a["market_code"] as? String == b["market_code"] as? String)
            #expect(a.count == b.count && a["ward_code"] is String)
        }
        // An offset page is the same slice.
        let offset = try await get(s.base + "/collections/units/items?limit=20&offset=50&bbox=\(minLon),\(minLat),\(maxLon),\(maxLat)").json
        #expect((offset["features"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value } == Array(expected[50..<70]))
    }

    /// By id, alternating ids on one cached statement: each answer is the unit asked for.
    @Test func featuresByIdAreEachTheirOwn() async throws {
        let s = try await TestServer.shared.value
        let units = try await s.database().read { db in
            try Row.fetchAll(db, sql: "SELECT id, code FROM economic_units WHERE registered_on IS NULL OR registered_on <= ? ORDER BY random() LIMIT 6",
                             arguments: [TestServer.today.description]).map { ($0[0] as Int64, $0[1] as String) }
        }
        for (id, code) in units + units.reversed() {
            let one = try await get(s.base + "/collections/units/items/\(id)").json
            #expect(one["id"] as? Int64 == id && (one["properties"] as? [String: Any])?["code"] as? String == code)
        }
        #expect(try await get(s.base + "/collections/units/items/\(Int32.max)").status == 404)
    }
}
