import Foundation
import GRDB
import Registry
import Testing

/// Each unit's `ward_code` on a day, as the server's pages give it (UnitStatement.wardId, read from the stored
/// memberships), against SpatiaLite deciding from the ward boundaries themselves.
@Suite struct WardOnTheDayTests {
    /// The ward each unit lies in on `day`, found without the stored memberships: the lowest code among the wards valid
    /// that day whose boundary holds the point (ST_Intersects, as the registry places units: a point on an edge two
    /// wards share lies in both, where ST_Contains would put it in neither), or for a unit without a point its declared
    /// ward when valid that day. Only units registered by then, as the pages list them.
    static func expected(_ db: Database, on day: String) throws -> [Int64: String?] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT u.id, CASE WHEN u.geom IS NULL
              THEN (SELECT d.code FROM admin_units d WHERE d.id = u.declared_ward_id AND d.valid_from <= :day AND (d.valid_to IS NULL OR d.valid_to >= :day))
              ELSE (SELECT a.code FROM admin_units a WHERE a.level = 'ward' AND a.valid_from <= :day AND (a.valid_to IS NULL OR a.valid_to >= :day)
                      AND ST_Intersects(a.geom, u.geom) = 1 ORDER BY a.code, a.id LIMIT 1) END AS code
            FROM economic_units u WHERE coalesce(u.registered_on, '') <= :day
            """, arguments: ["day": day])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as Int64, $0["code"] as String?) })
    }

    /// Every unit's ward on `day` (nil: the server's day) through the server's pages, following the next links.
    static func served(_ base: String, on day: String?) async throws -> [Int64: String?] {
        var wards: [Int64: String?] = [:]
        var url: String? = base + "/collections/units/items?f=json&limit=10000&properties=ward_code" + (day.map { "&datetime=" + $0 } ?? "")
        while let next = url {
            let page = try await get(next)
            #expect(page.status == 200, "\(next): \(page.text.prefix(300))")
            for feature in page.json["features"] as? [[String: Any]] ?? [] {
                let id = (feature["id"] as? NSNumber)?.int64Value ?? 0
                wards[id] = (feature["properties"] as? [String: Any])?["ward_code"] as? String
            }
            url = (page.json["links"] as? [[String: Any]])?.first { $0["rel"] as? String == "next" }?["href"] as? String
        }
        return wards
    }

    /// Each ward code the pages on `day` give with the name beside it, as "code name" (a page names its units' wards
    /// from the ward ids it reads, WardNames): every pair must be a ward of that day's.
    static func servedNames(_ base: String, on day: String?) async throws -> Set<String> {
        let page = try await get(base + "/collections/units/items?f=json&limit=10000&properties=ward_name,ward_code" + (day.map { "&datetime=" + $0 } ?? ""))
        return Set((page.json["features"] as? [[String: Any]] ?? []).compactMap { feature in
            let p = feature["properties"] as? [String: Any]
            return (p?["ward_code"] as? String).map { $0 + " " + (p?["ward_name"] as? String ?? "none") }
        })
    }

    /// Units whose served ward differs from SpatiaLite's, as "id: served / expected" (empty when all agree).
    static func differences(_ served: [Int64: String?], _ expected: [Int64: String?]) -> [String] {
        Set(served.keys).union(expected.keys).sorted().compactMap { id in
            let s = served[id].map { $0 ?? "none" } ?? "not listed", e = expected[id].map { $0 ?? "none" } ?? "not listed"
            return s == e ? nil : "\(id): \(s) / \(e)"
        }
    }

    /// On the first and last day of each period of wards, a day inside the first period and the server's day, every
    /// unit (one added on a vertex wards share, so it lies in each) has SpatiaLite's ward. Then the lowest of that
    /// unit's wards is ended the day before the server's day: the next answer gives it the next lowest, and the wards
    /// of all units agree again.
    @Test func everyUnitsWardOnEachDayIsSpatiaLites() async throws {
        let s = try await TestServer()
        let db = try s.database()
        // A vertex of one current ward's boundary that another current ward's boundary also holds.
        let vertex = try #require(try await db.read { db in try Row.fetchOne(db, sql: """
            WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 2000),
            a AS (SELECT id, code, geom FROM admin_units WHERE level = 'ward' AND valid_to IS NULL)
            SELECT ST_X(v.p) AS lon, ST_Y(v.p) AS lat, min(a.code, b.code) AS lower, max(a.code, b.code) AS higher
            FROM (SELECT a.id, ST_PointN(ST_ExteriorRing(ST_GeometryN(a.geom, 1)), k.n) AS p FROM a, k
                  WHERE k.n <= ST_NPoints(ST_ExteriorRing(ST_GeometryN(a.geom, 1)))) v
            JOIN a ON a.id = v.id JOIN a b ON b.id <> a.id AND ST_Intersects(b.geom, v.p) = 1
            ORDER BY a.code, b.code LIMIT 1
            """) })
        let (lon, lat): (Double, Double) = (vertex["lon"], vertex["lat"])
        let store = try RegistryStore(path: s.databasePath)
        let editor = UnitEditor(store: store, today: TestServer.today, now: Date())
        let edge = try editor.add(fields: ["code": "0399999999", "name": "Cửa hàng trên ranh giới", "kind": "enterprise",
                                            "lon": "\(lon)", "lat": "\(lat)", "registered_on": "2010-01-01"])
        let wardsOfEdge = try await db.read { db in
            try String.fetchAll(db, sql: """
                SELECT a.code FROM unit_wards m JOIN admin_units a ON a.id = m.admin_unit_id WHERE m.unit_id = ? AND a.valid_to IS NULL ORDER BY a.code
                """, arguments: [edge.id])
        }
        // Two wards at least (three meet at some vertices); after the lowest is ended, the next lowest is the unit's.
        try #require(wardsOfEdge.count >= 2 && wardsOfEdge.contains(vertex["higher"]) && wardsOfEdge[0] == vertex["lower"],
                     "the unit on the shared vertex lies in each ward that holds it: \(wardsOfEdge)")
        let (lower, second) = (wardsOfEdge[0], wardsOfEdge[1])

        let days = try await db.read { db in
            try String.fetchAll(db, sql: """
                SELECT valid_from FROM admin_units WHERE level = 'ward' UNION SELECT valid_to FROM admin_units WHERE level = 'ward' AND valid_to IS NOT NULL
                UNION SELECT date(min(valid_from), '+20 years') FROM admin_units WHERE level = 'ward' ORDER BY 1
                """)
        }
        var daysWithWards = 0
        for day in days + [TestServer.today.description] {
            let expected = try await db.read { db in try WardOnTheDayTests.expected(db, on: day) }
            if expected.values.contains(where: { $0 != nil }) { daysWithWards += 1 }
            let served = try await WardOnTheDayTests.served(s.base, on: day == TestServer.today.description ? nil : day)
            #expect(WardOnTheDayTests.differences(served, expected).prefix(5) == [], "on \(day)")
            #expect(served[edge.id] == expected[edge.id], "the unit on the shared vertex on \(day)")
            let names = try await WardOnTheDayTests.servedNames(s.base, on: day == TestServer.today.description ? nil : day)
            let wardsOfDay = try await db.read { db in
                try Set(String.fetchAll(db, sql: """
                    SELECT code || ' ' || name FROM admin_units WHERE level = 'ward' AND valid_from <= :day AND (valid_to IS NULL OR valid_to >= :day)
                    """, arguments: ["day": day]))
            }
            #expect(names.subtracting(wardsOfDay).isEmpty, "on \(day) wards named otherwise: \(names.subtracting(wardsOfDay))")
            #expect(names.isEmpty == !expected.values.contains { $0 != nil }, "on \(day) the pages name the wards they give")
        }
        #expect(daysWithWards >= 6, "days \(days): units lie in wards on most of them")
        let today = TestServer.today.description
        #expect(try await WardOnTheDayTests.served(s.base, on: nil)[edge.id] == .some(lower))

        try store.write { db in
            try db.execute(sql: "UPDATE admin_units SET valid_to = date(?, '-1 day') WHERE level = 'ward' AND code = ? AND valid_to IS NULL",
                           arguments: [today, lower])
        }
        try store.close()
        let expected = try await db.read { db in try WardOnTheDayTests.expected(db, on: today) }
        let served = try await WardOnTheDayTests.served(s.base, on: nil)
        #expect(served[edge.id] == .some(second))
        #expect(WardOnTheDayTests.differences(served, expected).prefix(5) == [], "after the ward's end moved")
        // A box page (its ids chosen before the rows are read) and the feature by id say the same.
        let box = "\(lon - 0.0005),\(lat - 0.0005),\(lon + 0.0005),\(lat + 0.0005)"
        let page = try await get(s.base + "/collections/units/items?f=json&limit=100&properties=ward_code&bbox=" + box)
        let inBox = (page.json["features"] as? [[String: Any]] ?? []).first { ($0["id"] as? NSNumber)?.int64Value == edge.id }
        #expect((inBox?["properties"] as? [String: Any])?["ward_code"] as? String == second)
        let one = try await get(s.base + "/collections/units/items/\(edge.id)?f=json")
        #expect((one.json["properties"] as? [String: Any])?["ward_code"] as? String == second)
    }

    /// A page reads a unit's ward once, for its code and its name (FeatureLayer.Query.column): every property of the
    /// units' pages and features by id, whole or a subset that holds the ward's code or name among others, is the unit's
    /// own as the database holds it, and in the layer's order.
    @Test func propertiesBesideTheWardAreTheUnitsOwn() async throws {
        let s = try await TestServer.shared.value
        let db = try s.database()
        let today = TestServer.today.description
        let wards = try await db.read { db in try WardOnTheDayTests.expected(db, on: today) }
        let (names, units) = try db.read { db in
            (Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT code, name FROM admin_units WHERE level = 'ward' AND valid_from <= :day AND (valid_to IS NULL OR valid_to >= :day)
                """, arguments: ["day": today]).map { ($0[0] as String, $0[1] as String) }),
             Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT id, zone, declared_ward_code, ward_flag, version, updated_at FROM economic_units
                """).map { ($0["id"] as Int64, $0) }))
        }
        /// A JSON value as text, null for none.
        func text(_ value: Any?) -> String {
            switch value {
            case let n as NSNumber: n.stringValue
            case let t as String: t
            default: "null"
            }
        }
        let order = ["zone", "ward_code", "ward_name", "declared_ward_code", "ward_flag", "version", "updated_at"]
        var compared = 0
        for asked in [nil, "ward_name,version", "ward_code,declared_ward_code,updated_at", "ward_flag,ward_name,zone,ward_code", "ward_code"] {
            let query = asked.map { "&properties=" + $0 } ?? ""
            let page = try await get(s.base + "/collections/units/items?f=json&limit=300" + query)
            var features = page.json["features"] as? [[String: Any]] ?? []
            #expect(features.count == 300, "\(query): \(page.text.prefix(300))")
            for feature in features.enumerated().filter({ $0.offset % 100 == 7 }).map(\.element) {  // the same features by id
                features.append(try await get(s.base + "/collections/units/items/\((feature["id"] as? NSNumber)?.int64Value ?? 0)?f=json" + query).json)
            }
            for feature in features {
                let id = (feature["id"] as? NSNumber)?.int64Value ?? 0
                let unit = try #require(units[id], "feature \(id)")
                let properties = feature["properties"] as? [String: Any] ?? [:]
                let code = wards[id] ?? nil
                let expected: [String: String] = [
                    "zone": text(unit["zone"] as String?), "ward_code": text(code), "ward_name": text(code.flatMap { names[$0] }),
                    "declared_ward_code": text(unit["declared_ward_code"] as String?), "ward_flag": text(unit["ward_flag"] as String?),
                    "version": text((unit["version"] as Int64?).map { NSNumber(value: $0) }), "updated_at": text(unit["updated_at"] as String?),
                ]
                let kept = asked.map { Set($0.split(separator: ",").map(String.init)) }
                #expect(kept.map { Set(properties.keys) == $0 } ?? (properties.count == 18), "\(query) feature \(id): \(properties.keys.sorted())")
                for key in order where kept?.contains(key) ?? true {
                    #expect(text(properties[key]) == expected[key], "\(query) feature \(id) \(key)")
                    compared += 1
                }
            }
        }
        #expect(compared > 3000)
        // The HTML page names the ward beside the unit's other properties in the same columns.
        let html = try await get(s.base + "/collections/units/items?f=html&limit=5&properties=ward_name,version").text
        let row = try #require(html.components(separatedBy: "<tr><td>").dropFirst().first?.components(separatedBy: "</tr>").first)
        let first = try #require(Int64(row.components(separatedBy: "\">").dropFirst().first?.prefix { $0.isNumber } ?? ""), "\(row.prefix(200))")
        let cells = row.components(separatedBy: "<td>").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
        #expect(cells == [(wards[first] ?? nil).flatMap { names[$0] } ?? "", "\(units[first]?["version"] as Int64? ?? 0)"], "\(row.prefix(300))")
    }
}
