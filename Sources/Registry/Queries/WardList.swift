import GRDB
import GeoJSON

/// The wards of a date (`WardFilter`).
public struct WardFilter: Sendable {
    public var asOf: LocalDate

    public init(asOf: LocalDate) { self.asOf = asOf }
}

/// What a ward list can be sorted by: its columns (`area_km2` the area, `units` the units it held on the date).
public enum WardSortKey: String, CaseIterable, Sendable {
    case code, name, valid_from, valid_to, area_km2, units, predecessors

    /// The key's value in a row `w` of the list's statement.
    var expression: SQL {
        switch self {
        case .area_km2: "w.area"
        default: SQL(sql: "w." + rawValue)
        }
    }
}

/// The wards valid on a date with their areas, predecessors and unit counts (units registered by then whose point lies
/// in the ward, or, without a point, that declared it): indexed counts on the stored membership, sorted and paged by
/// the database (a `ListProvider`).
public struct WardList: ListProvider {
    public let store: RegistryStore
    /// Whether items carry their boundaries (GeoJSON output).
    public var boundaries: Bool

    public init(store: RegistryStore, boundaries: Bool = false) {
        self.store = store
        self.boundaries = boundaries
    }

    @discardableResult
    public func forEach(_ filter: WardFilter, sorts: [Sorting<WardSortKey>], page: PageRequest = .all,
                        _ body: (WardSummary) throws -> Void) throws -> PageCursor? {
        let sort = KeysetSort(sorts.isEmpty ? [Sorting(WardSortKey.code)] : sorts, expression: \.expression, id: "w.id")
        try sort.check(page.after)
        return try store.read { db in
            // One row more than asked tells whether there is a next page.
            let rows = try Row.fetchCursor(db, SQLRequest<Row>(literal: """
                SELECT w.*\(sort.valueColumns) FROM (\(statement(filter))) w WHERE \(sort.condition(after: page.after))
                ORDER BY \(sort.orderBy)\(UnitStatement.limit(page, extra: 1))
                """))
            return try sort.walk(rows, page: page, item: WardList.summary, id: \.ward.id, body)
        }
    }

    public func count(_ filter: WardFilter) throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, SQLRequest<Int>(literal: "SELECT count(*) FROM admin_units w WHERE w.level = 'ward' AND \(Period(filter.asOf).contains("w"))"))!
        }
    }

    public func get(_ id: Int64, _ filter: WardFilter) throws -> WardSummary? {
        try store.read { db in
            try Row.fetchOne(db, SQLRequest<Row>(literal: "SELECT w.* FROM (\(statement(filter))) w WHERE w.id = \(id)")).map(WardList.summary)
        }
    }

    /// The wards of the date with their computed columns.
    func statement(_ filter: WardFilter) -> SQL {
        let d = filter.asOf.description
        // Located units from the counts per registration day (WardUnitCounts), plus the units without a point that
        // declare the ward (partial index economic_units_unplaced).
        return """
            SELECT w.id, w.code, w.name, w.level, w.valid_from, w.valid_to, round(ST_Area(w.geom, 1) / 1e6, 3) AS area,
                   \(sql: boundaries ? "AsGeoJSON(w.geom, 7)" : "NULL") AS g,
                   (SELECT group_concat(p.name || ' (' || s.extent || ')', '; ') FROM admin_unit_successions s
                      JOIN admin_units p ON p.id = s.predecessor_id WHERE s.successor_id = w.id) AS predecessors,
                   \(WardUnitCounts.units(ward: "w.id", on: "\(d)"))
                   + (SELECT count(*) FROM economic_units u WHERE u.geom IS NULL AND u.declared_ward_id = w.id
                      AND (u.registered_on IS NULL OR u.registered_on <= \(d))) AS units
            FROM admin_units w
            WHERE w.level = 'ward' AND \(Period(filter.asOf).contains("w"))
            """
    }

    static func summary(_ row: Row) throws -> WardSummary {
        let counted = try WardSummary.Counted(row: row)
        let ward = try AdminUnit(row: row)
        return WardSummary(
            ward: ward, areaKm2: counted.area, units: counted.units, predecessors: counted.predecessors,
            boundary: try counted.g.map { g in
                do { return try GeoJSONDecoding.geometry(JSONText.decode(Array(g.utf8))) } catch {
                    throw RegistryError.database("ward \(ward.code) (\(ward.validFrom)): its boundary as SpatiaLite writes it is not GeoJSON (\(error))")
                }
            })
    }
}
