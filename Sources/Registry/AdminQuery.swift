import GRDB
import GeoJSON

/// Read-only views of administrative units and rule tables.
public struct AdminQuery {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    public func wards(on date: LocalDate) throws -> Listing {
        try store.read { db in
            var l = Listing(name: "wards", columns: ["code", "name", "valid_from", "valid_to", "area_km2", "units", "predecessors"])
            let rows = try Row.fetchAll(db, sql: """
                SELECT w.id, w.code, w.name, w.valid_from, w.valid_to, ST_Area(w.geom, 1) / 1e6 AS area, AsGeoJSON(w.geom, 7) AS g,
                       (SELECT group_concat(p.name || ' (' || s.extent || ')', '; ') FROM admin_unit_successions s
                          JOIN admin_units p ON p.id = s.predecessor_id WHERE s.successor_id = w.id) AS predecessors
                FROM admin_units w
                WHERE w.level = 'ward' AND w.valid_from <= ? AND (w.valid_to IS NULL OR w.valid_to >= ?)
                ORDER BY w.code
                """, arguments: [date.description, date.description])
            let units = try UnitQuery(store: store).list(db, { var f = UnitFilter(); f.asOf = date; return f }())
            var counts: [String: Int] = [:]
            for u in units { if let w = u.ward { counts[w.code, default: 0] += 1 } }
            for row in rows {
                let area: Double? = row["area"]
                let geometry = (row["g"] as String?).flatMap { try? GeoJSONDecoding.geometry(JSONText.decode(Array($0.utf8))) }
                let code: String = row["code"]
                l.append([
                    .string(code), .string(row["name"]), .string(row["valid_from"]), .from(row["valid_to"] as String?),
                    .from(area.map { ($0 * 1000).rounded() / 1000 }), .int(counts[code] ?? 0), .from(row["predecessors"] as String?),
                ], geometry: geometry)
            }
            return l
        }
    }

    public func verificationRules(on date: LocalDate) throws -> Listing {
        try store.read { db in
            var l = Listing(name: "verification_rules", columns: ["instrument_type", "name_vi", "cycle_months", "valid_from", "valid_to", "confidence", "source"])
            for row in try Row.fetchAll(db, sql: """
                SELECT r.instrument_type, t.name_vi, r.cycle_months, r.valid_from, r.valid_to, r.confidence, r.source
                FROM verification_rules r JOIN instrument_types t ON t.code = r.instrument_type
                WHERE r.valid_from <= ? AND (r.valid_to IS NULL OR r.valid_to >= ?) ORDER BY r.instrument_type
                """, arguments: [date.description, date.description]) {
                l.append([.string(row["instrument_type"]), .string(row["name_vi"]), .int(row["cycle_months"]), .string(row["valid_from"]),
                          .from(row["valid_to"] as String?), .string(row["confidence"]), .string(row["source"])])
            }
            return l
        }
    }
}
