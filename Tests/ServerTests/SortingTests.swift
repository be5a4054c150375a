import Foundation
import GRDB
import Registry
import Testing

/// `sortby` with several keys (OGC API – Features Part 1 sorting): next links walk the whole list in SQL's order,
/// each key in its own direction, NULLs where SQLite sorts them; bad keys are a 400 that names them.
@Suite struct SortingTests {
    /// The units in the server's order for `sortby`, read over every next link, against SQL's ORDER BY on the
    /// database (the id breaks ties in the first key's direction). Market codes and stall numbers are NULL for
    /// most units, so pages start inside runs of NULLs and of equal values. Names sort by their key, in Vietnamese
    /// alphabetical order (`name_key`).
    @Test(arguments: [
        ("+kind,-name", "u.kind, u.name_key DESC, u.id"),
        ("-market_code,name", "mk.code DESC, u.name_key, u.id DESC"),
        ("market_code,-stall_no,status", "mk.code, u.stall_no DESC, u.status, u.id"),
    ])
    func nextLinksFollowSQLOrder(sortby: String, order: String) async throws {
        let s = try await TestServer.shared.value
        let expected = try await s.database().read { db in
            try Int64.fetchAll(db, sql: """
                SELECT u.id FROM economic_units u LEFT JOIN economic_units mk ON mk.id = u.market_id
                WHERE u.registered_on IS NULL OR u.registered_on <= ? ORDER BY \(order)
                """, arguments: [TestServer.today.description])
        }
        var url: String? = s.base + "/collections/units/items?limit=97&properties=code&sortby=" + sortby.replacingOccurrences(of: "+", with: "%2B")
        var ids: [Int64] = []
        var pages = 0
        while let u = url, pages <= expected.count / 97 + 1 {
            let page = try await get(u)
            #expect(page.status == 200, "\(u): \(page.text.prefix(300))")
            ids += (page.json["features"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
            url = (page.json["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }?["href"] as? String
            pages += 1
        }
        #expect(expected.count > 1_000)
        #expect(ids.count == expected.count && Set(ids).count == ids.count)
        #expect(ids == expected)
        // An offset page is the same slice of that order.
        let offsetPage = try await get(s.base + "/collections/units/items?limit=50&offset=1234&sortby=" + sortby.replacingOccurrences(of: "+", with: "%2B"))
        let offsetIds = (offsetPage.json["features"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
        #expect(offsetIds == Array(expected[1234..<1284]))
    }

    @Test func badSortKeysAre400NamingTheKey() async throws {
        let s = try await TestServer.shared.value
        for (sortby, named) in [("kind,-no_such_property", "no_such_property"), ("name,-name", "name"), ("kind,,name", "kind,,name"),
                                ("kind%3BDROP%20TABLE%20economic_units", "kind;DROP TABLE economic_units")] {
            let answer = try await get(s.base + "/collections/units/items?sortby=" + sortby)
            #expect(answer.status == 400, "\(sortby)")
            #expect(answer.json["code"] as? String == "InvalidParameterValue")
            #expect((answer.json["description"] as? String)?.contains("sortby: \"\(named)\"") == true, "\(answer.text)")
        }
        // A cursor made for one sort does not continue another.
        let first = try await get(s.base + "/collections/units/items?limit=5&sortby=kind,-name")
        let next = try #require((first.json["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }?["href"] as? String)
        let other = try await get(next.replacingOccurrences(of: "sortby=kind,-name", with: "sortby=kind").replacingOccurrences(of: "sortby=kind%2C-name", with: "sortby=kind"))
        #expect(other.status == 400, "\(next)")
        // Nor another of as many keys (it was read against the other columns: rows lost or repeated).
        for changed in ["kind,name", "-kind,-name", "status,-name"] {
            let swapped = try await get(next.replacingOccurrences(of: "sortby=kind,-name", with: "sortby=" + changed)
                .replacingOccurrences(of: "sortby=kind%2C-name", with: "sortby=" + changed))
            #expect(swapped.status == 400 && swapped.text.contains("this one was made for kind,-name"), "\(changed): \(swapped.text.prefix(300))")
        }
        // Nor the same sort on another day when the key's values depend on it: a unit's ward on 2024-06-01 is not its
        // ward on 2025-08-01 (the wards of 2025 merged those of 2024), and the list would lose or repeat units.
        let wards = try await get(s.base + "/collections/units/items?limit=5&sortby=ward_code&datetime=2024-06-01")
        let wardsNext = try #require((wards.json["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }?["href"] as? String)
        #expect(wardsNext.contains("datetime=2024-06-01"), "\(wardsNext)")
        #expect(try await get(wardsNext).status == 200)
        let otherDay = try await get(wardsNext.replacingOccurrences(of: "datetime=2024-06-01", with: "datetime=2025-08-01"))
        #expect(otherDay.status == 400 && otherDay.text.contains("ward_code on 2024-06-01"), "\(otherDay.text.prefix(300))")
    }
}
