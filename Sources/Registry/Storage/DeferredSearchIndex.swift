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

    /// Indexes the `inserted` units created by the operation stamped `now`, then puts the trigger back.
    ///
    /// FTS5 writes the new text in segments of about a megabyte and merges them as it goes, all levels again
    /// and again for a million units. When the new units are most of the registry, merging is put off and the
    /// whole index merged once at the end ('optimize': one segment, which searches read fastest): a million
    /// units indexed in 3.5 s instead of 4.6. For fewer new units, merging all the old index too would cost more.
    /// FTS5 then also flushes its in-memory terms every 256 kB instead of every megabyte (its `hashsize`): the
    /// smaller hash stays in the processor's cache. That makes four times the segments (a thousand for a million
    /// units), so a level is merged early (crisismerge) only at 1 000 segments: two full levels would reach FTS5's
    /// limit of 2 000 only after a million flushes, and the one merge at the end costs what it saved. 200 000 units
    /// were indexed in 0.46 s instead of 0.51 s (four interleaved pairs of imports); a million in the sqlite3 shell
    /// took 2.70 s against 2.68 s (three pairs).
    func restore(_ db: Database, createdAt now: String, inserted: Int) throws {
        guard trigger.existed else { return }
        // The largest id, not count(*): a count walked a whole index of a million units on every import, however small.
        let total = try Int.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM economic_units") ?? 0
        let mergesOnce = inserted > 0 && inserted * 2 >= total
        var settings: [(key: String, value: DatabaseValue?, initial: Int)] = []
        if mergesOnce {
            // The table's own settings, put back after; absent, they are FTS5's defaults.
            for (key, initial) in [("automerge", 4), ("crisismerge", 16), ("hashsize", 1024 * 1024)] {
                let value = try DatabaseValue.fetchOne(db, sql: "SELECT v FROM unit_search_config WHERE k = ?", arguments: [key])
                settings.append((key, value, initial))
            }
            try db.execute(sql: """
                INSERT INTO unit_search (unit_search, rank) VALUES ('automerge', 0);
                INSERT INTO unit_search (unit_search, rank) VALUES ('crisismerge', 1000);
                INSERT INTO unit_search (unit_search, rank) VALUES ('hashsize', 262144)
                """)
        }
        try db.execute(sql: """
            INSERT INTO unit_search (rowid, search_text) SELECT id, search_text FROM economic_units WHERE updated_at = ?1 AND created_at = ?1 ORDER BY id
            """, arguments: [now])
        if mergesOnce {
            try db.execute(sql: "INSERT INTO unit_search (unit_search) VALUES ('optimize')")
            for (key, value, initial) in settings {
                // Through FTS5, which then reloads its settings, and for a setting that was absent its row removed
                // again: FTS5 reads the default, the value just set.
                try db.execute(sql: "INSERT INTO unit_search (unit_search, rank) VALUES (?, ?)", arguments: [key, value ?? initial.databaseValue])
                if value == nil { try db.execute(sql: "DELETE FROM unit_search_config WHERE k = ?", arguments: [key]) }
            }
        }
        try trigger.restore(db)
    }
}
