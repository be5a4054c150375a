import GRDB

/// The ids of the units a bulk import updated, kept in a temporary table (SQLite's temporary file past a
/// small cache, so memory stays flat however many there are). At the end their wards are found again by
/// id; selecting them by `updated_at` instead went through every unit the import inserted too, which
/// carry the same stamp: three passes over the new rows for a handful of updated ones.
/// Inside the import's transaction: a failure rolls the table back with the rest.
struct UpdatedUnits {
    private let insert: Statement
    private(set) var count = 0

    init(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE IF EXISTS temp.econgis_updated_units;
            CREATE TEMP TABLE econgis_updated_units (id INTEGER PRIMARY KEY)
            """)
        insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO temp.econgis_updated_units (id) VALUES (?)")
    }

    mutating func add(_ id: Int64) throws {
        try insert.execute(arguments: [id])
        count += 1
    }

    /// The updated units, as a condition on `economic_units` aliased `u`.
    static let selection: SQL = "u.id IN (SELECT id FROM temp.econgis_updated_units)"

    func drop(_ db: Database) throws {
        try db.execute(sql: "DROP TABLE temp.econgis_updated_units")
    }
}
