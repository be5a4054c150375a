import CSpatial
import GRDB

/// One row of a statement being stepped, read in place: text and blobs are borrowed from SQLite and
/// valid only until the next row. For writers that turn millions of rows into bytes without making a
/// Swift value per cell (the exporter); everything else reads GRDB rows.
public struct RawRow {
    @usableFromInline let statement: OpaquePointer

    public var columnCount: Int { Int(sqlite3_column_count(statement)) }
    // Inlinable, as the rest: the writers in other modules call these per cell, and a call each showed in the profile.
    @inlinable public func isNull(_ i: Int) -> Bool { sqlite3_column_type(statement, Int32(i)) == SQLITE_NULL }
    @inlinable public func int64(_ i: Int) -> Int64 { sqlite3_column_int64(statement, Int32(i)) }
    @inlinable public func double(_ i: Int) -> Double { sqlite3_column_double(statement, Int32(i)) }

    /// The integer in column `i`, nil for NULL (otherwise as `int64`): one column call where `isNull` then
    /// `int64` made two.
    @inlinable public func integer(_ i: Int) -> Int64? {
        let value = sqlite3_column_value(statement, Int32(i))
        return sqlite3_value_type(value) == SQLITE_NULL ? nil : sqlite3_value_int64(value)
    }

    /// The UTF-8 bytes of a text column (empty, with no address, for NULL; an empty text has an address).
    /// Read as the value's bytes in place (the registry's databases are UTF-8): `sqlite3_column_text` copies each
    /// text to end it with a NUL, which was a tenth of a 10 000-feature page. Numbers are turned into text as there.
    @inlinable public func text(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        // One column call (it takes the connection's mutex); the value calls after it do not. The row is read on
        // the connection's own thread, as sqlite3_column_value asks.
        let value = sqlite3_column_value(statement, Int32(i))
        if let p = sqlite3_value_blob(value) {
            return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_value_bytes(value)))
        }
        return UnsafeBufferPointer(start: sqlite3_value_type(value) == SQLITE_NULL ? nil : RawRow.emptyText, count: 0)
    }

    /// An address for empty texts, which SQLite gives none.
    @usableFromInline nonisolated(unsafe) static let emptyText: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    /// The bytes of a blob column (no address for NULL or an empty blob), from one column call as `text`.
    @inlinable public func blob(_ i: Int) -> UnsafeRawBufferPointer {
        let value = sqlite3_column_value(statement, Int32(i))
        guard let p = sqlite3_value_blob(value) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_value_bytes(value)))
    }

    /// The x and y of a SpatiaLite POINT blob (little- or big-endian), nil for anything else.
    @inlinable public func point(_ i: Int) -> (x: Double, y: Double)? {
        RawRow.point(blob(i))
    }

    @usableFromInline static func point(_ b: UnsafeRawBufferPointer) -> (x: Double, y: Double)? {
        // 0x00, endianness, SRID (4), MBR (32), 0x7C, class (4) = 1, x, y, 0xFE.
        guard b.count == 60, b[0] == 0, b[38] == 0x7C, b[59] == 0xFE else { return nil }
        let little = b[1] == 1
        func int32(_ at: Int) -> UInt32 {
            let v = b.loadUnaligned(fromByteOffset: at, as: UInt32.self)
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        func float64(_ at: Int) -> Double {
            let v = b.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }
        guard int32(39) == 1 else { return nil }
        return (float64(43), float64(51))
    }

    /// Steps through the rows of `sql`, handing each to `body` in place.
    static func forEach(_ db: Database, _ sql: SQL, _ body: (RawRow) throws -> Void) throws {
        try forEach(try db.makeStatement(literal: sql), body)
    }

    static func forEach(_ statement: Statement, _ body: (RawRow) throws -> Void) throws {
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(s))),
                                    sql: statement.sql, arguments: statement.arguments)
            }
            try body(RawRow(statement: s))
        }
    }
}
