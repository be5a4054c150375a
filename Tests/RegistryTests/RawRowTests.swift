import CSpatial
import Foundation
import GRDB
import Testing
@testable import Registry

/// RawRow reads each row's values from where ResultValues found them on an earlier row, not through
/// `sqlite3_column_value` per cell: what it reads must be what SQLite gives for that row and column.
@Suite struct RawRowTests {
    /// Every cell as RawRow reads it (type, then the value as text or bytes), one string per row.
    static func rawRows(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        let statement = try db.makeStatement(sql: sql)
        statement.arguments = arguments
        var rows: [String] = []
        try RawRow.forEach(statement) { row in
            rows.append((0..<row.columnCount).map { i in cell(row, i) }.joined(separator: "|"))
        }
        return rows
    }

    static func cell(_ row: RawRow, _ i: Int) -> String {
        if row.isNull(i) { return "null" }
        switch sqlite3_column_type(row.statement, Int32(i)) {
        // An integer read as text too: SQLite turns the value into text in place, and the next row's must not show it.
        case SQLITE_INTEGER: return "int \(row.int64(i)) \(row.integer(i)!) \(String(decoding: row.text(i), as: UTF8.self))"
        case SQLITE_FLOAT: return "real \(row.double(i))"
        case SQLITE_BLOB: return "blob \(Array(row.blob(i)))"
        default: return "text \(String(decoding: row.text(i), as: UTF8.self)) \(row.text(i).count)"
        }
    }

    /// The same cells as GRDB reads them through its own rows.
    static func grdbRows(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            row.databaseValues.map { value in
                switch value.storage {
                case .null: "null"
                case .int64(let v): "int \(v) \(v) \(v)"
                case .double(let v): "real \(v)"
                case .blob(let data): "blob \(Array(data))"
                case .string(let s): "text \(s) \(s.utf8.count)"
                }
            }.joined(separator: "|")
        }
    }

    @Test func eachRowIsReadAsSQLiteGivesIt() throws {
        let r = try TemporaryRegistry()
        try r.store.write { db in
            try db.execute(sql: "CREATE TABLE cells (id INTEGER PRIMARY KEY, a, b, c)")
            // Each column takes every type on some row, so a value read from an earlier row shows.
            let values: [DatabaseValue] = [.null, 7.databaseValue, (-2.5).databaseValue, "Chợ Bình Thới".databaseValue,
                                           "".databaseValue, Data([0, 255, 3]).databaseValue, Int64.min.databaseValue]
            for i in 0..<40 {
                try db.execute(sql: "INSERT INTO cells (a, b, c) VALUES (?, ?, ?)",
                               arguments: [values[i % 7], values[(i / 7) % 7], "row \(i)"])
            }
            // Rows written before a column was added read its default, which SQLite hands out as a static value.
            try db.execute(sql: "ALTER TABLE cells ADD COLUMN d TEXT DEFAULT 'mặc định'")
            try db.execute(sql: "INSERT INTO cells (a, b, c, d) VALUES (1, 2, 3, 'mới')")
        }
        try r.store.read { db in
            for sql in [
                "SELECT id, a, b, c, d FROM cells ORDER BY id",
                // Sorted, then read from the sorter's records.
                "SELECT c, a, d, b FROM cells ORDER BY c DESC",
                // Two result rows of a compound statement, and values computed per row.
                "SELECT a, b, c FROM cells WHERE id % 2 = 0 UNION ALL SELECT upper(c), b + 1, a FROM cells WHERE id % 3 = 0",
                // Numbers made text, and a single column.
                "SELECT id || '', a FROM cells",
                "SELECT c FROM cells",
                // SpatiaLite's point blobs, made per row.
                "SELECT MakePoint(106.6 + id / 1000.0, 10.7, 4326), c FROM cells",
            ] {
                let (raw, grdb) = (try RawRowTests.rawRows(db, sql), try RawRowTests.grdbRows(db, sql))
                #expect(!raw.isEmpty)
                #expect(raw == grdb, "\(sql)")
            }
        }
    }

    /// A statement prepared again (the schema changed between two runs) keeps its values elsewhere: the
    /// addresses found on the run before must not be read.
    @Test func aStatementPreparedAgainIsReadWhereItsValuesNowAre() throws {
        let r = try TemporaryRegistry()
        try r.store.write { db in
            try db.execute(sql: "CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO names (name) VALUES ('trước'), ('sau')")
            let statement = try db.makeStatement(sql: "SELECT name || '!', id + 100, id FROM names WHERE id = ?")
            let s = statement.sqliteStatement
            let values = ResultValues(s)
            func first(_ id: Int) throws -> [String] {
                sqlite3_reset(s)
                sqlite3_bind_int64(s, 1, Int64(id))
                guard sqlite3_step(s) == SQLITE_ROW else { throw DatabaseError(message: "no row for \(id)") }
                let row = RawRow(statement: s, values: values)
                return (0..<3).map { RawRowTests.cell(row, $0) }
            }
            let before = try first(1)
            // Found on this SQLite (otherwise every read asks SQLite, correct and slower): the reason ResultValues exists.
            #expect(values.locate() != nil)
            #expect(before == ["text trước! 9", "int 101 101 101", "int 1 1 1"])
            try db.execute(sql: "CREATE TABLE other (x)")  // the statement is prepared again at its next step
            let after = try first(2)
            #expect(after == ["text sau! 4", "int 102 102 102", "int 2 2 2"])
            sqlite3_reset(s)
            // Prepared again with another column than it was made with: the row's columns are read, all of them.
            let all = try db.makeStatement(sql: "SELECT * FROM names ORDER BY id")
            try db.execute(sql: "ALTER TABLE names ADD COLUMN note TEXT DEFAULT 'mới'")
            var rows: [String] = []
            try RawRow.forEach(all) { row in rows.append((0..<row.columnCount).map { RawRowTests.cell(row, $0) }.joined(separator: "|")) }
            #expect(rows == ["int 1 1 1|text trước 8|text mới 5", "int 2 2 2|text sau 3|text mới 5"])
        }
    }
}
