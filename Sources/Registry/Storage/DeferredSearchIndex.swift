import GRDB

/// The text index of units (`unit_search`, FTS5) during a bulk import: the per-row insert trigger
/// costs a statement per unit, so it is dropped for the import and the new units go into the index
/// in one statement at the end. Updates keep their trigger (they need the old text to delete it).
/// Inside the import's transaction, so a failure rolls the trigger back too.
struct DeferredSearchIndex {
    private let trigger: SuspendedTrigger

    static func suspend(_ db: Database) throws -> DeferredSearchIndex {
        DeferredSearchIndex(trigger: try SuspendedTrigger(db, name: "unit_search_insert"))
    }

    /// Indexes the units created by the operation stamped `now`, then puts the trigger back.
    func restore(_ db: Database, createdAt now: String) throws {
        guard trigger.existed else { return }
        try db.execute(sql: """
            INSERT INTO unit_search (rowid, search_text) SELECT id, search_text FROM economic_units WHERE updated_at = ?1 AND created_at = ?1 ORDER BY id
            """, arguments: [now])
        try trigger.restore(db)
    }
}
