import CSpatial
import Foundation
import GRDB

/// The wards of every period a point lies in, as `unit_wards` stores them (SpatiaLite's ST_Intersects:
/// a point on a shared edge is in both wards), and the ward flag that follows, answered on a bulk
/// import's reading thread so the writer stores them with the row instead of in a statement after the
/// read loop. Each ward's cells (`ward_cells`, made by SpatiaLite when the ward was written) decide the
/// points in cells wholly inside it or apart from it; a point in a cell its boundary crosses is asked of
/// SpatiaLite with the ward's polygon. So SpatiaLite decides every answer, as WardMembership does.
final class WardLocator: @unchecked Sendable {
    /// One ward with a polygon, its cells and, once a point needed it, its probe.
    private final class Ward {
        let unit: AdminUnit
        let geometry: DatabaseValue
        /// Its place in the locator's `wards`.
        var index = 0
        /// Cell bounds as SpatiaLite was given them: column i spans xs[i]...xEnds[i], row j ys[j]...yEnds[j].
        /// Kept apart, since a column or row no cell of the ward reaches (a gap between two parts of
        /// the polygon) has no row in `ward_cells`.
        var xs: [Double] = [], xEnds: [Double] = [], ys: [Double] = [], yEnds: [Double] = []
        /// Per cell (j * columns + i): 0 apart from the ward, 1 covered by it, 2 across its boundary.
        var cells: [UInt8] = []
        var probe: PolygonProbe?

        init(unit: AdminUnit, geometry: DatabaseValue) {
            self.unit = unit
            self.geometry = geometry
        }

        /// The ward's rows of `ward_cells`. Every cell of a column has the same computed bounds
        /// (WardMembership.rebuild), every cell of a row too.
        func setCells(_ rows: [(x0: Double, y0: Double, x1: Double, y1: Double, inside: Bool)]) {
            let columns = Dictionary(rows.map { ($0.x0, $0.x1) }, uniquingKeysWith: max).sorted { $0.key < $1.key }
            let lines = Dictionary(rows.map { ($0.y0, $0.y1) }, uniquingKeysWith: max).sorted { $0.key < $1.key }
            (xs, xEnds) = (columns.map(\.key), columns.map(\.value))
            (ys, yEnds) = (lines.map(\.key), lines.map(\.value))
            cells = [UInt8](repeating: 0, count: columns.count * lines.count)
            let column = Dictionary(uniqueKeysWithValues: xs.enumerated().map { ($1, $0) })
            let line = Dictionary(uniqueKeysWithValues: ys.enumerated().map { ($1, $0) })
            for cell in rows { cells[line[cell.y0]! * columns.count + column[cell.x0]!] = cell.inside ? 1 : 2 }
        }
    }

    private let wards: [Ward]
    /// Each ward's box (its cells' bounds), side by side for a quick first test of every ward.
    private let boxes: [(x0: Double, y0: Double, x1: Double, y1: Double)]
    /// Every ward of the registry by id, polygon or not: the declared ward a flag names.
    private let names: [Int64: AdminUnit]
    private let lock = NSLock()
    /// The probes' connections, made as points need them; ward k asks on connection k % `connectionLimit`.
    /// SpatiaLite keeps the last two geometries it was asked about prepared (GEOS) per connection, and a
    /// point is one of them, so wards taking turns on one connection had their polygons converted to GEOS
    /// again for nearly every point (a quarter of a realistic import's reading thread); a connection per
    /// ward keeps each prepared, and the limit keeps a city's wards from opening hundreds.
    private var connections: [SpatiaLiteConnection?] = []
    static let connectionLimit = 64
    /// Points SpatiaLite was asked about (the others were answered by a cell).
    private(set) var asked = 0

    private init(wards: [Ward], names: [Int64: AdminUnit]) {
        self.wards = wards
        self.names = names
        for (k, ward) in wards.enumerated() { ward.index = k }
        boxes = wards.map { w in
            w.xs.isEmpty ? (-.infinity, -.infinity, .infinity, .infinity) : (w.xs[0], w.ys[0], w.xEnds.last!, w.yEnds.last!)
        }
    }

    static func load(_ db: Database) throws -> WardLocator {
        var names: [Int64: AdminUnit] = [:]
        var wards: [Int64: Ward] = [:]
        for boundary in try WardBoundary.fetchAll(db, sql: "SELECT \(AdminUnit.columns), geom FROM admin_units WHERE level = 'ward'") {
            names[boundary.unit.id] = boundary.unit
            if let geometry = boundary.geometry { wards[boundary.unit.id] = Ward(unit: boundary.unit, geometry: geometry.databaseValue) }
        }
        // Ward by ward (the index on admin_unit_id), so only one ward's cells are held as rows at a time.
        var cells: [(x0: Double, y0: Double, x1: Double, y1: Double, inside: Bool)] = []
        var current: Int64?
        func finish() {
            if let current, let ward = wards[current] { ward.setCells(cells) }
            cells.removeAll(keepingCapacity: true)
        }
        let cursor = try Row.fetchCursor(db, sql: "SELECT admin_unit_id, minx, miny, maxx, maxy, inside FROM ward_cells ORDER BY admin_unit_id")
        while let row = try cursor.next() {
            let id: Int64 = row[0]
            if id != current { finish() }
            current = id
            cells.append((row[1], row[2], row[3], row[4], row[5]))
        }
        finish()
        return WardLocator(wards: wards.values.sorted { $0.unit.id < $1.unit.id }, names: names)
    }

    var isEmpty: Bool { wards.isEmpty }

    /// The ids of the wards, of every period, whose polygon holds the point or has it on its edge.
    func wards(at lon: Double, _ lat: Double) -> [Int64] {
        guard lon.isFinite, lat.isFinite else { return [] }
        lock.lock()
        defer { lock.unlock() }
        var found: [Int64] = []
        for (k, b) in boxes.enumerated() where lon >= b.x0 && lon <= b.x1 && lat >= b.y0 && lat <= b.y1 {
            if contains(wards[k], lon, lat) { found.append(wards[k].unit.id) }
        }
        return found
    }

    private func contains(_ ward: Ward, _ lon: Double, _ lat: Double) -> Bool {
        guard !ward.xs.isEmpty else { return ask(ward, lon, lat) }  // a polygon without cells: SpatiaLite for every point
        // A point on a cell's side is in both cells; any cell the polygon covers decides. A point in
        // no cell of the ward is apart from it: every cell the polygon reaches has its row.
        let (i0, i1) = WardLocator.ranges(holding: lon, ward.xs, ward.xEnds)
        let (j0, j1) = WardLocator.ranges(holding: lat, ward.ys, ward.yEnds)
        guard i0 <= i1, j0 <= j1 else { return false }
        var crossed = false
        for j in j0...j1 {
            for i in i0...i1 {
                switch ward.cells[j * ward.xs.count + i] {
                case 1: return true
                case 2: crossed = true
                default: break
                }
            }
        }
        return crossed && ask(ward, lon, lat)
    }

    private func ask(_ ward: Ward, _ lon: Double, _ lat: Double) -> Bool {
        asked += 1
        if ward.probe == nil {
            if connections.isEmpty { connections = Array(repeating: nil, count: min(wards.count, WardLocator.connectionLimit)) }
            let k = ward.index % connections.count
            if connections[k] == nil { connections[k] = SpatiaLiteConnection() }
            if let connection = connections[k] { ward.probe = PolygonProbe(ward.geometry, on: connection) }
        }
        return ward.probe?.intersects(lon, lat) ?? false
    }

    /// The first and last index k of the closed ranges starts[k]...ends[k] (sorted, apart or sharing a
    /// bound) that hold `v`: two on a shared bound, none (first > last) when no range holds it.
    private static func ranges(holding v: Double, _ starts: [Double], _ ends: [Double]) -> (Int, Int) {
        var low = 0, high = starts.count  // the first range starting after v
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] <= v { low = middle + 1 } else { high = middle }
        }
        let k = low - 1
        guard k >= 0 else { return (0, -1) }
        let first = k > 0 && ends[k - 1] >= v ? k - 1 : k
        return (first, ends[k] >= v ? k : k - 1)
    }

    /// The ward with a polygon whose id is `id`.
    private func ward(id: Int64) -> Ward? {
        var low = 0, high = wards.count
        while low < high {
            let middle = (low + high) / 2
            if wards[middle].unit.id < id { low = middle + 1 } else { high = middle }
        }
        return low < wards.count && wards[low].unit.id == id ? wards[low] : nil
    }

    /// The flag `WardMembership.flag` would set for a unit with a point lying in `located` (the ids from
    /// `wards(at:)`), declaring `declared`, on `date` (its registration, or today): nil, or the reason.
    func flag(located: [Int64], declared: Int64?, on date: LocalDate) -> String? {
        // The ward of the date: the lowest code among those the point lies in, as SQLite orders text. The
        // located ids are the ids of `wards` (sorted by id): found there, without an array or a hash per unit.
        var found: Ward?
        for id in located {
            guard let w = ward(id: id), w.unit.isValid(on: date) else { continue }
            if let f = found, !w.unit.code.utf8.lexicographicallyPrecedes(f.unit.code.utf8) { continue }
            found = w
        }
        guard let ward = found?.unit else {
            let anyLoaded = wards.contains { $0.unit.isValid(on: date) }
            return anyLoaded ? "the location lies in no ward loaded for \(date)" : nil
        }
        guard let declared, !located.contains(declared), let d = names[declared] else { return nil }
        return "declared ward \(d.code) (\(d.name)) but the location is in \(ward.code) (\(ward.name)) on \(date)"
    }
}

/// A private in-memory SQLite connection with SpatiaLite, for asking SpatiaLite about geometries
/// from any thread while the registry's writer is busy. Used from one thread at a time.
final class SpatiaLiteConnection {
    fileprivate var handle: OpaquePointer?
    private let cache: UnsafeMutableRawPointer?

    /// Nil when SQLite cannot open it.
    init?() {
        guard sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let handle else {
            sqlite3_close(handle)  // a failed open may still have made a handle
            return nil
        }
        cache = SpatiaLite.load(on: handle)
    }

    deinit {
        sqlite3_close(handle)
        spatialite_cleanup_ex(cache)
    }
}

/// One polygon asked whether points touch it (SpatiaLite's `ST_Intersects`) on a SpatiaLite
/// connection. The polygon is bound to the statement once: each point costs two bound numbers and a
/// step. A connection whose probes ask one polygon many times in a row lets SpatiaLite keep it
/// prepared (GEOS): give each polygon asked about often its own connection. Used from one thread at a time.
final class PolygonProbe {
    private let connection: SpatiaLiteConnection
    private var statement: OpaquePointer?

    /// Nil when the statement cannot be prepared or `polygon` is not a geometry blob.
    init?(_ polygon: DatabaseValue, on connection: SpatiaLiteConnection) {
        self.connection = connection
        guard sqlite3_prepare_v2(connection.handle, "SELECT ST_Intersects(?1, MakePoint(?2, ?3, 4326))", -1, &statement, nil) == SQLITE_OK,
              case .blob(let blob) = polygon.storage else { return nil }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        _ = blob.withUnsafeBytes { sqlite3_bind_blob(statement, 1, $0.baseAddress, Int32($0.count), transient) }
    }

    deinit { sqlite3_finalize(statement) }

    /// SpatiaLite's answer; false when it has none (a NULL or an error).
    func intersects(_ lon: Double, _ lat: Double) -> Bool {
        sqlite3_bind_double(statement, 2, lon)
        sqlite3_bind_double(statement, 3, lat)
        defer { sqlite3_reset(statement) }
        return sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_type(statement, 0) == SQLITE_INTEGER
            && sqlite3_column_int(statement, 0) == 1
    }
}

/// A ward of any period with its boundary, a SpatiaLite geometry blob (nil for a ward loaded without one).
struct WardBoundary: Decodable, FetchableRecord {
    var unit: AdminUnit
    var geometry: Data?

    enum CodingKeys: String, CodingKey { case geometry = "geom" }

    init(from decoder: any Decoder) throws {
        unit = try AdminUnit(from: decoder)
        geometry = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Data.self, forKey: .geometry)
    }

    static let databaseColumnDecodingStrategy = AdminUnit.databaseColumnDecodingStrategy
}
