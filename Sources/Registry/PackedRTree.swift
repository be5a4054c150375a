import CSpatial
import GRDB

/// Builds a 2-D SQLite R*Tree (the kind SpatiaLite uses for its spatial indexes) in one pass: the
/// boxes are sorted into a sort-tile-recursive packing and the nodes are written straight into the
/// R*Tree's three shadow tables, instead of being inserted one by one (each insert runs R*Tree's
/// choose-subtree, split and reinsert logic; about 17 µs a row here). GDAL's GeoPackage driver loads
/// its R-trees the same way.
///
/// The shadow-table format is documented at the top of SQLite's ext/rtree/rtree.c: `<name>_node`
/// (nodeno, data) holds the nodes, node 1 is the root; a node is a 2-byte big-endian tree depth (used in
/// the root only), a 2-byte cell count, then cells of an 8-byte big-endian id and four big-endian
/// float32 coordinates (xmin, xmax, ymin, ymax), zero-padded to the tree's node size. `<name>_rowid`
/// maps each entry to its leaf, `<name>_parent` each non-root node to its parent. SQLite's own
/// `rtreecheck()` verifies the result in the tests.
enum PackedRTree {
    struct Entry {
        var id: Int64
        var xmin: Float, xmax: Float, ymin: Float, ymax: Float
    }

    /// Replaces the content of the R*Tree `rtree` with the boxes of `source`, an SQL query returning
    /// (id, xmin, xmax, ymin, ymax) rows. Runs inside the caller's transaction.
    static func rebuild(_ db: Database, rtree: String, source: String) throws {
        let node = "\(rtree)_node".quotedDatabaseIdentifier
        let rowid = "\(rtree)_rowid".quotedDatabaseIdentifier
        let parent = "\(rtree)_parent".quotedDatabaseIdentifier
        // The node size was fixed when the tree was created; the root is always there and has it.
        guard let nodeBytes = try Int.fetchOne(db, sql: "SELECT length(data) FROM \(node) WHERE nodeno = 1"), nodeBytes > 4 + cellBytes else {
            throw RegistryError.database("R*Tree \(rtree) has no root node of a usable size")
        }
        let capacity = (nodeBytes - 4) / cellBytes

        var entries: [Entry] = []
        let select = try db.makeStatement(sql: source)
        let s = select.sqliteStatement
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection))) }
            entries.append(Entry(id: sqlite3_column_int64(s, 0),
                                 xmin: roundedDown(sqlite3_column_double(s, 1)), xmax: roundedUp(sqlite3_column_double(s, 2)),
                                 ymin: roundedDown(sqlite3_column_double(s, 3)), ymax: roundedUp(sqlite3_column_double(s, 4))))
        }
        sqlite3_reset(s)

        try db.execute(sql: "DELETE FROM \(node); DELETE FROM \(rowid); DELETE FROM \(parent)")
        let writeNode = try db.makeStatement(sql: "INSERT INTO \(node) (nodeno, data) VALUES (?, ?)")
        let writeRowid = try db.makeStatement(sql: "INSERT INTO \(rowid) (rowid, nodeno) VALUES (?, ?)")
        let writeParent = try db.makeStatement(sql: "INSERT INTO \(parent) (nodeno, parentnode) VALUES (?, ?)")
        var blob = [UInt8](repeating: 0, count: nodeBytes)

        // Level by level, bottom up. Node numbers: the root is 1, every other node gets the next
        // number from 2 as it is made.
        var level = entries
        entries = []
        var depth = 0
        var nextNumber: Int64 = 2
        while true {
            let isRoot = level.count <= capacity
            strSort(&level, capacity: capacity)
            var upper: [Entry] = []
            var start = 0
            while start < level.count || (isRoot && start == 0) {
                let end = min(start + capacity, level.count)
                let number: Int64 = isRoot ? 1 : nextNumber
                if !isRoot { nextNumber += 1 }
                encode(level[start..<end], depth: isRoot ? depth : 0, into: &blob)
                try bindRun(writeNode, number, blob)
                if depth == 0 {
                    for e in level[start..<end] { try bindRun(writeRowid, e.id, number) }
                } else {
                    for e in level[start..<end] { try bindRun(writeParent, e.id, number) }
                }
                if !isRoot {
                    var box = level[start]
                    for e in level[(start + 1)..<end] {
                        box.xmin = min(box.xmin, e.xmin); box.xmax = max(box.xmax, e.xmax)
                        box.ymin = min(box.ymin, e.ymin); box.ymax = max(box.ymax, e.ymax)
                    }
                    box.id = number
                    upper.append(box)
                }
                start = end
                if isRoot { break }
            }
            if isRoot { break }
            level = upper
            depth += 1
        }
    }

    static let cellBytes = 8 + 4 * 4

    /// A bulk write that touches at least 1/rebuildShare of an index's rows rebuilds the whole index
    /// packed rather than inserting its rows one by one (see scripts/bench/import for the two costs).
    static let rebuildShare = 8

    /// Sort-tile-recursive order: vertical slices by x centre, each slice by y centre, so that runs of
    /// `capacity` consecutive entries are compact tiles.
    static func strSort(_ entries: inout [Entry], capacity: Int) {
        let n = entries.count
        guard n > capacity else { return }
        let nodes = (n + capacity - 1) / capacity
        let slices = Int(Double(nodes).squareRoot().rounded(.up))
        let perSlice = slices * capacity
        entries.sort { ($0.xmin + $0.xmax) < ($1.xmin + $1.xmax) }
        var start = 0
        while start < n {
            let end = min(start + perSlice, n)
            entries[start..<end].sort { ($0.ymin + $0.ymax) < ($1.ymin + $1.ymax) }
            start = end
        }
    }

    static func encode(_ cells: ArraySlice<Entry>, depth: Int, into blob: inout [UInt8]) {
        for i in blob.indices { blob[i] = 0 }
        blob[0] = UInt8(truncatingIfNeeded: depth >> 8); blob[1] = UInt8(truncatingIfNeeded: depth)
        blob[2] = UInt8(truncatingIfNeeded: cells.count >> 8); blob[3] = UInt8(truncatingIfNeeded: cells.count)
        var p = 4
        func put<T: FixedWidthInteger>(_ v: T) {
            var big = v.bigEndian
            withUnsafeBytes(of: &big) { for b in $0 { blob[p] = b; p += 1 } }
        }
        for c in cells {
            put(c.id)
            put(c.xmin.bitPattern); put(c.xmax.bitPattern); put(c.ymin.bitPattern); put(c.ymax.bitPattern)
        }
    }

    /// SQLite's rounding of an R*Tree's lower bound to float32: never above the double value.
    static func roundedDown(_ d: Double) -> Float {
        var f = Float(d)
        if Double(f) > d { f = Float(d * (d < 0 ? 1 + 1 / 8388608.0 : 1 - 1 / 8388608.0)) }
        return f
    }

    /// SQLite's rounding of an upper bound: never below the double value.
    static func roundedUp(_ d: Double) -> Float {
        var f = Float(d)
        if Double(f) < d { f = Float(d * (d < 0 ? 1 - 1 / 8388608.0 : 1 + 1 / 8388608.0)) }
        return f
    }

    private static func bindRun(_ statement: Statement, _ a: Int64, _ b: Int64) throws {
        let s = statement.sqliteStatement
        sqlite3_bind_int64(s, 1, a)
        sqlite3_bind_int64(s, 2, b)
        try step(statement)
    }

    private static func bindRun(_ statement: Statement, _ a: Int64, _ blob: [UInt8]) throws {
        let s = statement.sqliteStatement
        sqlite3_bind_int64(s, 1, a)
        blob.withUnsafeBytes { _ = sqlite3_bind_blob(s, 2, $0.baseAddress, Int32($0.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
        try step(statement)
    }

    private static func step(_ statement: Statement) throws {
        let s = statement.sqliteStatement
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(s))),
                                sql: statement.sql)
        }
    }
}
