import Foundation
import GRDB
import Testing
@testable import Registry

/// Opening modes and schema versions of the store, and input that must be refused rather than trap.
@Suite struct StoreSafetyTests {
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A database made by an earlier version (fewer migrations): refused by readers and writers with both
    /// versions named; `migrate` copies it first, then brings it up to date.
    @Test func olderSchemaNeedsAnExplicitMigrationWithABackup() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        let migrator = RegistryMigrations.migrator()
        let older = migrator.migrations[migrator.migrations.count - 2]
        do {
            let pool = try DatabasePool(path: path, configuration: SpatiaLite.configuration())
            try migrator.migrate(pool, upTo: older)
            try pool.write { try $0.execute(sql: "INSERT INTO vsic_codes VALUES ('99999', 'kept', 'test')") }
        }
        for open in [{ try RegistryStore.openForReading(path: path) }, { try RegistryStore(path: path) }] {
            #expect { _ = try open() } throws: { error in
                guard case RegistryError.migrationNeeded(_, let database, let binary) = error else { return false }
                return database.lastMigration == older && binary.number == migrator.migrations.count
                    && "\(error)".contains(older) && (error as? RegistryError)?.kind == .conflict
                    && (error as? RegistryError)?.location?.file == path && !"\(error)".contains("`econgis")
            }
        }
        let m = try RegistryStore.migrate(path: path, now: Date())
        let backup = try #require(m.backup)
        #expect(m.from.lastMigration == older && m.to.number == migrator.migrations.count)
        let copy = try DatabaseQueue(path: backup)
        #expect(try copy.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.last == older)
        #expect(try copy.read { try String.fetchOne($0, sql: "SELECT title FROM vsic_codes WHERE code = '99999'") } == "kept")
        let store = try RegistryStore.openForReading(path: path)
        #expect(try store.read { try Bool.fetchOne($0, sql: "SELECT 1 FROM sqlite_master WHERE name = 'inspections'") } == true)
        #expect(try RegistryStore.migrate(path: path, now: Date()).backup == nil)  // nothing to do: no second copy
    }

    @Test func readingStoreRefusesWrites() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.sqlite").path
        try RegistryStore(path: path).close()
        let store = try RegistryStore.openForReading(path: path)
        #expect(throws: RegistryError.self) { try store.write { try $0.execute(sql: "DELETE FROM vsic_codes") } }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM vsic_codes") }! > 0)
        #expect(RegistryStore.immutableURI("/a b/c?d#e%.sqlite") == "file:/a%20b/c%3Fd%23e%25.sqlite?immutable=1")
        #expect { _ = try RegistryStore.openForReading(path: dir.path) } throws: { "\($0)".contains("not a directory") }
    }

    /// Found by hand while fuzzing: coordinates PROJ cannot transform became NaN, and NaN rings trapped.
    @Test func untransformableWardIsAnErrorNotACrash() throws {
        let r = try TemporaryRegistry()
        let wards = try r.file("w.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"x"},
             "geometry":{"type":"Polygon","coordinates":[[[1e30,1e30],[2e30,1e30],[2e30,2e30],[1e30,1e30]]]}}]}
            """)
        #expect { _ = try AdminImport(store: r.store).importWards(path: wards, options: .init(validFrom: LocalDate(iso: "2020-01-01")!, srs: "EPSG:3405", today: LocalDate(iso: "2026-11-15")!)) }
            throws: { "\($0)".contains("field geometry") && "\($0)".contains("PROJ") }
        let jurisdiction = try r.file("j.geojson", """
            {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1e30,1e30],[2e30,1e30],[2e30,2e30],[1e30,1e30]]]}}
            """)
        #expect(throws: RegistryError.self) { try AdminImport(store: r.store).importJurisdiction(path: jurisdiction, name: "x", srs: "EPSG:3405") }
        #expect(try r.count("admin_units") == 0 && r.count("jurisdiction") == 0)
    }
}
