import GRDB
import GeoJSON

/// The dates a report covers: `--from/--to`, a half year ("2026-H1") or a year ("2026").
public struct ReportPeriod: Sendable, Hashable, CustomStringConvertible {
    public var from: LocalDate
    public var to: LocalDate
    public var label: String

    public init(from: LocalDate, to: LocalDate) throws {
        guard from <= to else { throw RegistryError.invalidArgument(field: "to", value: to.description, expected: "a date on or after the first day, \(from)") }
        self.from = from
        self.to = to
        label = "\(from) to \(to)"
    }

    /// "2026" (the year), "2026-H1" (January to June) or "2026-H2" (July to December).
    public init(parsing text: String) throws {
        let parts = text.uppercased().split(separator: "-")
        guard let year = parts.first.flatMap({ Int($0) }), parts[0].count == 4, (1900...9999).contains(year),
              parts.count == 1 || (parts.count == 2 && ["H1", "H2"].contains(parts[1])) else {
            throw RegistryError.invalidArgument(field: "period", value: text, expected: "a year (2026) or a half year (2026-H1, 2026-H2)")
        }
        let half = parts.count == 2 ? String(parts[1]) : nil
        from = LocalDate(year: year, month: half == "H2" ? 7 : 1, day: 1)!
        to = LocalDate(year: year, month: half == "H1" ? 6 : 12, day: half == "H1" ? 30 : 31)!
        label = text.uppercased()
    }

    public var description: String { label }
}

/// How a report's rows are grouped: by the ward an inspection's place lay in on its date, by field (scope; an
/// inspection of several fields counts in each), by month, or by ward and field (the HTML charts).
public enum ReportGrouping: String, CaseIterable, Sendable {
    case ward, field, month
    case wardAndField = "ward_and_field"
}

/// One row of a report: what the office did in one group over the period.
public struct ReportRow: Sendable, Hashable {
    public var group: String
    public var inspections = 0
    public var units = 0
    public var instruments = 0
    public var testsPassed = 0
    public var testsFailed = 0
    public var compliant = 0
    public var withViolations = 0
    public var violations = 0
    public var finesRecordedVND = 0
    public var proposedFineMinVND = 0
    public var proposedFineMaxVND = 0
    public var followUpsDone = 0
    public var followUpsOpen = 0

    /// An empty row: a group where nothing was inspected.
    public init(group: String) { self.group = group }
}

/// A report row is read from the inspections' counts; instruments and violations are counted by other
/// statements (`InstrumentCount`, `ViolationCount`) and added to it.
extension ReportRow: Decodable, FetchableRecord {
    enum CodingKeys: String, CodingKey {
        case group, inspections, units, testsPassed = "tests_passed", testsFailed = "tests_failed", compliant
        case withViolations = "with_violations"
    }
}

public struct InspectionReport: Sendable {
    public var period: ReportPeriod
    public var grouping: ReportGrouping
    public var rows: [ReportRow]
    public var total: ReportRow
    /// Violations by (group, category code), largest first within a group.
    public var violationsByKind: [(group: String, category: String, count: Int)]
}

/// Counts of finished inspections (done or closed) over a period, each in the ward of its place on its date.
public struct InspectionReportQuery: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    public func report(_ period: ReportPeriod, by grouping: ReportGrouping) throws -> InspectionReport {
        try store.read { db in
            let rows = try InspectionReportQuery.rows(db, period, grouping)
            let total = try InspectionReportQuery.rows(db, period, nil).first ?? ReportRow(group: "total")
            struct KindCount: Decodable, FetchableRecord { var g: String; var category: String; var n: Int }
            let kinds = try KindCount.fetchAll(db, sql: InspectionReportQuery.keyed(grouping) + """
                SELECT k.g, v.category, count(*) AS n FROM keyed k JOIN violations v ON v.inspection_id = k.id AND \(InspectionReportQuery.attributed)
                GROUP BY k.g, v.category ORDER BY k.g, n DESC, v.category
                """, arguments: [period.from.description, period.to.description]).map { ($0.g, $0.category, $0.n) }
            return InspectionReport(period: period, grouping: grouping, rows: rows, total: total, violationsByKind: kinds)
        }
    }

    /// The wards in force on some day of the period, by the report's key ("code name"), with their validity and
    /// boundary: the layer a per-ward summary is drawn on (wards of both sides of a reform overlap).
    public func wards(_ period: ReportPeriod) throws -> [(key: String, validFrom: String, validTo: String?, boundary: Geometry?)] {
        struct Ward: Decodable, FetchableRecord { var g: String; var validFrom: String; var validTo: String?; var geometry: String?
            static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase }
        return try store.read { db in
            try Ward.fetchAll(db, sql: """
                SELECT code || ' ' || name AS g, valid_from, valid_to, AsGeoJSON(geom, 7) AS geometry FROM admin_units
                WHERE level = 'ward' AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) ORDER BY code, valid_from
                """, arguments: [period.to.description, period.from.description]).map { ward in
                (ward.g, ward.validFrom, ward.validTo,
                 ward.geometry.flatMap { try? GeoJSONDecoding.geometry(JSONText.decode(Array($0.utf8))) })
            }
        }
    }

    /// The ward of an inspection's place on its date (a point on a shared edge takes the lower code; a unit
    /// without a point its declared ward if that ward existed then); its fields; its month.
    static func key(_ grouping: ReportGrouping?) -> String {
        let ward = """
            coalesce((SELECT a.code || ' ' || a.name FROM unit_wards m JOIN admin_units a ON a.id = m.admin_unit_id
                      WHERE m.unit_id = i.unit_id AND a.level = 'ward' AND \(Period.text("a", onColumn: "i.inspected_on"))
                      ORDER BY a.code LIMIT 1),
                     (SELECT a.code || ' ' || a.name FROM economic_units u JOIN admin_units a ON a.id = u.declared_ward_id
                      WHERE u.id = i.unit_id AND u.geom IS NULL AND \(Period.text("a", onColumn: "i.inspected_on"))),
                     '(no ward)')
            """
        switch grouping {
        case nil: return "'total'"
        case .ward?: return ward
        case .month?: return "substr(i.inspected_on, 1, 7)"
        case .field?: return "coalesce(s.scope, i.scope)"
        case .wardAndField?: return "(\(ward)) || ' | ' || coalesce(s.scope, i.scope)"
        }
    }

    /// `keyed(id, unit_id, outcome, g, f)`: the finished inspections of ?1..?2, one row per group they count in;
    /// `f` is the field of the row when grouping by field, else NULL.
    static func keyed(_ grouping: ReportGrouping?) -> String {
        let byField = grouping == .field || grouping == .wardAndField
        return """
        WITH keyed AS (
          SELECT DISTINCT i.id, i.unit_id, i.outcome, \(key(grouping)) AS g, \(byField ? "coalesce(s.scope, i.scope)" : "NULL") AS f
          FROM inspections i LEFT JOIN inspection_scopes s ON s.inspection_id = i.id
          WHERE i.status IN ('done', 'closed') AND i.inspected_on BETWEEN ?1 AND ?2
        )

        """
    }

    /// A violation counts in the field of its category (violation_categories.field) when rows are fields; an
    /// inspection of several fields does not count a price violation under metrology.
    static let attributed = """
        (k.f IS NULL OR coalesce((SELECT c.field FROM violation_categories c WHERE c.code = v.category), k.f) = k.f)
        """

    /// The rows of `grouping`, or the one total row when nil.
    static func rows(_ db: Database, _ period: ReportPeriod, _ grouping: ReportGrouping?) throws -> [ReportRow] {
        let arguments: StatementArguments = [period.from.description, period.to.description]
        var rows: [String: ReportRow] = [:]
        for row in try ReportRow.fetchAll(db, sql: keyed(grouping) + """
            SELECT k.g AS "group", count(*) AS inspections, count(DISTINCT k.unit_id) AS units,
                   sum(k.outcome = 'compliant') AS compliant, sum(k.outcome = 'violation') AS with_violations,
                   coalesce(sum((SELECT count(*) FROM inspection_tests t WHERE t.inspection_id = k.id AND t.verdict = 'pass')), 0) AS tests_passed,
                   coalesce(sum((SELECT count(*) FROM inspection_tests t WHERE t.inspection_id = k.id AND t.verdict = 'fail')), 0) AS tests_failed
            FROM keyed k GROUP BY k.g
            """, arguments: arguments) {
            rows[row.group] = row
        }
        struct InstrumentCount: Decodable, FetchableRecord { var g: String; var n: Int }
        for count in try InstrumentCount.fetchAll(db, sql: keyed(grouping) + """
            SELECT k.g, count(DISTINCT t.instrument_id) AS n FROM keyed k JOIN inspection_tests t ON t.inspection_id = k.id GROUP BY k.g
            """, arguments: arguments) {
            rows[count.g]?.instruments = count.n
        }
        struct ViolationCount: Decodable, FetchableRecord { var g: String; var n, fines, fmin, fmax, done, open: Int }
        for count in try ViolationCount.fetchAll(db, sql: keyed(grouping) + """
            SELECT k.g, count(*) AS n, coalesce(sum(v.fine_vnd), 0) AS fines, coalesce(sum(v.fine_min_vnd), 0) AS fmin,
                   coalesce(sum(v.fine_max_vnd), 0) AS fmax,
                   sum(v.follow_up_due IS NOT NULL AND v.resolved_on IS NOT NULL AND v.resolved_on <= ?2) AS done,
                   sum(v.follow_up_due IS NOT NULL AND (v.resolved_on IS NULL OR v.resolved_on > ?2)) AS open
            FROM keyed k JOIN violations v ON v.inspection_id = k.id AND \(attributed) GROUP BY k.g
            """, arguments: arguments) {
            rows[count.g]?.violations = count.n
            rows[count.g]?.finesRecordedVND = count.fines
            rows[count.g]?.proposedFineMinVND = count.fmin
            rows[count.g]?.proposedFineMaxVND = count.fmax
            rows[count.g]?.followUpsDone = count.done
            rows[count.g]?.followUpsOpen = count.open
        }
        return rows.values.sorted { $0.group < $1.group }
    }
}
