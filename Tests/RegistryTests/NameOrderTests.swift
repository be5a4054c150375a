import Foundation
import GRDB
import Testing
@testable import Registry

/// Lists sorted by name follow Vietnamese alphabetical order (VietnameseText.sortKey, stored as `name_key`), not the
/// bytes of the name, which put "Đại" after "Zen" and "Ăn" after "Bình".
@Suite struct NameOrderTests {
    /// In the order a Vietnamese reader expects: ă and â after a, đ after d, ê after e, ô and ơ after o, ư after u;
    /// letters before tones (ngang, huyền, hỏi, ngã, sắc, nặng); a word break before any letter; numbers by value.
    static let ordered = [
        "1 Tháng 5", "24h Mart", "An", "An Phú", "Anh", "Ăn uống", "Âu Cơ", "Ba", "Bà", "Bả", "Bã", "Bá", "Bạ", "Bác",
        "Bình Thới", "Chợ Thiếc", "Dũng", "Đại Phát", "Đường", "Em", "Êm", "Hồ", "Hơ", "Ô Môi", "Ơn", "Sạp 2", "Sạp 9",
        "Sạp 10", "Sạp 10A", "Sạp 100", "Uyên", "Ưng", "Zen", "永安",
    ]

    @Test func keysSortNamesInVietnameseOrder() {
        let shuffled = NameOrderTests.ordered.reversed() + []
        #expect(shuffled.sorted { VietnameseText.sortKey($0) < VietnameseText.sortKey($1) } == NameOrderTests.ordered)
        // Byte order, which the key replaces, puts them otherwise.
        #expect(NameOrderTests.ordered.sorted() != NameOrderTests.ordered)
    }

    @Test func keysIgnoreCasePunctuationAndTheUnicodeForm() {
        let key = VietnameseText.sortKey("Chợ Bình Thới")
        #expect(VietnameseText.sortKey("CHỢ BÌNH THỚI") == key)
        #expect(VietnameseText.sortKey("Chợ  Bình - Thới.") == key)
        #expect(VietnameseText.sortKey("Chợ Bình Thới".decomposedStringWithCanonicalMapping) == key)
        #expect(VietnameseText.sortKey("Sạp 007") == VietnameseText.sortKey("Sạp 7"))
        #expect(VietnameseText.sortKey("\u{D0}ại Phát") == VietnameseText.sortKey("Đại Phát"))  // Ð (eth) typed for Đ
        #expect(VietnameseText.sortKey("Cho Binh Thoi") < key && VietnameseText.sortKey("Cho Binh Thoi").utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
    }

    /// `units list --sort name` and its keyset pages, and the units layer's `sortby=name` (the server's), both in that order.
    @Test func unitListsAndLayersSortByTheKey() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        var csv = "code,name,kind,lon,lat\n"
        for (i, name) in NameOrderTests.ordered.reversed().enumerated() { csv += "M\(100 + i),\(name),market,106.642,10.762\n" }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv))
        let q = UnitQuery(store: r.store)
        let all = UnitFilter(asOf: .today())
        #expect(try q.list(all, sort: Sorting(.name)).items.map(\.unit.name) == NameOrderTests.ordered)
        #expect(try q.list(all, sort: Sorting(.name, descending: true)).items.map(\.unit.name) == NameOrderTests.ordered.reversed())
        var paged: [String] = []
        var after: PageCursor?
        repeat {
            let page = try q.list(all, sort: Sorting(.name), page: try PageRequest(limit: 4, after: after))
            paged += page.items.map(\.unit.name)
            after = page.next
        } while after != nil && paged.count < 100
        #expect(paged == NameOrderTests.ordered)
        let layer = try r.store.read { db -> [String] in
            let query = try FeatureLayer.units.query(db, filter: all)
            var selection = FeatureSelection()
            selection.sortBy = [FeatureSortKey(property: "name")]
            let (selected, sql, _) = try query.selecting(selection, extraRow: false)
            let column = selected.column(selected.properties.firstIndex { $0.name == "name" }!)
            return try Row.fetchAll(db, SQLRequest<Row>(literal: sql)).map { $0[column] }
        }
        #expect(layer == NameOrderTests.ordered)
        // A rename keeps the key with the name.
        _ = try UnitEditor(store: r.store, today: .today(), now: Date()).update(key: "M100", changes: ["name": "Ă"], expectedVersion: 1)
        #expect(try q.list(all, sort: Sorting(.name), page: try PageRequest(limit: 6)).items.map(\.unit.name).last == "Ă")
    }

    /// "v18 unit name keys" on a v17 database: every unit gets its key, without a change in its version or history.
    @Test func theMigrationKeysEveryUnitWithoutWritingHistory() throws {
        let (dir, path) = try MigrationTests().olderRegistry(upTo: "v17 flagged units index") { db in
            for (i, name) in ["Zen", "Đại", "Ăn", "An"].enumerated() {
                try db.execute(sql: """
                    INSERT INTO economic_units (code, kind, name, search_text, created_at, updated_at, geom)
                    VALUES (?, 'enterprise', ?, 'x', 'now', 'now', MakePoint(106.642, 10.762, 4326))
                    """, arguments: ["C\(i)", name])
            }
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try RegistryStore.migrate(path: path, now: Date())
        let store = try RegistryStore(path: path)
        let rows = try store.read { try Row.fetchAll($0, sql: "SELECT name, name_key, version FROM economic_units ORDER BY name_key") }
        #expect(rows.map { $0["name"] as String } == ["An", "Ăn", "Đại", "Zen"])
        #expect(rows.allSatisfy { ($0["name_key"] as String) == VietnameseText.sortKey($0["name"]) && ($0["version"] as Int) == 1 })
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_history") } == 0)
        let plan = try store.read { try Row.fetchAll($0, sql: "EXPLAIN QUERY PLAN SELECT id FROM economic_units ORDER BY name_key LIMIT 5").map { $0["detail"] as String } }
        #expect(plan.joined().contains("economic_units_name_key"))
    }
}
