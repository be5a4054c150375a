import GRDB

/// A table's plain (non-unique) indexes, dropped while a bulk import writes a large share of the
/// table and built again at the end, each from one sorted pass. Inserting a row at a random place in
/// six indexes was most of the SQLite time of an import; unique indexes stay, since they decide which
/// rows conflict. Inside the import's transaction, so a failure rolls the drop back too.
struct DeferredIndexes {
    /// The CREATE INDEX statements of the dropped indexes, as stored by SQLite.
    private var dropped: [String] = []
    private var decided = false
    private let table: String
    /// Tables written beside `table` whose plain indexes go and come back with its own.
    private let alongside: [String]
    /// Indexes kept up to date row by row all the same: those the import only appends to.
    private let keeping: Set<String>
    /// Rows the import must have written before the indexes go: half the table as it was, at least.
    let threshold: Int

    /// Nothing is dropped yet; `dropWhen(written:)` decides as the import goes.
    init(_ db: Database, table: String, alongside: [String] = [], minimumRows: Int = 20_000, keeping: Set<String> = []) throws {
        self.table = table
        self.alongside = alongside
        self.keeping = keeping
        let existing = try Int.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM \(table.quotedDatabaseIdentifier)") ?? 0
        threshold = max(minimumRows, existing / 2)
    }

    /// Drops the plain indexes once `written` rows reach the threshold (once).
    mutating func dropWhen(written: Int, _ db: Database) throws {
        guard written >= threshold, !decided else { return }
        decided = true
        var indexes: [SchemaObject] = []
        for t in [table] + alongside {
            indexes += try SchemaObject.fetchAll(db, sql: """
                SELECT m.name, m.sql FROM sqlite_master m JOIN pragma_index_list(?) l ON l.name = m.name
                WHERE m.type = 'index' AND m.sql IS NOT NULL AND l."unique" = 0
                """, arguments: [t])
        }
        for index in indexes where !keeping.contains(index.name) {
            dropped.append(index.sql)
            try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)")
        }
    }

    /// Builds the dropped indexes again.
    mutating func restore(_ db: Database) throws {
        for sql in dropped { try db.execute(sql: sql) }
        dropped = []
    }
}
