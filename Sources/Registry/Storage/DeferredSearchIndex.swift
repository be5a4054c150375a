import GRDB

/// The text index of units (`unit_search`, FTS5) during a bulk import: the per-row insert trigger
/// costs a statement per unit, so it is dropped for the import and the new units go into the index
/// in one statement at the end. Updates keep their trigger (they need the old text to delete it).
/// Inside the import's transaction, so a failure rolls the trigger back too.
struct DeferredSearchIndex {
    static let trigger = "unit_search_insert"
    private let sql: String?

    static func suspend(_ db: Database) throws -> DeferredSearchIndex {
        let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [trigger])
        if sql != nil { try db.execute(sql: "DROP TRIGGER \(trigger)") }
        return DeferredSearchIndex(sql: sql)
    }

    /// Indexes the units created by the operation stamped `now`, then puts the trigger back.
    func restore(_ db: Database, createdAt now: String) throws {
        guard let sql else { return }
        try db.execute(sql: """
            INSERT INTO unit_search (rowid, search_text) SELECT id, search_text FROM economic_units WHERE updated_at = ?1 AND created_at = ?1 ORDER BY id
            """, arguments: [now])
        try db.execute(sql: sql)
    }
}
