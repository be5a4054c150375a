import GRDB
import GeoJSON

/// Point in polygon by even-odd ray casting, for code that places points itself (the demo generator,
/// a market's representative point). Which ward a unit lies in is SpatiaLite's to say (WardMembership).
public enum WardIndex {
    /// Whether the point lies inside an exterior ring and outside its holes, in any of the polygons.
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

/// Finds admin units in `admin_units`.
enum AdminUnitRecord {
    /// An admin unit from a row that has its columns (`AdminUnit.columns`); kept for WardCatalog's reading.
    static func adminUnit(_ row: Row) throws -> AdminUnit { try AdminUnit(row: row) }

    /// The admin unit with `code` valid on `date`, at any level.
    static func find(_ db: Database, code: String, on date: LocalDate, level: String? = nil) throws -> AdminUnit? {
        var sql: SQL = "SELECT \(sql: AdminUnit.columns) FROM admin_units WHERE code = \(code) AND \(Period(date).contains("admin_units"))"
        if let level { sql += " AND level = \(level)" }
        return try AdminUnit.fetchOne(db, SQLRequest(literal: sql))
    }
}
