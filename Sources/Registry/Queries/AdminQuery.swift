import GRDB
import GeoJSON

/// A ward of one period with its boundary and how many units it held on the date asked.
public struct WardSummary: Sendable {
    public var ward: AdminUnit
    public var areaKm2: Double?
    public var units: Int
    /// "Phường 9 (whole); Phường 10 (part)": the wards it succeeded.
    public var predecessors: String?
    public var boundary: Geometry?

    /// The columns `wards(on:)` computes beside the ward's own.
    struct Counted: Decodable, FetchableRecord {
        var area: Double?
        var g: String?
        var predecessors: String?
        var units: Int
    }
}

/// Read-only views of administrative units and rule tables.
public struct AdminQuery: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// The wards valid on `date` with their unit counts (units registered by then whose point lies in
    /// the ward, or, without a point, that declared it): indexed counts on the stored membership.
    public func wards(on date: LocalDate, boundaries: Bool = true) throws -> [WardSummary] {
        try store.read { db in
            let d = date.description
            // Located units from the counts per registration day (WardUnitCounts), plus the units without
            // a point that declare the ward (partial index economic_units_unplaced).
            let rows = try Row.fetchAll(db, SQLRequest(literal: """
                SELECT w.id, w.code, w.name, w.level, w.valid_from, w.valid_to, ST_Area(w.geom, 1) / 1e6 AS area,
                       \(sql: boundaries ? "AsGeoJSON(w.geom, 7)" : "NULL") AS g,
                       (SELECT group_concat(p.name || ' (' || s.extent || ')', '; ') FROM admin_unit_successions s
                          JOIN admin_units p ON p.id = s.predecessor_id WHERE s.successor_id = w.id) AS predecessors,
                       \(WardUnitCounts.units(ward: "w.id", on: "\(d)"))
                       + (SELECT count(*) FROM economic_units u WHERE u.geom IS NULL AND u.declared_ward_id = w.id
                          AND (u.registered_on IS NULL OR u.registered_on <= \(d))) AS units
                FROM admin_units w
                WHERE w.level = 'ward' AND \(Period(date).contains("w"))
                ORDER BY w.code
                """))
            return try rows.map { row in
                let counted = try WardSummary.Counted(row: row)
                let ward = try AdminUnit(row: row)
                return WardSummary(
                    ward: ward, areaKm2: counted.area.map { ($0 * 1000).rounded() / 1000 },
                    units: counted.units, predecessors: counted.predecessors,
                    boundary: try counted.g.map { g in
                        do { return try GeoJSONDecoding.geometry(JSONText.decode(Array(g.utf8))) } catch {
                            throw RegistryError.database("ward \(ward.code) (\(ward.validFrom)): its boundary as SpatiaLite writes it is not GeoJSON (\(error))")
                        }
                    })
            }
        }
    }

    /// Verification cycles in force on `date`.
    public func verificationRules(on date: LocalDate) throws -> [VerificationCycle] {
        try store.read { db in
            try VerificationCycle.fetchAll(db, SQLRequest(literal: """
                SELECT r.instrument_type, t.name_vi AS type_name, r.cycle_months AS months, r.valid_from, r.valid_to, r.confidence, r.source
                FROM verification_rules r JOIN instrument_types t ON t.code = r.instrument_type
                WHERE \(Period(date).contains("r")) ORDER BY r.instrument_type
                """))
        }
    }
}
