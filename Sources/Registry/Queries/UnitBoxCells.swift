import Foundation
import GRDB

/// Box pages of the unit layers from the located units packed by grid cell in the database (`unit_box_cells`,
/// migration v12): a page reads the box's cells (about 170 rows for a 300 m box), counts exactly (edges included,
/// as SQL's BETWEEN) and keeps the smallest ids after the cursor; SQLite then reads only the page's rows. Where SQL
/// would collect and sort the R*Tree's ids and read each unit's row (milliseconds), this walks packed points (tens
/// of microseconds), and the server holds nothing between requests: its memory does not grow with the registry.
public enum UnitBoxCells {
    /// The grid of `unit_box_points` (v12): cells of 0.00025 degrees, `row * rowStride + column`.
    static let cellSize = 0.00025
    static let rowStride: Int64 = 4_194_304
    /// Kinds and statuses as the packed cells code them (kind × 3 + status): the v1 CHECK's lists, never reordered.
    static let kindCodes = ["enterprise", "branch", "household_business", "cooperative", "market", "market_stall"]
    static let statusCodes = ["active", "suspended", "closed"]
    /// Bytes of one unit in a packed cell: id (8), x (8), y (8), registration day (4), kind and status (1).
    static let unitBytes = 29

    /// The most rows before and in a page (offset + limit) chosen here; deeper pages are SQL's.
    public static let deepest = 30_000

    /// What a box page needs: how many units match, and the ids of the page (ascending, after the cursor, the
    /// first `skip` left out) with one more when there is a next page.
    public struct Selection: Sendable {
        public let matched: Int
        public let ids: [Int64]
    }

    /// One located unit as a cell holds it; `day` is `registered_on` as YYYYMMDD (0 when NULL).
    struct Unit {
        var id: Int64, x: Double, y: Double, day: Int32, code: UInt8
    }

    /// The page's ids and count for `layer`, `filter` and `selection` when the packed cells can answer exactly as
    /// the SQL would: a box on a unit layer, no filter but kinds and statuses, in id order, no deeper than
    /// `deepest`. Nil leaves it to the SQL: any other filter (a ward, a search, CQL2, a sort), or a cell holding a
    /// unit the packing cannot represent (a `registered_on` that is not YYYY-MM-DD), or a registry made before v12.
    public static func choose(_ db: Database, _ layer: FeatureLayer, filter: UnitFilter, selection: FeatureSelection) throws -> Selection? {
        guard answers(layer, filter: filter, selection: selection), let box = filter.bbox, let limit = selection.page.limit else { return nil }
        // As FeatureLayer.query narrows them.
        let kinds: [UnitKind] = layer == .markets ? [.market] : layer == .stalls ? [.market_stall] : filter.kinds
        do {
            return try select(db, box, asOf: filter.asOf, kinds: kinds, statuses: filter.statuses, afterId: selection.page.after?.id,
                              skip: selection.page.offset, take: limit + 1)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR && error.message?.hasPrefix("no such table") == true {
            return nil  // a registry made before v12, which a server may read: no cells
        }
    }

    /// Whether a request is one `choose` answers (it may still leave it to the SQL for what a cell holds).
    public static func answers(_ layer: FeatureLayer, filter: UnitFilter, selection: FeatureSelection) -> Bool {
        guard [.units, .markets, .stalls].contains(layer), filter.bbox != nil, filter.wardCode == nil, filter.vsicPrefix == nil,
              filter.near == nil, filter.search == nil, !filter.flaggedOnly, filter.changedSince == nil,
              selection.conditions.isEmpty, selection.sortBy.isEmpty, selection.featureId == nil,
              let limit = selection.page.limit, limit < deepest - selection.page.offset,
              selection.page.after?.values.isEmpty ?? true else { return false }
        return true
    }

    /// The units in `box` (edges included) registered on or before `asOf` (or with no date), of `kinds` and
    /// `statuses` (empty: any). Stale cells (written since they were packed) are read from the units themselves.
    static func select(_ db: Database, _ box: BoundingBox, asOf: LocalDate, kinds: [UnitKind], statuses: [UnitStatus],
                       afterId: Int64?, skip: Int, take: Int) throws -> Selection? {
        let day = Int32(asOf.year * 10_000 + asOf.month * 100 + asOf.day)
        var kindMask: UInt32 = kinds.isEmpty ? ~0 : 0, statusMask: UInt32 = statuses.isEmpty ? ~0 : 0
        for k in kinds { kindMask |= 1 << UInt32(kindCodes.firstIndex(of: k.rawValue)!) }
        for s in statuses { statusMask |= 1 << UInt32(statusCodes.firstIndex(of: s.rawValue)!) }
        var codeMask: UInt32 = 0  // bit kind × 3 + status
        for k in 0..<kindCodes.count where kindMask & (1 << UInt32(k)) != 0 {
            for s in 0..<statusCodes.count where statusMask & (1 << UInt32(s)) != 0 { codeMask |= 1 << UInt32(k * 3 + s) }
        }
        let after = afterId ?? Int64.min
        var heap = BoundedIdHeap(capacity: skip + take)  // the smallest ids after the cursor
        var matched = 0
        func offer(_ id: Int64, _ x: Double, _ y: Double, _ d: Int32, _ code: UInt8) {
            guard x >= box.minLon, x <= box.maxLon, y >= box.minLat, y <= box.maxLat, d <= day, codeMask & (1 << UInt32(code)) != 0 else { return }
            matched += 1
            if id > after { heap.offer(id) }
        }
        let (cx0, cx1) = (column(box.minLon), column(box.maxLon))
        var (cy0, cy1) = (row(box.minLat), row(box.maxLat))
        if cy1 - cy0 > 64 {
            // Only the rows of cells that hold units: a box over the world reads as many rows as the registry has.
            guard let extent = try Row.fetchOne(db, sql: """
                SELECT min(lo), max(hi) FROM (SELECT min(cell) AS lo, max(cell) AS hi FROM unit_box_cells
                                              UNION ALL SELECT min(cell), max(cell) FROM unit_box_stale)
                """), let lo = extent[0] as Int64?, let hi = extent[1] as Int64? else { return Selection(matched: 0, ids: []) }
            (cy0, cy1) = (max(cy0, lo / rowStride), min(cy1, hi / rowStride))
            guard cy0 <= cy1 else { return Selection(matched: 0, ids: []) }
        }
        var stale = Set<Int64>()
        let staleCells = try db.cachedStatement(sql: "SELECT cell FROM unit_box_stale WHERE cell BETWEEN ? AND ?")
        try staleCells.setArguments([cy0 * rowStride + cx0, cy1 * rowStride + cx1])
        try RawRow.forEach(staleCells) { row in
            let cell = row.int64(0)
            if (cx0...cx1).contains(cell % rowStride) { stale.insert(cell) }
        }
        for cell in stale {
            guard let units = try units(db, cell: cell) else { return nil }
            for u in units { offer(u.id, u.x, u.y, u.day, u.code) }
        }
        let packed = try db.cachedStatement(sql: "SELECT cell, points FROM unit_box_cells WHERE cell BETWEEN ? AND ?")
        for cy in cy0...cy1 {
            try packed.setArguments([cy * rowStride + cx0, cy * rowStride + cx1])
            try RawRow.forEach(packed) { row in
                guard stale.isEmpty || !stale.contains(row.int64(0)) else { return }
                let b = row.blob(1)
                let n = b.count / unitBytes
                for i in 0..<n {
                    let x = Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * n + 8 * i, as: UInt64.self)))
                    let y = Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 16 * n + 8 * i, as: UInt64.self)))
                    guard x >= box.minLon, x <= box.maxLon, y >= box.minLat, y <= box.maxLat else { continue }
                    offer(Int64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)), x, y,
                          Int32(littleEndian: b.loadUnaligned(fromByteOffset: 24 * n + 4 * i, as: Int32.self)), b[28 * n + i])
                }
            }
        }
        return Selection(matched: matched, ids: Array(heap.sorted().dropFirst(skip)))
    }

    static func column(_ lon: Double) -> Int64 { Int64(((lon + 180) / cellSize).rounded(.down)) }
    static func row(_ lat: Double) -> Int64 { Int64(((lat + 90) / cellSize).rounded(.down)) }
    /// The cell of a point, as `unit_box_points` computes it from the stored geometry.
    static func cell(_ lon: Double, _ lat: Double) -> Int64 { row(lat) * rowStride + column(lon) }

    /// The units of `cell`, read from `unit_box_points` (v12's definition of a unit's cell) through the spatial
    /// index; nil when one cannot be packed.
    static func units(_ db: Database, cell: Int64) throws -> [Unit]? {
        let (cx, cy) = (cell % rowStride, cell / rowStride)
        // The cell's bounds, a little wider: the view's own cell test decides.
        let margin = cellSize / 100
        let statement = try db.cachedStatement(sql: """
            SELECT id, x, y, registered_on, kind, status FROM unit_box_points
            WHERE id IN (SELECT pkid FROM idx_economic_units_geom WHERE xmax >= ? AND xmin <= ? AND ymax >= ? AND ymin <= ?)
              AND cell = ? ORDER BY id
            """)
        try statement.setArguments([Double(cx) * cellSize - 180 - margin, Double(cx + 1) * cellSize - 180 + margin,
                               Double(cy) * cellSize - 90 - margin, Double(cy + 1) * cellSize - 90 + margin, cell])
        var units: [Unit] = []
        var representable = true
        try RawRow.forEach(statement) { row in
            guard representable, let u = unit(row, at: 0) else { representable = false; return }
            units.append(u)
        }
        return representable ? units : nil
    }

    /// The unit in columns id, x, y, registered_on, kind, status from `first` on; nil when it cannot be packed.
    static func unit(_ row: RawRow, at first: Int) -> Unit? {
        guard let kind = kindCodes.firstIndex(where: { $0.utf8.elementsEqual(row.text(first + 4)) }),
              let status = statusCodes.firstIndex(where: { $0.utf8.elementsEqual(row.text(first + 5)) }),
              let day = row.isNull(first + 3) ? 0 : day(row.text(first + 3)) else { return nil }
        return Unit(id: row.int64(first), x: row.double(first + 1), y: row.double(first + 2), day: day, code: UInt8(kind * 3 + status))
    }

    /// "YYYY-MM-DD" as YYYYMMDD, an empty text as 0 (SQL orders it first too); nil for any other text.
    static func day(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard text.count == 10, text[4] == 0x2D, text[7] == 0x2D else { return text.isEmpty ? 0 : nil }
        var v: Int32 = 0
        for i in [0, 1, 2, 3, 5, 6, 8, 9] {
            guard (0x30...0x39).contains(text[i]) else { return nil }
            v = v * 10 + Int32(text[i] - 0x30)
        }
        return v
    }

    /// A cell's units (in id order) as `unit_box_cells.points` holds them.
    static func pack(_ units: [Unit]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.count * unitBytes)
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        for u in units { append(u.id) }
        for u in units { append(u.x.bitPattern) }
        for u in units { append(u.y.bitPattern) }
        for u in units { append(u.day) }
        for u in units { bytes.append(u.code) }
        return bytes
    }

    /// Packs the stale cells again (the store calls it at the end of each write): one read through the spatial
    /// index per cell for a few, one ordered read of every located unit for many (an import, the migration).
    /// A cell holding a unit that cannot be packed stays stale, so readers leave its boxes to the SQL.
    static func packStale(_ db: Database) throws {
        let stale = try Int64.fetchAll(db, sql: "SELECT cell FROM unit_box_stale")
        guard !stale.isEmpty else { return }
        try db.execute(sql: "DELETE FROM unit_box_cells WHERE cell IN (SELECT cell FROM unit_box_stale)")
        let write = try db.cachedStatement(sql: "INSERT INTO unit_box_cells (cell, points) VALUES (?, ?)")
        var unpackable: [Int64] = []
        func store(_ cell: Int64, _ units: [Unit]?) throws {
            guard let units else { unpackable.append(cell); return }
            guard !units.isEmpty else { return }
            try write.execute(arguments: [cell, Data(pack(units))])
        }
        if stale.count <= 64 {
            for cell in stale { try store(cell, try units(db, cell: cell)) }
        } else {
            var cell: Int64?, units: [Unit]? = []
            try RawRow.forEach(db, """
                SELECT p.cell, p.id, p.x, p.y, p.registered_on, p.kind, p.status
                FROM unit_box_points p JOIN unit_box_stale s ON s.cell = p.cell ORDER BY p.cell, p.id
                """) { row in
                let c = row.int64(0)
                if c != cell {
                    if let cell { try store(cell, units) }
                    (cell, units) = (c, [])
                }
                if units != nil, let u = unit(row, at: 1) { units!.append(u) } else { units = nil }
            }
            if let cell { try store(cell, units) }
        }
        try db.execute(sql: "DELETE FROM unit_box_stale")
        for cell in unpackable { try db.execute(sql: "INSERT INTO unit_box_stale (cell) VALUES (?)", arguments: [cell]) }
    }
}

/// The smallest ids offered, at most `capacity` of them: a max-heap whose top is the largest kept.
struct BoundedIdHeap {
    private var items: [Int64] = []
    let capacity: Int
    /// Once the heap is full, ids from `top` up are refused without a call into the heap: most of a dense box's
    /// units are offered after that.
    private var full: Bool
    private var top = Int64.min

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
        full = capacity == 0
    }

    @inline(__always) mutating func offer(_ id: Int64) {
        if !full || id < top { keep(id) }
    }

    private mutating func keep(_ id: Int64) {
        defer {
            if items.count == capacity { (full, top) = (true, items[0]) }
        }
        if items.count < capacity {
            items.append(id)
            var i = items.count - 1
            while i > 0, items[(i - 1) / 2] < items[i] {
                items.swapAt(i, (i - 1) / 2)
                i = (i - 1) / 2
            }
        } else if capacity > 0, id < items[0] {
            items[0] = id
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var largest = i
                if l < items.count, items[l] > items[largest] { largest = l }
                if r < items.count, items[r] > items[largest] { largest = r }
                if largest == i { break }
                items.swapAt(i, largest)
                i = largest
            }
        }
    }

    func sorted() -> [Int64] { items.sorted() }
}
