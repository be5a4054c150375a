import GRDB

/// How many located units each ward holds, per registration day (migration "v14 ward unit counts"): a ward's units
/// on a date are the sum of its rows up to that day, a few thousand rows at most, where counting its memberships
/// in unit_wards read one index entry per unit (a tenth of a second per period at 1 000 000 units). Units without
/// a point are counted from their declared ward by the reader, as before. Triggers keep the rows whatever writes
/// unit_wards or a registration day, the sqlite3 shell included; a bulk import suspends the insert trigger and adds
/// what it counted itself (`Suspended`).
enum WardUnitCounts {
    static let insertTrigger = "ward_unit_counts_insert"
    static let deleteTrigger = "ward_unit_counts_delete"

    static let sql = """
        -- A unit without a registration day counts from the start: its day is ''.
        CREATE TABLE ward_unit_counts (
          admin_unit_id INTEGER NOT NULL,
          registered_on TEXT NOT NULL,
          units INTEGER NOT NULL,
          PRIMARY KEY (admin_unit_id, registered_on)
        ) WITHOUT ROWID;
        CREATE TRIGGER ward_unit_counts_insert AFTER INSERT ON unit_wards BEGIN
          INSERT INTO ward_unit_counts (admin_unit_id, registered_on, units)
          SELECT new.admin_unit_id, coalesce(u.registered_on, ''), 1 FROM economic_units u WHERE u.id = new.unit_id
          ON CONFLICT DO UPDATE SET units = units + 1;
        END;
        CREATE TRIGGER ward_unit_counts_delete AFTER DELETE ON unit_wards BEGIN
          UPDATE ward_unit_counts SET units = units - 1
          WHERE admin_unit_id = old.admin_unit_id
            AND registered_on = (SELECT coalesce(u.registered_on, '') FROM economic_units u WHERE u.id = old.unit_id);
        END;
        -- A deleted unit's memberships go first, while its registration day can still be read (the foreign key's
        -- cascade runs after the row is gone).
        CREATE TRIGGER ward_unit_counts_unit_delete BEFORE DELETE ON economic_units BEGIN
          DELETE FROM unit_wards WHERE unit_id = old.id;
        END;
        CREATE TRIGGER ward_unit_counts_registered AFTER UPDATE OF registered_on ON economic_units
        WHEN old.registered_on IS NOT new.registered_on BEGIN
          UPDATE ward_unit_counts SET units = units - 1
          WHERE registered_on = coalesce(old.registered_on, '')
            AND admin_unit_id IN (SELECT m.admin_unit_id FROM unit_wards m WHERE m.unit_id = new.id);
          INSERT INTO ward_unit_counts (admin_unit_id, registered_on, units)
          SELECT m.admin_unit_id, coalesce(new.registered_on, ''), 1 FROM unit_wards m WHERE m.unit_id = new.id
          ON CONFLICT DO UPDATE SET units = units + 1;
        END;
        CREATE TRIGGER ward_unit_counts_ward_delete AFTER DELETE ON admin_units BEGIN
          DELETE FROM ward_unit_counts WHERE admin_unit_id = old.id;
        END;
        -- Through the index of registration days, not the unit rows: 8 s instead of 13 at 1 000 000 units.
        INSERT INTO ward_unit_counts (admin_unit_id, registered_on, units)
        SELECT m.admin_unit_id, coalesce(u.registered_on, ''), count(*)
        FROM economic_units u INDEXED BY economic_units_registered CROSS JOIN unit_wards m ON m.unit_id = u.id
        GROUP BY 1, 2;
        """

    /// The located units of ward `ward` (an SQL expression) registered by `date` (or with no registration day).
    static func units(ward: SQL, on date: SQL) -> SQL {
        "(SELECT coalesce(sum(c.units), 0) FROM ward_unit_counts c WHERE c.admin_unit_id = \(ward) AND c.registered_on <= \(date))"
    }

    /// Runs `body`, which writes the memberships of the wards that `wards` selects (a condition on `admin_units`
    /// aliased `w`) and no others, without the membership triggers, then counts those wards again: at 1 000 000 units
    /// a ward import's triggers cost 6 s of CPU for deleting and inserting every membership of a period, the count
    /// 2.6 s. Inside the caller's transaction, so a failure rolls the dropped triggers back too.
    static func recounting(_ db: Database, wards: SQL, _ body: () throws -> Void) throws {
        let dropped = try [insertTrigger, deleteTrigger].map { try SuspendedTrigger(db, name: $0) }
        try body()
        try db.execute(literal: "DELETE FROM ward_unit_counts WHERE admin_unit_id IN (SELECT w.id FROM admin_units w WHERE \(wards))")
        try db.execute(literal: """
            INSERT INTO ward_unit_counts (admin_unit_id, registered_on, units)
            SELECT m.admin_unit_id, coalesce(u.registered_on, ''), count(*)
            FROM unit_wards m CROSS JOIN economic_units u ON u.id = m.unit_id
            WHERE m.admin_unit_id IN (SELECT w.id FROM admin_units w WHERE \(wards))
            GROUP BY 1, 2
            """)
        for trigger in dropped { try trigger.restore(db) }
    }

    /// The insert trigger dropped for a bulk import that stores new units' memberships itself: it counts them as
    /// it writes them (`add`), and `restore` adds the counts and puts the trigger back from its stored SQL. Inside
    /// the import's transaction, so a failure rolls the drop back too.
    struct Suspended {
        private let trigger: SuspendedTrigger
        /// Memberships counted per (ward, registration day): as many entries as wards times days, whatever the rows.
        /// A day is keyed as the number its ISO text spells (2024-03-05: 20240305; none: 0), which hashes in a
        /// fraction of the text's time (three memberships per unit of a million); any other text apart, as it is.
        private var counts: [Key: Int64] = [:]
        private var otherDays: [OtherKey: Int64] = [:]
        private struct Key: Hashable { var ward: Int64; var day: Int }
        private struct OtherKey: Hashable { var ward: Int64; var day: String }

        init(_ db: Database) throws {
            trigger = try SuspendedTrigger(db, name: WardUnitCounts.insertTrigger)
        }

        /// A membership of a unit registered on `day` (nil: none) in `ward`, stored while the trigger is away.
        mutating func add(ward: Int64, registeredOn day: String?) {
            guard trigger.existed else { return }
            if let number = Suspended.number(day) {
                counts[Key(ward: ward, day: number), default: 0] += 1
            } else {
                otherDays[OtherKey(ward: ward, day: day ?? ""), default: 0] += 1
            }
        }

        /// YYYYMMDD for a day's ISO text YYYY-MM-DD, 0 for none; nil for any other text.
        static func number(_ day: String?) -> Int? {
            guard var day else { return 0 }
            return day.withUTF8 { b -> Int? in
                guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
                var n = 0
                for i in 0..<10 where i != 4 && i != 7 {
                    guard (0x30...0x39).contains(b[i]) else { return nil }
                    n = n * 10 + Int(b[i] - 0x30)
                }
                return n
            }
        }

        /// The ISO text of a day's number (0: none, the empty text `registered_on` is counted under).
        static func text(_ number: Int) -> String {
            guard number != 0 else { return "" }
            let (y, md) = number.quotientAndRemainder(dividingBy: 10_000)
            let (m, d) = md.quotientAndRemainder(dividingBy: 100)
            return String(format: "%04d-%02d-%02d", y, m, d)
        }

        mutating func restore(_ db: Database) throws {
            guard trigger.existed else { return }
            let add = try db.makeStatement(sql: """
                INSERT INTO ward_unit_counts (admin_unit_id, registered_on, units) VALUES (?, ?, ?)
                ON CONFLICT DO UPDATE SET units = units + excluded.units
                """)
            for (key, n) in counts { try add.execute(arguments: [key.ward, Suspended.text(key.day), n]) }
            for (key, n) in otherDays { try add.execute(arguments: [key.ward, key.day, n]) }
            counts = [:]
            otherDays = [:]
            try trigger.restore(db)
        }
    }
}
