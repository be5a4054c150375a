import GRDB

/// A per-ward summary of the inspections of a period, for a choropleth map: the wards valid on `asOf` (default:
/// the period's last day) with their boundaries of that period, and the done and closed inspections of the
/// period counted in the ward that holds the unit's location (its declared ward when it has no point) on
/// `asOf`. Across a ward reform this puts earlier inspections in today's wards; `date_wards` names the wards
/// they were in on their dates.
public struct WardSummaryLayer: Sendable {
    public var period: ReportPeriod
    public var asOf: LocalDate

    public init(period: ReportPeriod, asOf: LocalDate? = nil) {
        self.period = period
        self.asOf = asOf ?? period.to
    }

    public static let name = "ward_summary"

    static func p(_ name: String, _ type: FeatureLayer.PropertyType, _ sql: SQL) -> FeatureLayer.Property { FeatureLayer.p(name, type, sql) }

    /// Each count reads the period's inspections (`base`) of the ward `w`.
    static let properties: [FeatureLayer.Property] = [
        p("code", .text, "w.code"), p("name", .text, "w.name"), p("valid_from", .date, "w.valid_from"), p("valid_to", .date, "w.valid_to"),
        p("inspections", .integer, "(SELECT count(*) FROM base b WHERE b.ward_id = w.id)"),
        p("units", .integer, "(SELECT count(DISTINCT b.unit_id) FROM base b WHERE b.ward_id = w.id)"),
        p("instruments", .integer, """
            (SELECT count(DISTINCT t.instrument_id) FROM base b JOIN inspection_tests t ON t.inspection_id = b.id WHERE b.ward_id = w.id)
            """),
        p("tests_passed", .integer, "(SELECT count(*) FROM base b JOIN inspection_tests t ON t.inspection_id = b.id WHERE b.ward_id = w.id AND t.verdict = 'pass')"),
        p("tests_failed", .integer, "(SELECT count(*) FROM base b JOIN inspection_tests t ON t.inspection_id = b.id WHERE b.ward_id = w.id AND t.verdict = 'fail')"),
        p("compliant", .integer, "(SELECT count(*) FROM base b WHERE b.ward_id = w.id AND b.outcome = 'compliant')"),
        p("with_violations", .integer, "(SELECT count(*) FROM base b WHERE b.ward_id = w.id AND b.outcome = 'violation')"),
        p("violations", .integer, "(SELECT count(*) FROM base b JOIN violations v ON v.inspection_id = b.id WHERE b.ward_id = w.id)"),
        p("fines_recorded_vnd", .integer, "(SELECT coalesce(sum(v.fine_vnd), 0) FROM base b JOIN violations v ON v.inspection_id = b.id WHERE b.ward_id = w.id)"),
        p("proposed_fine_min_vnd", .integer,
          "(SELECT coalesce(sum(v.fine_min_vnd), 0) FROM base b JOIN violations v ON v.inspection_id = b.id WHERE b.ward_id = w.id)"),
        p("proposed_fine_max_vnd", .integer,
          "(SELECT coalesce(sum(v.fine_max_vnd), 0) FROM base b JOIN violations v ON v.inspection_id = b.id WHERE b.ward_id = w.id)"),
        p("follow_ups_done", .integer, """
            (SELECT count(*) FROM base b JOIN violations v ON v.inspection_id = b.id
             WHERE b.ward_id = w.id AND v.follow_up_due IS NOT NULL AND v.resolved_on IS NOT NULL AND v.resolved_on <= b.period_to)
            """),
        p("follow_ups_open", .integer, """
            (SELECT count(*) FROM base b JOIN violations v ON v.inspection_id = b.id
             WHERE b.ward_id = w.id AND v.follow_up_due IS NOT NULL AND (v.resolved_on IS NULL OR v.resolved_on > b.period_to))
            """),
        p("date_wards", .text, """
            (SELECT group_concat(code, ' ') FROM (SELECT DISTINCT x.code FROM base b JOIN admin_units x ON x.id = b.date_ward_id
                                                  WHERE b.ward_id = w.id ORDER BY x.code))
            """),
    ]

    /// The period's done and closed inspections with the ward of `asOf` and the ward of their date.
    var base: SQL {
        """
        WITH base AS MATERIALIZED (
          SELECT i.id, i.unit_id, i.outcome, \(UnitStatement.wardId(on: asOf)) AS ward_id,
                 \(UnitStatement.wardId(onSQL: "i.inspected_on")) AS date_ward_id, \(period.to.description) AS period_to
          FROM inspections i JOIN economic_units u ON u.id = i.unit_id
          WHERE i.status IN ('done', 'closed') AND i.inspected_on BETWEEN \(period.from.description) AND \(period.to.description))
        """
    }

    public func query(_ db: Database, precision: Int = 7) throws -> FeatureLayer.Query {
        let properties = WardSummaryLayer.properties
        let columns = properties.map { "\($0.sql) AS \(SQL(sql: $0.name.quotedDatabaseIdentifier))" as SQL }
        let wards: SQL = "admin_units w WHERE w.level = 'ward' AND \(Period(asOf).contains("w"))"
        let select: SQL = """
            \(base) SELECT w.id AS id, AsGeoJSON(ST_ForcePolygonCCW(w.geom), \(precision)) AS geometry, \(columns.joined(separator: ", "))
            FROM \(wards)
            """
        return FeatureLayer.Query(source: .registry(.wards), properties: properties, geometry: .geoJSONText, select: select, order: "w.code",
                                  countSQL: "SELECT count(*) FROM \(wards)", name: WardSummaryLayer.name)
    }

    /// How many of the period's done and closed inspections lie in no ward of `asOf` (units without a place then).
    public func unplaced(_ store: RegistryStore) throws -> Int {
        try store.read { db in try Int.fetchOne(db, SQLRequest<Int>(literal: "\(base) SELECT count(*) FROM base WHERE ward_id IS NULL")) ?? 0 }
    }
}

extension FeatureLayers {
    /// Streams the ward summary as FeatureLayers.stream streams a layer.
    public func stream(_ summary: WardSummaryLayer, precision: Int = 7, begin: (FeatureLayer.Query) throws -> Void,
                       _ body: (RawRow) throws -> Void) throws {
        try store.read { db in
            let q = try summary.query(db, precision: precision)
            try begin(q)
            try RawRow.forEach(db, q.sql, body)
        }
    }
}
