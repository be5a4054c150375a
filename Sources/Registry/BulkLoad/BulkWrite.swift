import CSpatial
import GRDB

/// SpatiaLite keeps a geometry table's spatial index, geometry constraints and change times up to date
/// with triggers that run once per row; the R*Tree trigger even prepares a statement per row. For a bulk
/// import that is most of the time spent. Inside the import's transaction these triggers are dropped,
/// and at the end the same work is done once, set-based, for the rows the import wrote; then the
/// triggers are recreated from their own stored SQL. A failure anywhere rolls all of it back, triggers
/// included, because SQLite DDL is transactional.
struct DeferredSpatialTriggers {
    let table: String
    private let triggers: [(name: String, sql: String)]
    private let geometryColumns: [(column: String, indexed: Bool)]

    /// The per-row insert and update triggers SpatiaLite creates for each geometry column
    /// (constraint checks, R*Tree upkeep, geometry_columns_time). Delete triggers stay in place.
    private static let deferredPrefixes = ["ggi_", "ggu_", "gii_", "giu_", "tmi_", "tmu_"]

    static func suspend(_ db: Database, table: String) throws -> DeferredSpatialTriggers {
        let columns = try RegisteredGeometryColumn.fetchAll(db, sql: """
            SELECT f_geometry_column, spatial_index_enabled FROM geometry_columns WHERE lower(f_table_name) = lower(?)
            """, arguments: [table]).map { (column: $0.column, indexed: $0.hasRTree) }
        var triggers: [(String, String)] = []
        for trigger in try SchemaObject.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                                 arguments: [table]) {
            let name = trigger.name
            let isDeferred = columns.contains { c in
                deferredPrefixes.contains { name.lowercased() == ($0 + table + "_" + c.column).lowercased() }
            }
            guard isDeferred else { continue }
            triggers.append((name, trigger.sql))
            try db.execute(sql: "DROP TRIGGER \(name.quotedDatabaseIdentifier)")
        }
        return DeferredSpatialTriggers(table: table, triggers: triggers, geometryColumns: columns)
    }

    /// Does for the rows matching `written` (an SQL condition on `table` aliased `x`, with one argument)
    /// what the triggers would have done row by row, then puts the triggers back. `updated` selects the
    /// written rows that existed before, whose old index entries must go; new rows have none. `writtenRows` is
    /// how many rows `written` selects (the caller counted them as it wrote). When the R*Tree of `alongside`'s
    /// column is packed again from every row, that reader reads the rows too; returns whether it did.
    @discardableResult
    func restore(_ db: Database, written: String, updated: String, arguments: StatementArguments, writtenRows: Int,
                 alongside: (any RTreeBuildReader)? = nil) throws -> Bool {
        let t = table.quotedDatabaseIdentifier
        // Whether an R*Tree may be packed again: the written rows are a large part of what it will hold (its entries
        // now, from its `_rowid` table, whose rows SQLite counts page by page, plus the written rows). Only then is
        // the whole table read below; otherwise only the written rows are, through the condition's index. Read
        // whole, the table made an import of one unit into a registry of a million take 0.3 s more.
        let mayPack = try geometryColumns.contains { column, indexed in
            guard indexed else { return false }
            let entries = try Int.fetchOne(db, sql: "SELECT count(*) FROM \("idx_\(table)_\(column)_rowid".quotedDatabaseIdentifier)") ?? 0
            return writtenRows * PackedRTree.rebuildShare >= entries + writtenRows
        }
        // One pass for all geometry columns: per column, the first written row that breaks the column's constraint
        // (type and SRID), how many written rows have a geometry and, when the whole table is read, how many rows
        // have one in all; and whether anything was written.
        let isWritten = mayPack ? written : "1"
        var measures: [String] = []
        var measureArguments = StatementArguments()
        for (column, _) in geometryColumns {
            let c = column.quotedDatabaseIdentifier
            let constraint = try Row.fetchOne(db, sql: """
                SELECT geometry_type, srid FROM geometry_columns
                WHERE lower(f_table_name) = lower(?) AND lower(f_geometry_column) = lower(?)
                """, arguments: [table, column])!
            measures += [
                """
                min(CASE WHEN (\(isWritten)) AND x.\(c) IS NOT NULL
                  AND GeometryConstraints(x.\(c), \(constraint["geometry_type"] as Int), \(constraint["srid"] as Int)) IS NOT 1 THEN x.rowid END)
                """,
                "count(CASE WHEN (\(isWritten)) AND x.\(c) IS NOT NULL THEN 1 END)",
                mayPack ? "count(x.\(c))" : "NULL",
            ]
            if mayPack { measureArguments += arguments + arguments }
        }
        measures.append("count(CASE WHEN (\(isWritten)) THEN 1 END)")
        if mayPack { measureArguments += arguments }
        let measured = try Row.fetchOne(db, sql: "SELECT \(measures.joined(separator: ", ")) FROM \(t) AS x" + (mayPack ? "" : " WHERE \(written)"),
                                        arguments: mayPack ? measureArguments : arguments)!

        var readAlongside = false
        for (i, (column, indexed)) in geometryColumns.enumerated() {
            let c = column.quotedDatabaseIdentifier
            if let bad = measured[3 * i] as Int64? {
                throw RegistryError.database("\(table).\(column) of row \(bad) violates its geometry constraint (type or SRID)")
            }
            guard indexed else { continue }
            let index = "idx_\(table)_\(column)"
            let writtenCount: Int = measured[3 * i + 1]
            if let total = measured[3 * i + 2] as Int?, writtenCount * PackedRTree.rebuildShare >= total {
                // Most of the index is new: packing all of it is cheaper than inserting the new part.
                let reader = alongside.flatMap { $0.column.lowercased() == column.lowercased() ? $0 : nil }
                let more = reader.map { $0.columns.map { ", " + $0 }.joined() } ?? ""
                try PackedRTree.rebuild(db, rtree: index, count: total, source: """
                    SELECT rowid AS id, MbrMinX(\(c)) AS xmin, MbrMaxX(\(c)) AS xmax, MbrMinY(\(c)) AS ymin, MbrMaxY(\(c)) AS ymax\(more)
                    FROM \(t) WHERE \(c) IS NOT NULL
                    """, alongside: reader)
                readAlongside = readAlongside || reader != nil
            } else {
                let index = index.quotedDatabaseIdentifier
                try db.execute(sql: "DELETE FROM \(index) WHERE pkid IN (SELECT x.rowid FROM \(t) AS x WHERE \(updated))",
                               arguments: arguments + arguments)
                try db.execute(sql: """
                    INSERT INTO \(index) (pkid, xmin, xmax, ymin, ymax)
                    SELECT x.rowid, MbrMinX(x.\(c)), MbrMaxX(x.\(c)), MbrMinY(x.\(c)), MbrMaxY(x.\(c))
                    FROM \(t) AS x WHERE (\(written)) AND x.\(c) IS NOT NULL
                    """, arguments: arguments)
            }
        }
        if (measured[measures.count - 1] as Int) > 0, try db.tableExists("geometry_columns_time") {
            try db.execute(sql: """
                UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                  last_update = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE lower(f_table_name) = lower(?)
                """, arguments: [table])
        }
        for (_, sql) in triggers { try db.execute(sql: sql) }
        return readAlongside
    }
}

extension Database {
    /// Rows of two integers into `table`'s two `columns` (as "a, b"), 128 to a statement. OR IGNORE, because a
    /// multi-row INSERT that could abort half way needs a statement journal: a row whose key is taken is skipped.
    /// The integers are bound straight from the pairs: building the statement's text, an array of two values
    /// per row and a generic iterator over them for each chunk was half of this function's time.
    func insertPairs(into table: String, columns: String, _ pairs: some Collection<(Int64, Int64)>) throws {
        let insert = "INSERT OR IGNORE INTO \(table) (\(columns)) VALUES "
        func statement(rows: Int) throws -> Statement {
            try cachedStatement(sql: insert + String(repeating: "(?, ?), ", count: rows - 1) + "(?, ?)")
        }
        var full: Statement?
        var start = pairs.startIndex
        while start != pairs.endIndex {
            let end = pairs.index(start, offsetBy: 128, limitedBy: pairs.endIndex) ?? pairs.endIndex
            let chunk = pairs[start..<end]
            let rows = pairs.distance(from: start, to: end)
            if rows == 128 {
                if full == nil { full = try statement(rows: 128) }
                try full!.executeBound(pairs: chunk)
            } else {
                try statement(rows: rows).executeBound(pairs: chunk)
            }
            start = end
        }
    }
}

extension Statement {
    /// Binds `values` to the parameters in order and runs the statement once, straight through the
    /// SQLite C API: the database changes as with `execute(arguments:)`, without building
    /// `StatementArguments` per call, which was a tenth of a bulk import's time. GRDB's transaction
    /// observers (ValueObservation) are not told about the change; nothing in EconGIS observes the tables
    /// written this way.
    func executeBound<Values: Collection<DatabaseValue>>(_ values: Values) throws {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        try run(arguments: { StatementArguments(Array(values)) }) { s in
            for (i, value) in values.enumerated() {
                let n = Int32(i + 1)
                switch value.storage {
                case .null: sqlite3_bind_null(s, n)
                case .int64(let v): sqlite3_bind_int64(s, n, v)
                case .double(let v): sqlite3_bind_double(s, n, v)
                case .string(let v): _ = v.utf8.withContiguousStorageIfAvailable { sqlite3_bind_text(s, n, $0.baseAddress, Int32($0.count), transient) }
                    ?? v.withCString { sqlite3_bind_text(s, n, $0, -1, transient) }
                case .blob(let v): v.withUnsafeBytes { _ = sqlite3_bind_blob(s, n, $0.baseAddress, Int32($0.count), transient) }
                }
            }
        }
    }

    /// As `executeBound(_:)`, for pairs of integers bound as ?1, ?2, ?3, …
    func executeBound(pairs: some Collection<(Int64, Int64)>) throws {
        try run(arguments: { StatementArguments(pairs.flatMap { [$0.0, $0.1] }) }) { s in
            var n: Int32 = 1
            for (a, b) in pairs {
                sqlite3_bind_int64(s, n, a)
                sqlite3_bind_int64(s, n + 1, b)
                n += 2
            }
        }
    }

    /// Resets the statement, lets `bind` bind its parameters, steps it to the end and resets it; an error
    /// carries the statement's SQL and, made only then, its `arguments`.
    private func run(arguments: () -> StatementArguments, bind: (OpaquePointer) -> Void) throws {
        let s = sqliteStatement
        sqlite3_reset(s)
        bind(s)
        var rc = sqlite3_step(s)
        while rc == SQLITE_ROW { rc = sqlite3_step(s) }
        sqlite3_reset(s)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(s))),
                                sql: sql, arguments: arguments())
        }
    }
}
