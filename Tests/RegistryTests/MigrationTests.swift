import Foundation
import GRDB
import Testing
@testable import Registry

/// Migrations applied to a database with data in it, as `econgis migrate` does.
@Suite struct MigrationTests {
    /// "v8 drop located_ward_id" on a v7 database: the column goes, the units, their points, spatial index, search
    /// index and change-history triggers stay as they were.
    @Test func droppingLocatedWardKeepsUnitsIndexesAndTriggers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v7.sqlite").path
        do {
            let pool = try DatabasePool(path: path, configuration: SpatiaLite.configuration())
            try RegistryMigrations.migrator().migrate(pool, upTo: "v7 change history")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO economic_units (code, kind, name, search_text, created_at, updated_at, geom)
                    VALUES ('0100233488', 'enterprise', 'Chợ Bình Thới', 'cho binh thoi', 'now', 'now', MakePoint(106.642, 10.762, 4326))
                    """)
            }
            try pool.close()
        }
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
}
