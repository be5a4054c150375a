import Foundation
import GRDB
import Testing
@testable import Registry

/// ward_unit_counts (located units per ward and registration day) after each writer, and the unit counts of
/// `wards(on:)` that read it, against counts found from the boundaries themselves: an import (a unit without a
/// registration day, one registered late, one without a point), an add, a move, a new registration day, an import
/// that updates units, a ward import, and a unit and a ward deleted in SQL as the sqlite3 shell would.
@Suite struct WardUnitCountsTests {
    static let dates = ["2024-06-01", "2025-03-01", "2026-08-01", "2026-11-15"]

    /// For each ward valid on `day`: the units whose point it holds (ST_Intersects) and the units without a point
    /// that declare it, registered by `day` or with no registration day.
    static func expected(_ db: Database, on day: String) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT w.code || ' ' || w.valid_from || ': ' || (
              SELECT count(*) FROM economic_units u
              WHERE (u.registered_on IS NULL OR u.registered_on <= ?1)
                AND CASE WHEN u.geom IS NULL THEN u.declared_ward_id = w.id ELSE ST_Intersects(w.geom, u.geom) = 1 END)
            FROM admin_units w
            WHERE w.level = 'ward' AND w.valid_from <= ?1 AND (w.valid_to IS NULL OR w.valid_to >= ?1)
            ORDER BY w.code
            """, arguments: [day])
    }

    static func listed(_ r: TemporaryRegistry, on day: String) throws -> [String] {
        try AdminQuery(store: r.store).wards(on: LocalDate(iso: day)!, boundaries: false)
            .map { "\($0.ward.code) \($0.ward.validFrom): \($0.units)" }
    }

    static func check(_ r: TemporaryRegistry, after step: String) throws {
        for day in dates {
            let expected = try r.store.read { db in try Self.expected(db, on: day) }
            #expect(try Self.listed(r, on: day) == expected, "after \(step), on \(day)")
        }
        // The stored rows are the memberships counted again, per ward and day (no row left above zero that should not be).
        let stored = try r.store.read { db in
            try String.fetchAll(db, sql: """
                SELECT admin_unit_id || ' ' || registered_on || ' ' || units FROM ward_unit_counts WHERE units <> 0 ORDER BY 1
                """)
        }
        let recounted = try r.store.read { db in
            try String.fetchAll(db, sql: """
                SELECT ward || ' ' || day || ' ' || n FROM (
                  SELECT m.admin_unit_id AS ward, coalesce(u.registered_on, '') AS day, count(*) AS n
                  FROM unit_wards m JOIN economic_units u ON u.id = m.unit_id GROUP BY 1, 2)
                ORDER BY 1
                """)
        }
        #expect(stored == recounted, "after \(step)")
        #expect(!stored.isEmpty, "after \(step): units lie in wards")
    }

    @Test func everyWriterKeepsTheCountsOfEachWardAndDay() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let today = LocalDate(iso: "2026-11-15")!
        let units = try r.file("units.csv", """
            code,name,kind,ward_code,lon,lat,registered_on
            0100000010,Tây,enterprise,,106.642,10.762,2010-01-01
            0100000028,Đông,enterprise,,106.648,10.762,2010-01-01
            0100000003,Trên ranh,enterprise,,106.645,10.763,
            0100000035,Đăng ký muộn,enterprise,,106.643,10.764,2025-01-01
            0100000042,Không vị trí,enterprise,27232,,,2010-01-01
            """)
        _ = try Importer(store: r.store, now: Date()).importUnits(path: units, options: ImportOptions(today: today))
        try Self.check(r, after: "the unit import")

        let editor = UnitEditor(store: r.store, today: today, now: Date())
        _ = try editor.add(fields: ["code": "0100000067", "name": "Mới", "kind": "enterprise", "lon": "106.6449", "lat": "10.761",
                                    "registered_on": "2011-01-01"])
        try Self.check(r, after: "an add")
        _ = try editor.update(key: "0100000010", changes: ["lon": "106.649"], expectedVersion: nil)
        try Self.check(r, after: "a move")
        _ = try editor.update(key: "0100000028", changes: ["registered_on": "2025-02-01"], expectedVersion: nil)
        try Self.check(r, after: "a new registration day")

        // An import that moves one unit and changes another's registration day, and adds one.
        let again = try r.file("units-again.csv", """
            code,name,kind,ward_code,lon,lat,registered_on
            0100000010,Tây,enterprise,,106.641,10.762,2010-01-01
            0100000035,Đăng ký muộn,enterprise,,106.643,10.764,2012-05-05
            0100000074,Đông nữa,enterprise,,106.648,10.7615,2026-09-01
            """)
        _ = try Importer(store: r.store, now: Date()).importUnits(path: again, options: ImportOptions(today: today))
        try Self.check(r, after: "an import that updates units")

        try r.splitWardIn2026(today: today)
        try Self.check(r, after: "a ward import")

        try r.store.write { db in try db.execute(sql: "DELETE FROM economic_units WHERE code = '0100000028'") }
        try Self.check(r, after: "a unit deleted in SQL")
        try r.store.write { db in
            try db.execute(sql: "UPDATE economic_units SET registered_on = NULL WHERE code = '0100000067'")
            try db.execute(sql: "DELETE FROM admin_units WHERE code = '27298'")
        }
        try Self.check(r, after: "a registration day cleared and a ward deleted in SQL")
    }

    /// "v14 ward unit counts" on a registry that already holds units: the rows are counted from its memberships.
    @Test func theMigrationCountsTheUnitsAlreadyThere() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let units = try r.file("units.csv", """
            code,name,kind,ward_code,lon,lat,registered_on
            0100000010,Tây,enterprise,,106.642,10.762,2010-01-01
            0100000028,Đông,enterprise,,106.648,10.762,2025-01-01
            0100000003,Trên ranh,enterprise,,106.645,10.763,
            0100000042,Không vị trí,enterprise,27232,,,2010-01-01
            """)
        _ = try Importer(store: r.store, now: Date()).importUnits(path: units, options: ImportOptions(today: LocalDate(iso: "2026-11-15")!))
        // The database as v13 left it.
        try r.store.write { db in
            for trigger in ["insert", "delete", "unit_delete", "registered", "ward_delete"] {
                try db.execute(sql: "DROP TRIGGER ward_unit_counts_\(trigger)")
            }
            try db.execute(sql: "DROP TABLE ward_unit_counts")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v14 ward unit counts'")
        }
        let migrated = try RegistryStore.migrate(path: r.store.path, now: Date())
        #expect(migrated.to.number == migrated.from.number + 1)
        try Self.check(r, after: "the migration")
    }
}
