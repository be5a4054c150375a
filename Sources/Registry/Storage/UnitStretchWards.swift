import GRDB

/// Each located unit's ward for every stretch of days over which the wards valid stay the same (migration
/// "v13 unit stretch wards"): the lowest code among the wards of the stretch that hold its point (unit_wards).
/// A list in id order then finds each unit's ward in the row next to the last one read (key = the stretch's
/// first day, as days since 1970, times 2³² plus the unit id), where the lookup over unit_wards, one sorted
/// search per unit, was half of a 10 000-unit page's SQL. WardMembership keeps it when it writes memberships;
/// a ward written any other way (the sqlite3 shell) empties it, and lists then look the wards up as before.
enum UnitStretchWards {
    static let sql = """
        CREATE TABLE unit_stretch_wards (key INTEGER PRIMARY KEY, admin_unit_id INTEGER NOT NULL);
        -- Stretches begin where a ward begins or the day after one ends: a ward written outside WardMembership
        -- (which fills the table again) leaves stretches no row knows, so the table is emptied, complete row too.
        CREATE TRIGGER unit_stretch_wards_ward_insert AFTER INSERT ON admin_units WHEN new.level = 'ward' BEGIN
          DELETE FROM unit_stretch_wards;
        END;
        CREATE TRIGGER unit_stretch_wards_ward_delete AFTER DELETE ON admin_units WHEN old.level = 'ward' BEGIN
          DELETE FROM unit_stretch_wards;
        END;
        CREATE TRIGGER unit_stretch_wards_ward_update AFTER UPDATE OF code, level, valid_from, valid_to ON admin_units
        WHEN old.code IS NOT new.code OR old.level IS NOT new.level OR old.valid_from IS NOT new.valid_from
             OR old.valid_to IS NOT new.valid_to BEGIN
          DELETE FROM unit_stretch_wards;
        END;
        -- Every unit's rows as fill(units:) writes them, frozen here (a landed migration is never edited).
        INSERT OR IGNORE INTO unit_stretch_wards (key, admin_unit_id)
        SELECT (CAST(julianday(s.day) - 2440587.5 AS INTEGER) << 32) + m.unit_id, a.id
        FROM admin_units a
        JOIN unit_wards m ON m.admin_unit_id = a.id
        JOIN (SELECT valid_from AS day FROM admin_units WHERE level = 'ward'
              UNION SELECT date(valid_to, '+1 day') FROM admin_units WHERE level = 'ward' AND valid_to IS NOT NULL) s
          ON a.valid_from <= s.day AND (a.valid_to IS NULL OR a.valid_to >= s.day)
        WHERE a.level = 'ward' AND m.unit_id BETWEEN 0 AND 4294967295
        ORDER BY a.code, a.id;
        INSERT INTO unit_stretch_wards (key, admin_unit_id) VALUES (-1, 0);
        """

    /// The first day of each stretch.
    static let starts: SQL = """
        SELECT valid_from AS day FROM admin_units WHERE level = 'ward'
        UNION SELECT date(valid_to, '+1 day') FROM admin_units WHERE level = 'ward' AND valid_to IS NOT NULL
        """

    /// A unit's key in the stretch beginning on `day` (an SQL date).
    static func key(_ day: SQL, unit: SQL) -> SQL { "(CAST(julianday(\(day)) - 2440587.5 AS INTEGER) << 32) + \(unit)" }

    /// The rows of the units `units` selects (a condition on `unit_wards` aliased `m`), for every stretch; they
    /// must have none yet. Wards come in code order, so a unit's first row for a stretch is its lowest code's, and
    /// OR IGNORE keeps it (a GROUP BY on the key sorted every row: twice the time).
    static func fill(units: SQL) -> SQL {
        fill(from: "admin_units a JOIN unit_wards m ON m.admin_unit_id = a.id", units: units) + ";"
    }

    /// The rows of the memberships `from` joins (aliases `a` for the ward, `m` for the membership) that `units` keeps.
    private static func fill(from: SQL, units: SQL) -> SQL {
        """
        INSERT OR IGNORE INTO unit_stretch_wards (key, admin_unit_id)
        SELECT \(key("s.day", unit: "m.unit_id")), a.id
        FROM \(from)
        JOIN (\(starts)) s ON \(Period.contains("a", on: "s.day"))
        WHERE a.level = 'ward' AND (\(units)) AND m.unit_id BETWEEN 0 AND 4294967295
        ORDER BY a.code, a.id
        """
    }

    static let fillAll: SQL = """
        DELETE FROM unit_stretch_wards;
        \(fill(units: "1"))
        INSERT INTO unit_stretch_wards (key, admin_unit_id) VALUES (-1, 0);
        """

    /// Every unit's rows again, after wards were written.
    static func rebuild(_ db: Database) throws {
        try db.execute(literal: fillAll)
    }

    /// The rows of the units that `units` selects (a condition on `economic_units` aliased `u`), after their
    /// memberships were written; all rows when the table was emptied by a ward written outside WardMembership.
    static func refill(_ db: Database, units: SQL) throws {
        guard try isComplete(db) else { return try rebuild(db) }
        let unitIds: SQL = "SELECT u.id FROM economic_units u WHERE \(units)"
        try db.execute(literal: "DELETE FROM unit_stretch_wards WHERE key IN (SELECT \(key("s.day", unit: "x.id")) FROM (\(starts)) s, (\(unitIds)) x)")
        // From the units to their memberships (CROSS JOIN keeps that order): `fill(units:)` goes ward by ward through
        // every membership of each ward, 0.3 s for one moved unit among a million.
        try db.execute(literal: fill(from: """
            (\(unitIds)) x CROSS JOIN unit_wards m ON m.unit_id = x.id CROSS JOIN admin_units a ON a.id = m.admin_unit_id
            """, units: "1"))
    }

    /// An import's new units' rows, written as the units are (their wards were found on the reading thread) and,
    /// per batch, in key order: one run per stretch, each added at the end of its key range. Filled at the end
    /// from unit_wards instead (`fill(units:)`, in ward-code order), the same rows went into the middle of the
    /// table a page at a time: 7.1 s at the end of a 1 000 000-unit import into the demo. These inserts add about
    /// 4 s to the writing loop instead, so the net gain is small (single runs: 63.1 s before, 58.6 s after).
    struct Appender {
        /// The first day of each stretch and its key base (the key of unit 0).
        private let starts: [(day: LocalDate, base: Int64)]
        private let wards: [Int64: AdminUnit]
        private var rows: [(key: Int64, ward: Int64)] = []
        /// Per set of wards a point lies in, the ward chosen for each stretch (its key base and the ward's id):
        /// the units of a district lie in a few hundred such sets, and choosing again for each unit (a ward
        /// looked up, copied and compared per stretch) was 2.5 % of the writing thread's work per unit.
        private var chosenFor: [[Int64]: [(base: Int64, ward: Int64)]] = [:]

        /// nil when the table was emptied by a ward written outside the registry: `rebuild` then makes it whole.
        /// Removes the rows left under the new units' ids (those after `lastId`, the greatest before the import):
        /// SQLite gives a deleted greatest id again, so a unit deleted in the sqlite3 shell may have left some.
        init?(_ db: Database, unitsAfter lastId: Int64) throws {
            guard try UnitStretchWards.isComplete(db) else { return nil }
            try db.execute(literal: """
                DELETE FROM unit_stretch_wards WHERE key IN (SELECT k.key FROM (\(UnitStretchWards.starts)) s JOIN unit_stretch_wards k
                  ON k.key > \(key("s.day", unit: "\(lastId)")) AND k.key <= \(key("s.day", unit: "4294967295")))
                """)
            starts = try Row.fetchAll(db, SQLRequest<Row>(literal: "SELECT day, \(key("day", unit: "0")) AS base FROM (\(UnitStretchWards.starts)) ORDER BY day"))
                .map { row in
                    let text: String = row["day"]
                    guard let day = LocalDate(iso: text) else {
                        throw RegistryError.database("admin_units: a ward's period starts or ends on \"\(text)\", expected a date YYYY-MM-DD")
                    }
                    return (day, row["base"])
                }
            wards = Dictionary(uniqueKeysWithValues: try AdminUnit.fetchAll(db, sql: "SELECT \(AdminUnit.columns) FROM admin_units WHERE level = 'ward'")
                .map { ($0.id, $0) })
        }

        /// The rows of new unit `unit` whose point lies in `located` (wards of any period): for each stretch, the
        /// ward valid on its first day with the lowest code (then id), as `fill(units:)` chooses.
        mutating func add(_ db: Database, unit: Int64, located: [Int64]) throws {
            guard !located.isEmpty, unit >= 0, unit <= 4_294_967_295 else { return }
            let chosen: [(base: Int64, ward: Int64)]
            if let known = chosenFor[located] {
                chosen = known
            } else {
                chosen = choose(located)
                if chosenFor.count < 100_000 { chosenFor[located] = chosen }  // a bound, whatever the wards
            }
            for c in chosen { rows.append((c.base + unit, c.ward)) }
            if rows.count >= 4096 { try flush(db) }
        }

        /// For each stretch, the ward of `located` valid on its first day with the lowest code (then id).
        private func choose(_ located: [Int64]) -> [(base: Int64, ward: Int64)] {
            starts.compactMap { start in
                located.lazy.compactMap { wards[$0] }.filter { $0.isValid(on: start.day) }
                    .min { $0.code.utf8.lexicographicallyPrecedes($1.code.utf8) || ($0.code == $1.code && $0.id < $1.id) }
                    .map { (start.base, $0.id) }
            }
        }

        mutating func flush(_ db: Database) throws {
            rows.sort { $0.key < $1.key }
            // No key is taken: the rows under the new units' ids were removed.
            try db.insertPairs(into: "unit_stretch_wards", columns: "key, admin_unit_id", rows.lazy.map { ($0.key, $0.ward) })
            rows.removeAll(keepingCapacity: true)
        }
    }

    /// Whether the table holds every unit's rows (its row of key -1), or was emptied by a ward written elsewhere.
    static func isComplete(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM unit_stretch_wards WHERE key = -1") ?? false
    }

    /// The key of unit 0 in the stretch that holds `date` (a unit's key adds its id), nil when the table cannot
    /// answer: emptied, no stretch begins on or before `date`, or a unit id beyond 2³².
    static func keyBase(_ db: Database, on date: LocalDate) throws -> Int64? {
        try Int64.fetchOne(db, SQLRequest<Int64>(literal: """
            SELECT \(key("max(s.day)", unit: "0")) FROM (\(starts)) s
            WHERE s.day <= \(date.description) AND EXISTS (SELECT 1 FROM unit_stretch_wards WHERE key = -1)
              AND coalesce((SELECT max(id) FROM economic_units), 0) <= 4294967295
            HAVING max(s.day) IS NOT NULL
            """))
    }
}
