import Foundation
import GRDB

/// Every located unit's point, id, registration day, kind and status, held in memory in grid cells: a box page
/// of the unit layers then finds its numberMatched and its page's ids by walking the box's cells (about 14 000
/// points for a 300 m box of a million units, tens of microseconds), where SQLite collects and sorts the R*Tree's
/// ids and reads each unit's row for the date test (milliseconds). Read from one snapshot of the database:
/// whoever holds it must drop it when the database changes (the server keys it by the database's version).
/// UnitBoxCells answers the same from the database, holding nothing, until these points are read.
public final class UnitPoints: Sendable {
    private let xs: [Double], ys: [Double], ids: [Int64]
    /// `registered_on` as YYYYMMDD (0 when NULL): compared as numbers they order as the ISO texts do.
    private let registered: [Int32]
    private let kinds: [UInt8], statuses: [UInt8]
    /// Points of cell `c` are at `cellStart[c]..<cellStart[c + 1]`; cells run west to east, then south to north.
    private let cellStart: [Int32]
    private let minX: Double, minY: Double, cellWidth: Double, cellHeight: Double, columns: Int, rows: Int

    /// The most rows before and in a page (offset + limit) chosen here; deeper pages are SQL's.
    public static let deepest = UnitBoxCells.deepest

    public var count: Int { ids.count }

    /// Reads every located unit once. Nil when a row is outside what the index can represent exactly (a geometry
    /// that is not a 2D point, a `registered_on` that is not YYYY-MM-DD, an unknown kind or status): the SQL serves.
    public static func read(_ store: RegistryStore) throws -> UnitPoints? {
        try store.read { db in try read(db) }
    }

    static func read(_ db: Database) throws -> UnitPoints? {
        var xs: [Double] = [], ys: [Double] = [], ids: [Int64] = [], registered: [Int32] = [], kinds: [UInt8] = [], statuses: [UInt8] = []
        let kindCodes = Dictionary(uniqueKeysWithValues: UnitKind.allCases.enumerated().map { (Array($1.rawValue.utf8), UInt8($0)) })
        let statusCodes = Dictionary(uniqueKeysWithValues: UnitStatus.allCases.enumerated().map { (Array($1.rawValue.utf8), UInt8($0)) })
        var representable = true
        try RawRow.forEach(db, "SELECT id, geom, registered_on, kind, status FROM economic_units WHERE geom IS NOT NULL") { row in
            guard representable, let p = row.point(1), let kind = kindCodes[Array(row.text(3))], let status = statusCodes[Array(row.text(4))],
                  let day = row.isNull(2) ? 0 : UnitBoxCells.day(row.text(2)) else {
                representable = false
                return
            }
            xs.append(p.x); ys.append(p.y); ids.append(row.int64(0))
            registered.append(day); kinds.append(kind); statuses.append(status)
        }
        guard representable else { return nil }
        return UnitPoints(xs: xs, ys: ys, ids: ids, registered: registered, kinds: kinds, statuses: statuses)
    }

    private init(xs: [Double], ys: [Double], ids: [Int64], registered: [Int32], kinds: [UInt8], statuses: [UInt8]) {
        let n = ids.count
        let x0 = xs.min() ?? 0, x1 = xs.max() ?? 0, y0 = ys.min() ?? 0, y1 = ys.max() ?? 0
        // About 16 points a cell on average, at most 1024 × 1024 cells.
        let side = max(1, min(1024, Int(Double(n / 16).squareRoot())))
        (minX, minY, columns, rows) = (x0, y0, side, side)
        cellWidth = max((x1 - x0) / Double(side), 1e-12)
        cellHeight = max((y1 - y0) / Double(side), 1e-12)
        // A counting sort of the points by cell.
        var start = [Int32](repeating: 0, count: side * side + 1)
        var cellOf = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let c = Int32(min(side - 1, Int((xs[i] - x0) / cellWidth)) + side * min(side - 1, Int((ys[i] - y0) / cellHeight)))
            cellOf[i] = c
            start[Int(c) + 1] += 1
        }
        for c in 0..<(side * side) { start[c + 1] += start[c] }
        var at = start
        var order = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let c = Int(cellOf[i])
            order[Int(at[c])] = i
            at[c] += 1
        }
        self.xs = order.map { xs[$0] }
        self.ys = order.map { ys[$0] }
        self.ids = order.map { ids[$0] }
        self.registered = order.map { registered[$0] }
        self.kinds = order.map { kinds[$0] }
        self.statuses = order.map { statuses[$0] }
        cellStart = start
    }

    public typealias Selection = UnitBoxCells.Selection

    /// The units in `box` (edges included, as SQL's BETWEEN) registered on or before `asOf` (or with no date),
    /// of `kinds` and `statuses` (empty: any).
    public func select(_ box: BoundingBox, asOf: LocalDate, kinds: [UnitKind], statuses: [UnitStatus],
                       afterId: Int64?, skip: Int, take: Int) -> Selection {
        let day = Int32(asOf.year * 10_000 + asOf.month * 100 + asOf.day)
        var kindMask: UInt32 = kinds.isEmpty ? ~0 : 0, statusMask: UInt32 = statuses.isEmpty ? ~0 : 0
        for k in kinds { kindMask |= 1 << UInt32(UnitKind.allCases.firstIndex(of: k)!) }
        for s in statuses { statusMask |= 1 << UInt32(UnitStatus.allCases.firstIndex(of: s)!) }
        let after = afterId ?? Int64.min
        // The `keep` smallest ids after the cursor, in a max-heap.
        let keep = skip + take
        var heap = BoundedIdHeap(capacity: keep)
        var matched = 0
        func cell(_ v: Double, _ origin: Double, _ size: Double, _ count: Int) -> Int {
            let c = ((v - origin) / size).rounded(.down)
            return c < 0 ? 0 : c >= Double(count) ? count - 1 : Int(c)
        }
        guard box.maxLon >= minX, box.maxLat >= minY, !ids.isEmpty else { return Selection(matched: 0, ids: []) }
        let cx0 = cell(box.minLon, minX, cellWidth, columns), cx1 = cell(box.maxLon, minX, cellWidth, columns)
        let cy0 = cell(box.minLat, minY, cellHeight, rows), cy1 = cell(box.maxLat, minY, cellHeight, rows)
        xs.withUnsafeBufferPointer { xs in ys.withUnsafeBufferPointer { ys in ids.withUnsafeBufferPointer { ids in
            registered.withUnsafeBufferPointer { registered in self.kinds.withUnsafeBufferPointer { kindOf in
                self.statuses.withUnsafeBufferPointer { statusOf in
                    for cy in cy0...cy1 {
                        let from = Int(cellStart[cy * columns + cx0]), to = Int(cellStart[cy * columns + cx1 + 1])
                        for i in from..<to {
                            let x = xs[i], y = ys[i]
                            guard x >= box.minLon, x <= box.maxLon, y >= box.minLat, y <= box.maxLat, registered[i] <= day,
                                  kindMask & (1 << UInt32(kindOf[i])) != 0, statusMask & (1 << UInt32(statusOf[i])) != 0 else { continue }
                            matched += 1
                            if ids[i] > after { heap.offer(ids[i]) }
                        }
                    }
                }
            } }
        } } }
        return Selection(matched: matched, ids: Array(heap.sorted().dropFirst(skip)))
    }
}

extension UnitPoints {
    /// The page's ids and count for `layer`, `filter` and `selection` when these points can answer exactly as the SQL
    /// would: the requests UnitBoxCells answers (a box on a unit layer, no filter but kinds and statuses, id order).
    public func choose(_ layer: FeatureLayer, filter: UnitFilter, selection: FeatureSelection) -> Selection? {
        guard UnitBoxCells.answers(layer, filter: filter, selection: selection), let box = filter.bbox, let limit = selection.page.limit else { return nil }
        // As FeatureLayer.query narrows them.
        let kinds: [UnitKind] = layer == .markets ? [.market] : layer == .stalls ? [.market_stall] : filter.kinds
        return select(box, asOf: filter.asOf, kinds: kinds, statuses: filter.statuses, afterId: selection.page.after?.id,
                      skip: selection.page.offset, take: limit + 1)
    }
}
