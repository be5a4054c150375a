import Foundation
import GRDB
import Registry
import Testing

/// `sortby` with a filter on one unit (`unit_code=`, or CQL2 `unit_code='…'`): the map's popup asks the last
/// inspections this way. SQLite 3.40 read the unit's rows forwards through an index for a descending sort when an
/// unused LEFT JOIN (market, ward) came before them in the statement, so the oldest came first.
@Suite struct FilteredSortTests {
    /// The units with the most rows in `table` whose rows differ in the sort, and each unit's ids in SQL's order
    /// (`order`, on the base table alone: no join for SQLite to drop).
    static func expected(_ s: TestServer, table: String, rows: String, order: String) throws -> [(code: String, ids: [Int64])] {
        try s.database().read { db in
            let today = TestServer.today.description
            let codes = try String.fetchAll(db, sql: """
                SELECT u.code FROM economic_units u JOIN \(table) i ON i.unit_id = u.id
                WHERE coalesce(u.registered_on, '') <= ? AND \(rows)
                GROUP BY u.id HAVING count(*) > 1 ORDER BY count(*) DESC, u.code LIMIT 6
                """, arguments: [today, today])
            return try codes.map { code in
                (code, try Int64.fetchAll(db, sql: """
                    SELECT i.id FROM \(table) i WHERE i.unit_id = (SELECT id FROM economic_units WHERE code = ?) AND \(rows)
                    ORDER BY \(order)
                    """, arguments: [code, today]))
            }
        }
    }

    static let pastInspections = "i.status IN ('done', 'closed') AND i.inspected_on <= ?"

    @Test(arguments: [
        ("inspections", "-inspected_on", pastInspections, "i.inspected_on DESC, i.id DESC"),
        ("inspections", "-inspected_on,-scope", pastInspections, "i.inspected_on DESC, i.scope DESC, i.id DESC"),
        ("inspections", "inspected_on", pastInspections, "i.inspected_on, i.id"),
        ("instruments", "-instrument_type,-serial_no", "? IS NOT NULL", "i.instrument_type DESC, i.serial_no DESC, i.id DESC"),
        ("instruments", "instrument_type,serial_no", "? IS NOT NULL", "i.instrument_type, i.serial_no, i.id"),
    ])
    func oneUnitsRowsFollowSQLOrder(collection: String, sortby: String, rows: String, order: String) async throws {
        let s = try await TestServer.shared.value
        let table = collection == "inspections" ? "inspections" : "measuring_instruments"
        let units = try FilteredSortTests.expected(s, table: table, rows: rows, order: order)
        #expect(units.count >= 3)
        var reversed = 0
        for unit in units {
            if unit.ids != unit.ids.sorted() { reversed += 1 }
            let code = unit.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let filter = "unit_code='\(unit.code)'".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            for (how, query) in [("property", "unit_code=\(code)"), ("CQL2", "filter=\(filter)"),
                                 ("property, few properties", "unit_code=\(code)&properties=unit_code")] {
                let url = s.base + "/collections/\(collection)/items?f=json&limit=100&sortby=\(sortby)&\(query)"
                let page = try await get(url)
                #expect(page.status == 200, "\(url): \(page.text.prefix(300))")
                let ids = (page.json["features"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
                #expect(ids == unit.ids, "\(collection) of \(unit.code) by \(how), sortby=\(sortby)")
            }
            // The popup's first page: the first row of that order.
            let first = try await get(s.base + "/collections/\(collection)/items?f=json&limit=1&sortby=\(sortby)&unit_code=\(code)")
            #expect((first.json["features"] as? [[String: Any]])?.first?["id"] as? NSNumber == unit.ids.first.map { NSNumber(value: $0) })
        }
        // Some unit's order is not its id order, so an order the wrong way round cannot pass.
        #expect(reversed > 0 || !sortby.hasPrefix("-"))
    }

    /// The due list has the instruments' sort; its rows are a subset, checked against their own properties.
    @Test func dueRowsOfOneUnitFollowTheirProperties() async throws {
        let s = try await TestServer.shared.value
        let units = try FilteredSortTests.expected(s, table: "measuring_instruments", rows: "? IS NOT NULL", order: "i.id")
        var compared = 0
        for unit in units {
            let page = try await get(s.base + "/collections/due/items?f=json&limit=100&sortby=-instrument_type,-serial_no&unit_code="
                                     + unit.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(page.status == 200)
            let rows = (page.json["features"] as? [[String: Any]] ?? []).map { f -> (String, String, Int64) in
                let p = f["properties"] as? [String: Any] ?? [:]
                return (p["instrument_type"] as? String ?? "", p["serial_no"] as? String ?? "", (f["id"] as? NSNumber)?.int64Value ?? 0)
            }
            let sorted = rows.sorted { a, b in (a.0, a.1, a.2) > (b.0, b.1, b.2) }
            #expect(rows.map(\.2) == sorted.map(\.2), "due of \(unit.code)")
            if rows.count > 1 { compared += 1 }
        }
        #expect(compared > 0)
    }
}
