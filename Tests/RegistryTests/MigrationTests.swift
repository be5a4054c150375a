import Foundation
import GRDB
import Testing
@testable import Registry

/// Migrations applied to a database with data in it, as `econgis migrate` does.
@Suite struct MigrationTests {
    static let unitsTable = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'economic_units'"

    /// A registry migrated up to `last` in a new scratch directory (`dir`, for the caller to remove), with `prepare`
    /// run on it outside a transaction (so it may change the schema's text), and closed.
    func olderRegistry(upTo last: String, _ prepare: (Database) throws -> Void) throws -> (dir: URL, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("older.sqlite").path
        let pool = try DatabasePool(path: path, configuration: SpatiaLite.configuration())
        try RegistryMigrations.migrator().migrate(pool, upTo: last)
        try pool.writeWithoutTransaction(prepare)
        try pool.close()
        return (dir, path)
    }

    /// "v8 drop located_ward_id" on a v7 database: the column goes, the units, their points, spatial index, search
    /// index and change-history triggers stay as they were.
    @Test func droppingLocatedWardKeepsUnitsIndexesAndTriggers() throws {
        let (dir, path) = try olderRegistry(upTo: "v7 change history") { db in
            try db.execute(sql: """
                INSERT INTO economic_units (code, kind, name, search_text, created_at, updated_at, geom)
                VALUES ('0100233488', 'enterprise', 'Chợ Bình Thới', 'cho binh thoi', 'now', 'now', MakePoint(106.642, 10.762, 4326))
                """)
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let columns = { (store: RegistryStore) in try store.read { try String.fetchAll($0, sql: "SELECT name FROM pragma_table_info('economic_units')") } }
        let migrated = try RegistryStore.migrate(path: path, now: Date())
        let store = try RegistryStore(path: path)
        #expect(migrated.to.number > 7)
        #expect(try store.read { try RegistryMigrations.migrator().appliedIdentifiers($0) }.contains("v8 drop located_ward_id"))
        #expect(try !columns(store).contains("located_ward_id") && columns(store).contains("declared_ward_id"))
        let (integrity, found) = try store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT rowid FROM unit_search WHERE unit_search MATCH 'binh'"))
        }
        // CheckSpatialIndex logs its verdict in spatialite_history: on a reader that write fails ("SQL error: attempt to
        // write a readonly database" on stderr), so it runs on the writer, as in ImportTests.
        let spatialIndex = try store.write { try Int.fetchOne($0, sql: "SELECT CheckSpatialIndex('economic_units', 'geom')") }
        #expect(integrity == "ok" && spatialIndex == 1 && found != nil)
        try store.write { try $0.execute(sql: "UPDATE economic_units SET name = 'Chợ Thiếc' WHERE code = '0100233488'") }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_history WHERE table_name = 'economic_units'") } == 1)
        // The writers no longer name the column: a unit added and updated through the editor round-trips.
        let editor = UnitEditor(store: store, today: LocalDate(iso: "2026-11-15")!, now: Date())
        _ = try editor.add(fields: ["code": "0321853641", "name": "Công ty B", "kind": "enterprise", "lon": "106.643", "lat": "10.763"])
        #expect(try editor.update(key: "0321853641", changes: ["name": "Công ty B2"], expectedVersion: 1).version == 2)
    }

    /// "v16 unit checks without IN lists" on a v15 database with units: the kind and status checks become OR chains,
    /// accept and refuse what they did, and the units, indexes and triggers stay as they were.
    @Test func unitChecksBecomeOrChainsAndRefuseTheSameRows() throws {
        let unitsTable = Self.unitsTable
        let (dir, path) = try olderRegistry(upTo: "v15 goods origin entries by province") { db in
            try db.execute(sql: """
                INSERT INTO economic_units (code, kind, name, status, search_text, created_at, updated_at, geom)
                VALUES ('0100233488', 'market', 'Chợ Bình Thới', 'suspended', 'cho binh thoi', 'now', 'now', MakePoint(106.642, 10.762, 4326))
                """)
            let before = try String.fetchOne(db, sql: unitsTable) ?? ""
            #expect(before.contains("kind IN (") && before.contains("status IN ("))
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try RegistryStore.migrate(path: path, now: Date())
        let store = try RegistryStore(path: path)
        let table = try store.read { try String.fetchOne($0, sql: unitsTable) } ?? ""
        #expect(!table.contains(" IN ("), "\(table)")
        #expect(table.contains("CHECK (kind = 'enterprise' OR kind = 'branch' OR kind = 'household_business' OR kind = 'cooperative' OR kind = 'market' OR kind = 'market_stall')"))
        #expect(table.contains("CHECK (status = 'active' OR status = 'suspended' OR status = 'closed')"))
        #expect(table.contains("CHECK (name <> '')") && table.contains("\"geom\" POINT"))
        let (integrity, found) = try store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT rowid FROM unit_search WHERE unit_search MATCH 'binh'"))
        }
        #expect(integrity == "ok" && found != nil)
        // Every kind and status the lists allowed goes in; a value outside them, or a different case, does not.
        let insert = "INSERT INTO economic_units (code, kind, name, status, search_text, created_at, updated_at) VALUES (?, ?, 'x', ?, 'x', 'now', 'now')"
        try store.write { db in
            for (i, kind) in ["enterprise", "branch", "household_business", "cooperative", "market"].enumerated() {
                for status in ["active", "suspended", "closed"] { try db.execute(sql: insert, arguments: ["k\(i)-\(status)", kind, status]) }
            }
        }
        for (kind, status) in [("shop", "active"), ("Enterprise", "active"), ("enterprise", "open"), ("enterprise", "ACTIVE")] {
            #expect("\(kind), \(status)") {
                try store.write { try $0.execute(sql: insert, arguments: ["bad", kind, status]) }
            } throws: { "\($0)".contains("CHECK constraint failed") }
        }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM economic_units") } == 16)
        try store.write { try $0.execute(sql: "UPDATE economic_units SET name = 'Chợ Thiếc' WHERE code = '0100233488'") }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM change_history WHERE table_name = 'economic_units'") } == 1)
    }

    /// A v15 database whose units table was changed by hand (a status added to the list in the sqlite3 shell): v16
    /// finds no text it knows, leaves the table's definition as it was, and the migration still completes.
    @Test func aUnitsTableChangedByHandIsLeftAsItIs() throws {
        let unitsTable = Self.unitsTable
        var before = ""
        let (dir, path) = try olderRegistry(upTo: "v15 goods origin entries by province") { db in
            let sql = try String.fetchOne(db, sql: unitsTable)!
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version")!
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'economic_units'",
                           arguments: [sql.replacingOccurrences(of: "'suspended', 'closed'", with: "'suspended', 'archived', 'closed'")])
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
            before = try String.fetchOne(db, sql: unitsTable)!
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(before.contains("'archived'"))
        let migrated = try RegistryStore.migrate(path: path, now: Date())
        #expect(migrated.to.lastMigration == "v18 unit name keys")
        let store = try RegistryStore(path: path)
        // v18 then adds its column to the definition, as ALTER TABLE writes it.
        let after = try store.read { try String.fetchOne($0, sql: unitsTable) }
        #expect(after?.replacingOccurrences(of: " name_key TEXT NOT NULL DEFAULT '',", with: "") == before, "\(after ?? "")")
        #expect(try store.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }

    /// The words of a constraint are found whatever white space stands between them, and only as whole words in order.
    @Test func checkTextIsFoundAcrossLineBreaks() {
        let words = ["CHECK", "(status", "IN", "('active',", "'suspended',", "'closed'))"]
        let text = "a CHECK (kind IN ('x')), b CHECK (status IN ('active',\n      'suspended', 'closed')), c"
        let range = UnitCheckRewrite.range(of: words, in: text)
        #expect(range.map { String(text[$0]) } == "CHECK (status IN ('active',\n      'suspended', 'closed'))")
        #expect(UnitCheckRewrite.range(of: words, in: "CHECK (status IN ('active','suspended', 'closed'))") == nil)
        #expect(UnitCheckRewrite.range(of: words, in: "CHECK (status IN ('active', 'closed'))") == nil)
    }
}
