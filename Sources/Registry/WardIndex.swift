import GRDB
import GeoJSON

/// Ward polygons of every period, held in memory for fast point-in-polygon on import and in lists.
/// Tests check its answers against SpatiaLite's ST_Contains on the real ward polygons.
public struct WardIndex: Sendable {
    struct Entry: Sendable {
        var unit: AdminUnit
        var polygons: [[[Position]]]
        var minX, minY, maxX, maxY: Double
    }

    private(set) var entries: [Entry]

    public var isEmpty: Bool { entries.isEmpty }

    /// Loads every ward that has a boundary.
    public static func load(_ db: Database) throws -> WardIndex {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, code, name, level, valid_from, valid_to, AsGeoJSON(geom) AS geojson
            FROM admin_units WHERE level = 'ward' AND geom IS NOT NULL ORDER BY valid_from, code
            """)
        var entries: [Entry] = []
        for row in rows {
            let unit = AdminUnitRecord.adminUnit(row)
            let text: String = row["geojson"]
            let value = try JSONText.decode(Array(text.utf8))
            guard let polys = try GeoJSONDecoding.geometry(value).polygons else { continue }
            let rings = polys.map { $0.map(\.positions) }
            let all = rings.flatMap { $0.flatMap { $0 } }
            entries.append(Entry(
                unit: unit, polygons: rings,
                minX: all.map(\.x).min()!, minY: all.map(\.y).min()!,
                maxX: all.map(\.x).max()!, maxY: all.map(\.y).max()!))
        }
        return WardIndex(entries: entries)
    }

    /// The wards valid on `date` that contain the point, best first. More than one means the
    /// boundaries overlap there; callers take the first (the lowest code) and may flag the rest.
    public func wards(containing lon: Double, _ lat: Double, on date: LocalDate) -> [AdminUnit] {
        entries.lazy
            .filter { $0.unit.isValid(on: date) && lon >= $0.minX && lon <= $0.maxX && lat >= $0.minY && lat <= $0.maxY }
            .filter { WardIndex.contains($0.polygons, lon, lat) }
            .map(\.unit)
            .sorted { $0.code < $1.code }
    }

    public func ward(containing lon: Double, _ lat: Double, on date: LocalDate) -> AdminUnit? {
        wards(containing: lon, lat, on: date).first
    }

    /// The ward with `code` valid on `date`.
    public func ward(code: String, on date: LocalDate) -> AdminUnit? {
        entries.first { $0.unit.code == code && $0.unit.isValid(on: date) }?.unit
    }

    public func wards(on date: LocalDate) -> [AdminUnit] {
        entries.map(\.unit).filter { $0.isValid(on: date) }
    }

    func entry(id: Int64) -> Entry? { entries.first { $0.unit.id == id } }

    /// Whether the ward with `id` contains the point.
    public func ward(id: Int64, contains lon: Double, _ lat: Double) -> Bool {
        guard let e = entry(id: id) else { return false }
        return lon >= e.minX && lon <= e.maxX && lat >= e.minY && lat <= e.maxY && WardIndex.contains(e.polygons, lon, lat)
    }

    /// Even-odd ray casting over every ring: inside an exterior ring and outside its holes.
    public static func contains(_ polygons: [[[Position]]], _ x: Double, _ y: Double) -> Bool {
        for rings in polygons {
            var inside = false
            for ring in rings {
                var j = ring.count - 1
                for i in 0..<ring.count {
                    let a = ring[i], b = ring[j]
                    if (a.y > y) != (b.y > y), x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x {
                        inside.toggle()
                    }
                    j = i
                }
            }
            if inside { return true }
        }
        return false
    }
}

/// Reads admin units from rows of `admin_units`.
enum AdminUnitRecord {
    static func adminUnit(_ row: Row) -> AdminUnit {
        AdminUnit(
            id: row["id"], code: row["code"], name: row["name"], level: row["level"],
            validFrom: LocalDate(iso: row["valid_from"])!,
            validTo: (row["valid_to"] as String?).flatMap(LocalDate.init(iso:)))
    }

    /// The admin unit with `code` valid on `date`, at any level.
    static func find(_ db: Database, code: String, on date: LocalDate, level: String? = nil) throws -> AdminUnit? {
        var sql = "SELECT id, code, name, level, valid_from, valid_to FROM admin_units WHERE code = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)"
        var args: StatementArguments = [code, date.description, date.description]
        if let level {
            sql += " AND level = ?"
            args += [level]
        }
        return try Row.fetchOne(db, sql: sql, arguments: args).map(adminUnit)
    }
}
