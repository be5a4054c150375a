import Foundation
import GRDB

/// Work that reads every row a packed R*Tree is built from (PackedRTree.rebuild), in the order the build sorts them
/// (by the box's x centre), so that the rows are read and sorted once for both. `columns` are more of the table's
/// columns (SQL on its row), which `read` finds after the box's five (id, xmin, xmax, ymin, ymax); `finish` follows
/// the last row.
protocol RTreeBuildReader: AnyObject {
    /// The geometry column whose R*Tree the reader rides on.
    var column: String { get }
    var columns: [String] { get }
    func read(_ row: RawRow) throws
    func finish() throws
}

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
    /// rows (id, xmin, xmax, ymin, ymax) under those names, then any columns `alongside` reads; `count` is how
    /// many (it sizes the slices). Runs inside the caller's transaction.
    ///
    /// Memory stays flat: SQLite's sorter (spilling to temporary files past a small budget) delivers
    /// the boxes by x centre, one STR slice (about √(count × capacity) boxes) is held at a time, and
    /// the leaf of each entry goes to a temporary table, from which `_rowid` is filled in id order
    /// (inserting it in tile order, at random ids, took 1.9 s of 2.9 s for the leaves of a million
    /// entries). Only the level above the leaves, 1/capacity of the entries, is kept in memory.
    static func rebuild(_ db: Database, rtree: String, count: Int, source: String, alongside: (any RTreeBuildReader)? = nil) throws {
        let node = "\(rtree)_node".quotedDatabaseIdentifier
        let rowid = "\(rtree)_rowid".quotedDatabaseIdentifier
        let parent = "\(rtree)_parent".quotedDatabaseIdentifier
        // The node size was fixed when the tree was created; the root is always there and has it.
        guard let nodeBytes = try Int.fetchOne(db, sql: "SELECT length(data) FROM \(node) WHERE nodeno = 1"), nodeBytes > 4 + cellBytes else {
            throw RegistryError.database("R*Tree \(rtree) has no root node of a usable size")
        }
        let capacity = (nodeBytes - 4) / cellBytes
        try db.execute(sql: """
            DELETE FROM \(node); DELETE FROM \(rowid); DELETE FROM \(parent);
            DROP TABLE IF EXISTS temp.econgis_rtree_leaf; CREATE TEMP TABLE econgis_rtree_leaf (id INTEGER, node INTEGER)
            """)
        var nodes = try NodeWriter(db, node: node, parent: parent, nodeBytes: nodeBytes)
        // The entries of a leaf, in one statement (the table has no key: nothing is ignored).
        func writeLeaf(_ cells: ArraySlice<Entry>, _ number: Int64) throws {
            try db.insertPairs(into: "temp.econgis_rtree_leaf", columns: "id, node", cells.lazy.map { ($0.id, number) })
        }

        // The leaves: slices by x centre, each slice by y centre, cut into runs of `capacity`.
        let perSlice = sliceSize(count: count, capacity: capacity)
        var slice: [Entry] = []
        slice.reserveCapacity(perSlice)
        var leaves: [Entry] = []  // one box per leaf, for the level above
        func writeSlice() throws {
            slice.sort { ($0.ymin + $0.ymax) < ($1.ymin + $1.ymax) }
            var start = 0
            while start < slice.count {
                let end = min(start + capacity, slice.count)
                let number = try nodes.write(slice[start..<end], depth: 0, isRoot: false)
                try writeLeaf(slice[start..<end], number)
                leaves.append(bounds(slice[start..<end], id: number))
                start = end
            }
            slice.removeAll(keepingCapacity: true)
        }
        try withSortBudget(db) {
            let select = try db.makeStatement(sql: "SELECT * FROM (\(source)) ORDER BY xmin + xmax")
            try RawRow.forEach(select) { row in
                // A full slice is written only when another entry comes: a tree that fits in one
                // node is a root leaf.
                if slice.count == perSlice { try writeSlice() }
                try alongside?.read(row)
                slice.append(Entry(id: row.int64(0), xmin: roundedDown(row.double(1)), xmax: roundedUp(row.double(2)),
                                   ymin: roundedDown(row.double(3)), ymax: roundedUp(row.double(4))))
            }
        }
        try alongside?.finish()
        if leaves.isEmpty && slice.count <= capacity {
            let number = try nodes.write(slice[...], depth: 0, isRoot: true)
            if !slice.isEmpty { try writeLeaf(slice[...], number) }
        } else {
            try writeSlice()
        }
        try withSortBudget(db) {
            try db.execute(sql: """
                INSERT INTO \(rowid) (rowid, nodeno) SELECT id, node FROM temp.econgis_rtree_leaf ORDER BY id;
                DROP TABLE temp.econgis_rtree_leaf
                """)
        }

        // The inner levels, bottom up, in memory: each is 1/capacity the size of the one below.
        var level = leaves
        var depth = 1
        while !level.isEmpty {
            let isRoot = level.count <= capacity
            strSort(&level, capacity: capacity)
            var upper: [Entry] = []
            var start = 0
            while start < level.count {
                let end = min(start + capacity, level.count)
                let number = try nodes.write(level[start..<end], depth: depth, isRoot: isRoot)
                for e in level[start..<end] { try nodes.writeParent.executeBound([e.id.databaseValue, number.databaseValue]) }
                if !isRoot { upper.append(bounds(level[start..<end], id: number)) }
                start = end
            }
            level = upper
            depth += 1
        }
    }

    /// Writes nodes. Node numbers: the root is 1, every other node gets the next number from 2 as it
    /// is made.
    private struct NodeWriter {
        let writeNode: Statement
        let writeParent: Statement
        var blob: [UInt8]
        var nextNumber: Int64 = 2

        init(_ db: Database, node: String, parent: String, nodeBytes: Int) throws {
            writeNode = try db.makeStatement(sql: "INSERT INTO \(node) (nodeno, data) VALUES (?, ?)")
            writeParent = try db.makeStatement(sql: "INSERT INTO \(parent) (nodeno, parentnode) VALUES (?, ?)")
            blob = [UInt8](repeating: 0, count: nodeBytes)
        }

        /// Writes a node of `cells` and returns its number. The tree's depth is stored in the root only.
        mutating func write(_ cells: ArraySlice<Entry>, depth: Int, isRoot: Bool) throws -> Int64 {
            let number: Int64 = isRoot ? 1 : nextNumber
            if !isRoot { nextNumber += 1 }
            encode(cells, depth: isRoot ? depth : 0, into: &blob)
            try writeNode.executeBound([number.databaseValue, Data(blob).databaseValue])
            return number
        }
    }

    /// The box around `cells`, carrying `id`.
    static func bounds(_ cells: ArraySlice<Entry>, id: Int64) -> Entry {
        var box = cells.first!
        for e in cells.dropFirst() {
            box.xmin = min(box.xmin, e.xmin); box.xmax = max(box.xmax, e.xmax)
            box.ymin = min(box.ymin, e.ymin); box.ymax = max(box.ymax, e.ymax)
        }
        box.id = id
        return box
    }

    /// STR's slice: with `count` entries in leaves of `capacity`, √(leaves) slices of √(leaves) leaves.
    static func sliceSize(count: Int, capacity: Int) -> Int {
        let nodes = max(1, (count + capacity - 1) / capacity)
        return Int(Double(nodes).squareRoot().rounded(.up)) * capacity
    }

    /// Runs `body` with a small page cache, which is also the budget SQLite's sorter keeps in memory
    /// before it spills sorted runs to temporary files, and with one helper thread for the sorter (the
    /// import's reading thread is done by now); then the settings it had. Pages that no longer fit
    /// go to the WAL now rather than at commit.
    private static func withSortBudget(_ db: Database, _ body: () throws -> Void) throws {
        let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        let threads = try Int.fetchOne(db, sql: "PRAGMA threads") ?? 0
        try db.execute(sql: "PRAGMA cache_size = -4096; PRAGMA threads = 1")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize); PRAGMA threads = \(threads)") }
        try body()
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
        let perSlice = sliceSize(count: n, capacity: capacity)
        entries.sort { ($0.xmin + $0.xmax) < ($1.xmin + $1.xmax) }
        var start = 0
        while start < n {
            let end = min(start + perSlice, n)
            entries[start..<end].sort { ($0.ymin + $0.ymax) < ($1.ymin + $1.ymax) }
            start = end
        }
    }

    static func encode(_ cells: ArraySlice<Entry>, depth: Int, into blob: inout [UInt8]) {
        blob.withUnsafeMutableBytes { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            raw.storeBytes(of: UInt16(depth).bigEndian, toByteOffset: 0, as: UInt16.self)
            raw.storeBytes(of: UInt16(cells.count).bigEndian, toByteOffset: 2, as: UInt16.self)
            var p = 4
            for c in cells {
                raw.storeBytes(of: c.id.bigEndian, toByteOffset: p, as: Int64.self)
                raw.storeBytes(of: c.xmin.bitPattern.bigEndian, toByteOffset: p + 8, as: UInt32.self)
                raw.storeBytes(of: c.xmax.bitPattern.bigEndian, toByteOffset: p + 12, as: UInt32.self)
                raw.storeBytes(of: c.ymin.bitPattern.bigEndian, toByteOffset: p + 16, as: UInt32.self)
                raw.storeBytes(of: c.ymax.bitPattern.bigEndian, toByteOffset: p + 20, as: UInt32.self)
                p += cellBytes
            }
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
}
