import Foundation
import GRDB
import Testing
@testable import Registry

/// unit_stretch_wards (each located unit's ward for every stretch of days with the same wards) after each writer:
/// a unit import, an add, an update that moves a unit and one that does not, a ward import, and a ward changed
/// in SQL outside the registry (the table empties, lists look the wards up, and the next unit write fills it).
@Suite struct UnitStretchWardsTests {
    /// The rows the table should hold, found from the boundaries themselves (not from unit_wards): for each first day of
    /// a stretch and each unit with a point, the ward valid that day that holds the point (ST_Intersects, a point
    /// on a shared edge is in both), the lowest code first; and the row saying the table is complete.
    static func expected(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT key || ' ' || ward FROM (
              SELECT (CAST(julianday(s.day) - 2440587.5 AS INTEGER) << 32) + u.id AS key,
                     (SELECT a.id FROM admin_units a WHERE a.level = 'ward' AND a.valid_from <= s.day
                        AND (a.valid_to IS NULL OR a.valid_to >= s.day) AND ST_Intersects(a.geom, u.geom) = 1
                      ORDER BY a.code, a.id LIMIT 1) AS ward
              FROM (SELECT valid_from AS day FROM admin_units WHERE level = 'ward'
                    UNION SELECT date(valid_to, '+1 day') FROM admin_units WHERE level = 'ward' AND valid_to IS NOT NULL) s
              CROSS JOIN economic_units u WHERE u.geom IS NOT NULL
              UNION ALL SELECT -1, 0)
            WHERE ward IS NOT NULL ORDER BY key
            """)
    }

    static func stored(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT key || ' ' || admin_unit_id FROM unit_stretch_wards ORDER BY key")
    }

    static func check(_ r: TemporaryRegistry, after step: String) throws {
        let stored = try r.store.read { db in try UnitStretchWardsTests.stored(db) }
        let expected = try r.store.read { db in try UnitStretchWardsTests.expected(db) }
        #expect(stored == expected, "after \(step)")
        #expect(expected.count > 1, "after \(step): units lie in wards")
    }

    /// The ward code of unit `code` on `day`, as lists give it.
    static func listedWard(_ r: TemporaryRegistry, _ code: String, on day: String) throws -> String? {
        try UnitQuery(store: r.store).list(UnitFilter(asOf: LocalDate(iso: day)!)).items.first { $0.unit.code == code }?.ward?.code
    }

    @Test func everyWriterKeepsEachUnitsWardPerStretch() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let today = LocalDate(iso: "2026-11-15")!
        // West, east, on the edge the 2024 wards share (both hold it: 27223 is the lower code), and no point.
        let units = try r.file("units.csv", """
            code,name,kind,ward_code,lon,lat,registered_on
            0100000010,Tây,enterprise,,106.642,10.762,2010-01-01
            0100000028,Đông,enterprise,,106.648,10.762,2010-01-01
            0100000003,Trên ranh,enterprise,,106.645,10.763,2010-01-01
            0100000042,Không vị trí,enterprise,27232,,,2010-01-01
            """)
        _ = try Importer(store: r.store, now: Date()).importUnits(path: units, options: ImportOptions(today: today))
        try Self.check(r, after: "the unit import")
        #expect(try Self.listedWard(r, "0100000003", on: "2024-06-01") == "27223")

        let editor = UnitEditor(store: r.store, today: today, now: Date())
        _ = try editor.add(fields: ["code": "0100000067", "name": "Mới", "kind": "enterprise", "lon": "106.6449", "lat": "10.761",
                                    "registered_on": "2011-01-01"])
        try Self.check(r, after: "an add")
        _ = try editor.update(key: "0100000010", changes: ["lon": "106.649"], expectedVersion: nil)
        try Self.check(r, after: "a move")
        #expect(try Self.listedWard(r, "0100000010", on: "2024-06-01") == "27223")
        _ = try editor.update(key: "0100000028", changes: ["name": "Đông mới"], expectedVersion: nil)
        try Self.check(r, after: "an update that keeps the point")

        try r.splitWardIn2026(today: today)
        try Self.check(r, after: "a ward import")
        #expect(try Self.listedWard(r, "0100000028", on: "2026-08-01") == "27299")

        // A ward ended in SQL, as the sqlite3 shell would: the table empties and lists look the wards up.
        try r.store.write { db in
            try db.execute(sql: "UPDATE admin_units SET valid_to = '2026-09-30' WHERE code = '27299' AND valid_from = '2026-07-01'")
        }
        #expect(try r.store.read { db in try UnitStretchWards.isComplete(db) } == false)
        #expect(try Self.listedWard(r, "0100000028", on: "2026-08-01") == "27299")
        #expect(try Self.listedWard(r, "0100000028", on: "2026-10-01") == nil)
        _ = try editor.update(key: "0100000042", changes: ["name": "Vẫn không vị trí"], expectedVersion: nil)
        try Self.check(r, after: "the next unit write")

        // The greatest unit deleted in SQL, as the sqlite3 shell would, then an import: SQLite gives its id again,
        // to a unit in another ward, whose rows must replace the ones the deleted unit left.
        let deleted = try r.store.write { db -> Int64 in
            let id = try Int64.fetchOne(db, sql: "SELECT max(id) FROM economic_units")!
            try db.execute(sql: "DELETE FROM unit_wards WHERE unit_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM economic_units WHERE id = ?", arguments: [id])
            return id
        }
        let again = try r.file("units-again.csv", """
            code,name,kind,ward_code,lon,lat,registered_on
            0100000074,Đông nữa,enterprise,,106.648,10.7615,2010-01-01
            """)
        _ = try Importer(store: r.store, now: Date()).importUnits(path: again, options: ImportOptions(today: today))
        #expect(try r.store.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM economic_units WHERE code = '0100000074'") } == deleted)
        try Self.check(r, after: "an import after a unit was deleted in SQL")
    }
}
