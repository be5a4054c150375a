import Foundation
import GRDB
import Registry
import Server
import Testing

/// `/items/{id}` keeps its statement per database version (LayerQueryMemo.byId): what it answers after a write.
@Suite struct ByIdAfterWriteTests {
    /// The kept statement names the wards valid on the day; a write that moves a ward's period must reach the next
    /// answer, as must a changed name.
    @Test func byIdAnswersTheDatabaseAfterAWrite() async throws {
        let s = try await TestServer()
        let (id, wardCode): (Int64, String) = try await s.database().read { db in
            let row = try #require(try Row.fetchOne(db, sql: """
                SELECT u.id, a.code FROM economic_units u JOIN unit_wards m ON m.unit_id = u.id JOIN admin_units a ON a.id = m.admin_unit_id
                WHERE a.level = 'ward' AND a.valid_to IS NULL ORDER BY u.id LIMIT 1
                """))
            return (row[0], row[1])
        }
        let url = s.base + "/collections/units/items/\(id)"
        func properties(_ r: HTTPResult) -> [String: Any] { r.json["properties"] as? [String: Any] ?? [:] }
        let before = try await get(url)
        #expect(before.status == 200)
        #expect(properties(before)["ward_code"] as? String == wardCode)
        // Later answers come from the kept statement, read outside a transaction (RegistryStore.readOneStatement):
        // the same bytes, and a 404 for an id that is not there.
        let again = try await get(url)
        #expect(again.status == 200)
        #expect(again.body == before.body)
        let missing = try await get(s.base + "/collections/units/items/999999999")
        #expect(missing.status == 404)
        #expect(missing.json["code"] as? String == "NotFound")

        let store = try RegistryStore(path: s.databasePath)
        try store.write { db in
            try db.execute(sql: "UPDATE economic_units SET name = 'Tiệm đổi tên' WHERE id = ?", arguments: [id])
            try db.execute(sql: "UPDATE admin_units SET valid_from = '2099-01-01' WHERE code = ? AND valid_to IS NULL", arguments: [wardCode])
        }
        try store.close()

        let after = try await get(url)
        #expect(after.status == 200)
        #expect(after.header("ETag") != before.header("ETag"))
        #expect(properties(after)["name"] as? String == "Tiệm đổi tên")
        // The ward's period now starts in 2099: on the server's day the unit lies in no ward of that code.
        #expect(properties(after)["ward_code"] as? String != wardCode)
        let ward = try await get(s.base + "/collections/wards/items?code=\(wardCode)")
        #expect(ward.json["numberMatched"] as? Int == 0)
    }
}
