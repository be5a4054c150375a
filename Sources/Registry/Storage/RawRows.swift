import CSpatial
import GRDB

/// One row of a statement being stepped, read in place: text and blobs are borrowed from SQLite and
/// valid only until the next row. For writers that turn millions of rows into bytes without making a
/// Swift value per cell (the exporter); everything else reads GRDB rows.
public struct RawRow {
    @usableFromInline let statement: OpaquePointer
    /// The row's values by column, the first `valueCount` of them, when `ResultValues` found where the statement
    /// keeps them; 0 asks SQLite per call.
    @usableFromInline let values: UnsafePointer<OpaquePointer?>
    @usableFromInline let valueCount: Int

    /// A row of `values`' statement, just stepped; `values` must outlive it.
    init(statement: OpaquePointer, values: ResultValues) {
        self.statement = statement
        if let located = values.locate() {
            (self.values, valueCount) = (located, values.count)
        } else {
            (self.values, valueCount) = (ResultValues.none, 0)
        }
    }

    public var columnCount: Int { Int(sqlite3_column_count(statement)) }

    /// Column `i`'s value, to read with the `sqlite3_value_` functions on the connection's thread until the next step.
    /// `sqlite3_column_value` takes and leaves the connection's mutex and checks for a failed allocation on each call:
    /// found once per row instead, a 10 000-feature page of units took 10 % fewer instructions (87.9 M to 79.1 M).
    @inlinable func value(_ i: Int) -> OpaquePointer? {
        // One comparison: a negative index is a large unsigned one.
        if UInt(bitPattern: i) < UInt(bitPattern: valueCount) { return values[i] }
        return sqlite3_column_value(statement, Int32(i))
    }

    // Inlinable, as the rest: the writers in other modules call these per cell, and a call each showed in the profile.
    @inlinable public func isNull(_ i: Int) -> Bool { sqlite3_value_type(value(i)) == SQLITE_NULL }
    @inlinable public func int64(_ i: Int) -> Int64 { sqlite3_value_int64(value(i)) }
    @inlinable public func double(_ i: Int) -> Double { sqlite3_value_double(value(i)) }

    /// The integer in column `i`, nil for NULL (otherwise as `int64`): one value read where `isNull` then
    /// `int64` made two.
    @inlinable public func integer(_ i: Int) -> Int64? {
        let v = value(i)
        return sqlite3_value_type(v) == SQLITE_NULL ? nil : sqlite3_value_int64(v)
    }

    /// The UTF-8 bytes of a text column (empty, with no address, for NULL; an empty text has an address).
    /// Read as the value's bytes in place (the registry's databases are UTF-8): `sqlite3_column_text` copies each
    /// text to end it with a NUL, which was a tenth of a 10 000-feature page. Numbers are turned into text as there.
    @inlinable public func text(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        // The value calls take no mutex. The row is read on the connection's own thread, as sqlite3_column_value asks.
        let v = value(i)
        if let p = sqlite3_value_blob(v) {
            return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_value_bytes(v)))
        }
        return UnsafeBufferPointer(start: sqlite3_value_type(v) == SQLITE_NULL ? nil : RawRow.emptyText, count: 0)
    }

    /// An address for empty texts, which SQLite gives none.
    @usableFromInline nonisolated(unsafe) static let emptyText: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    /// The bytes of a blob column (no address for NULL or an empty blob), from one value as `text`.
    @inlinable public func blob(_ i: Int) -> UnsafeRawBufferPointer {
        let v = value(i)
        guard let p = sqlite3_value_blob(v) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_value_bytes(v)))
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
        let values = ResultValues(s)
        // Alive while any row is read: a row holds the address of its buffer, not the object.
        try withExtendedLifetime(values) {
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { return }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(s))),
                                        sql: statement.sql, arguments: statement.arguments)
                }
                try body(RawRow(statement: s, values: values))
            }
        }
    }
}

/// Where a statement being stepped keeps its row's values, found once rather than asked for per cell.
///
/// SQLite hands each result row out of one array of values (`sqlite3_column_value(s, i)` is its element `i`), in
/// the same place for every row that the same result instruction makes. This is how SQLite works rather than what
/// it documents, so it is checked on every row: the first column's value is asked for as before, and only when it
/// is where it was on an earlier row, with every column found one array element apart, are the other addresses
/// reused. Anything else (another result instruction, a statement prepared again, some other layout) asks SQLite
/// for each column again, or per call from then on.
final class ResultValues {
    /// Columns of the current row, as the statement counted them when its values were last found (a statement
    /// prepared again at its first step may have other columns than when it was made).
    private(set) var count = 0
    private let statement: OpaquePointer
    private var pointers: UnsafeMutablePointer<OpaquePointer?>
    private var capacity: Int
    /// The addresses in `pointers` are the current row's.
    private var located = false
    /// The columns were not one array apart, or there is one: RawRow asks SQLite per call.
    private var unusable = false

    init(_ statement: OpaquePointer) {
        self.statement = statement
        capacity = max(Int(sqlite3_column_count(statement)), 1)
        pointers = .allocate(capacity: capacity)
    }

    deinit { pointers.deallocate() }

    /// The values of a row that has none located (`RawRow.valueCount` 0).
    nonisolated(unsafe) static let none: UnsafePointer<OpaquePointer?> = {
        let p = UnsafeMutablePointer<OpaquePointer?>.allocate(capacity: 1)
        p.initialize(to: nil)
        return UnsafePointer(p)
    }()

    /// The current row's values by column, or nil to ask SQLite per call (also for a single column, where there is
    /// nothing to save). Call once per row, after a step that gave a row (which has at least one column).
    func locate() -> UnsafePointer<OpaquePointer?>? {
        guard !unusable else { return nil }
        let first = sqlite3_column_value(statement, 0)
        if located && first == pointers[0] { return UnsafePointer(pointers) }
        count = Int(sqlite3_column_count(statement))
        guard count > 1 else {
            unusable = true
            return nil
        }
        if count > capacity {
            pointers.deallocate()
            capacity = count
            pointers = .allocate(capacity: capacity)
        }
        pointers[0] = first
        for i in 1..<count { pointers[i] = sqlite3_column_value(statement, Int32(i)) }
        let stride = Int(bitPattern: pointers[1]) &- Int(bitPattern: pointers[0])
        located = stride > 0 && (2..<count).allSatisfy { Int(bitPattern: pointers[$0]) &- Int(bitPattern: pointers[$0 - 1]) == stride }
        unusable = !located
        return located ? UnsafePointer(pointers) : nil
    }
}
