import GRDB

/// The ids of the units a bulk import updated, kept in a temporary table (SQLite's temporary file past a
/// small cache, so memory stays flat however many there are), and whether each one's point changed. At the end
/// the wards of those that moved are found again by id; selecting them by `updated_at` instead went through every
/// unit the import inserted too, which carry the same stamp: three passes over the new rows for a handful of
/// updated ones.
/// Inside the import's transaction: a failure rolls the table back with the rest.
struct UpdatedUnits {
    private let insert: Statement
    private(set) var count = 0
    /// How many of them had their point changed.
    private(set) var moved = 0

    init(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.econgis_updated_units;
            CREATE TEMP TABLE econgis_updated_units (id INTEGER PRIMARY KEY, moved INTEGER NOT NULL)
            """)
        insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO temp.econgis_updated_units (id, moved) VALUES (?, ?)")
    }

    /// Unit `id` was updated; `moved`: its point changed. A unit is updated once per import (a code given twice in
    /// a file is refused).
    mutating func add(_ id: Int64, moved: Bool) throws {
        try insert.execute(arguments: [id, moved])
        count += 1
        if moved { self.moved += 1 }
    }

    /// The updated units whose point changed, as a condition on `economic_units` aliased `u`.
    static let moved: SQL = "u.id IN (SELECT id FROM temp.econgis_updated_units WHERE moved)"
    /// The updated units whose point stayed where it was.
    static let stayed: SQL = "u.id IN (SELECT id FROM temp.econgis_updated_units WHERE NOT moved)"

    func drop(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE temp.econgis_updated_units")
    }
}
