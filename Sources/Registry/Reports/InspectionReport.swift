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
        let parts = text.uppercased().split(separator: "-", omittingEmptySubsequences: false)  // "2026-" is no period
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

/// How a report's rows are grouped: by the ward an inspection's place lay in on its date, by field (an inspection
/// counts in each field it had in scope or found something in; each violation and test in its own field), by month,
/// or by ward and field (the HTML charts).
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

    /// The wards in force on some day of the period, by the report's key (`wardLabel`), with their validity and
    /// boundary: the layer a per-ward summary is drawn on (wards of both sides of a reform overlap).
    public func wards(_ period: ReportPeriod) throws -> [(key: String, validFrom: String, validTo: String?, boundary: Geometry?)] {
        struct Ward: Decodable, FetchableRecord { var g: String; var validFrom: String; var validTo: String?; var geometry: String?
            static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase }
        return try store.read { db in
            try Ward.fetchAll(db, sql: """
                SELECT \(InspectionReportQuery.wardLabel("w")) AS g, valid_from, valid_to, AsGeoJSON(geom, 7) AS geometry FROM admin_units w
                WHERE level = 'ward' AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to >= ?1) ORDER BY code, valid_from
                """, arguments: [period.from.description, period.to.description]).map { ward in
                (ward.g, ward.validFrom, ward.validTo,
                 ward.geometry.flatMap { try? GeoJSONDecoding.geometry(JSONText.decode(Array($0.utf8))) })
            }
        }
    }

    /// A ward as the report names it: "code name", and its days when another ward row of the same code and name
    /// is in force during the period ?1..?2 (a ward a reform enlarged under the same name is another ward), so that
    /// the two are two rows, each drawn on its own boundary. `a` is the admin_units alias.
    static func wardLabel(_ a: String) -> String {
        """
        \(a).code || ' ' || \(a).name || CASE WHEN EXISTS (
            SELECT 1 FROM admin_units o WHERE o.level = 'ward' AND o.code = \(a).code AND o.name = \(a).name AND o.id <> \(a).id
              AND o.valid_from <= ?2 AND (o.valid_to IS NULL OR o.valid_to >= ?1))
          THEN ' (' || \(a).valid_from || ' to ' || coalesce(\(a).valid_to, '') || ')' ELSE '' END
        """
    }

    /// The ward of an inspection's place on its date (a point on a shared edge takes the lower code; a unit
    /// without a point its declared ward if that ward existed then); its field; its month.
    static func key(_ grouping: ReportGrouping?) -> String {
        let ward = """
            coalesce((SELECT \(wardLabel("a")) FROM unit_wards m JOIN admin_units a ON a.id = m.admin_unit_id
                      WHERE m.unit_id = i.unit_id AND a.level = 'ward' AND \(Period.text("a", onColumn: "i.inspected_on"))
                      ORDER BY a.code LIMIT 1),
                     (SELECT \(wardLabel("a")) FROM economic_units u JOIN admin_units a ON a.id = u.declared_ward_id
                      WHERE u.id = i.unit_id AND u.geom IS NULL AND \(Period.text("a", onColumn: "i.inspected_on"))),
                     '(no ward)')
            """
        switch grouping {
        case nil: return "'total'"
        case .ward?: return ward
        case .month?: return "substr(i.inspected_on, 1, 7)"
        case .field?: return "fl.f"
        case .wardAndField?: return "(\(ward)) || ' | ' || fl.f"
        }
    }

    /// The field a violation belongs to: its category's (violation_categories.field), else the inspection's scope.
    static let violationField = """
        coalesce((SELECT c.field FROM violation_categories c WHERE c.code = v.category), (SELECT x.scope FROM inspections x WHERE x.id = v.inspection_id))
        """

    /// The field a test belongs to: pre-packaged quantity, or metrology (instruments, their papers and seals).
    static let testField = "CASE t.kind WHEN 'prepack' THEN 'quantity' ELSE 'metrology' END"

    /// `keyed(id, unit_id, outcome, g, f)`: the finished inspections of ?1..?2, one row per group they count in;
    /// `f` is the field of the row when grouping by field, else NULL. An inspection counts in each field it had in
    /// scope and in each field of its violations and tests (a label found missing during an origin check is a labels
    /// finding, counted there).
    static func keyed(_ grouping: ReportGrouping?) -> String {
        let byField = grouping == .field || grouping == .wardAndField
        let done = "SELECT * FROM inspections WHERE status IN ('done', 'closed') AND inspected_on BETWEEN ?1 AND ?2"
        guard byField else {
            return """
            WITH keyed AS (SELECT i.id, i.unit_id, i.outcome, \(key(grouping)) AS g, NULL AS f FROM (\(done)) i)

            """
        }
        return """
        WITH done AS (\(done)),
        fields (id, f) AS (
          SELECT s.inspection_id, s.scope FROM done i JOIN inspection_scopes s ON s.inspection_id = i.id
          UNION SELECT i.id, i.scope FROM done i WHERE NOT EXISTS (SELECT 1 FROM inspection_scopes s WHERE s.inspection_id = i.id)
          UNION SELECT i.id, \(violationField) FROM done i JOIN violations v ON v.inspection_id = i.id
          UNION SELECT i.id, \(testField) FROM done i JOIN inspection_tests t ON t.inspection_id = i.id),
        keyed AS (SELECT i.id, i.unit_id, i.outcome, \(key(grouping)) AS g, fl.f AS f FROM done i JOIN fields fl ON fl.id = i.id)

        """
    }

    /// A violation counts in its own field when rows are fields (`violationField`): in one row, whatever the
    /// inspection's other fields.
    static let attributed = "(k.f IS NULL OR \(violationField) = k.f)"

    /// A test counts in its own field when rows are fields (`testField`).
    static let testAttributed = "(k.f IS NULL OR \(testField) = k.f)"

    /// Whether the row's inspection found a violation in the row's field (rows of fields): a field row counts the
    /// inspection as compliant in that field or with violations in it.
    static let foundInField = "EXISTS (SELECT 1 FROM violations v WHERE v.inspection_id = k.id AND \(violationField) = k.f)"

    /// The rows of `grouping`, or the one total row when nil.
    static func rows(_ db: Database, _ period: ReportPeriod, _ grouping: ReportGrouping?) throws -> [ReportRow] {
        let arguments: StatementArguments = [period.from.description, period.to.description]
        var rows: [String: ReportRow] = [:]
        for row in try ReportRow.fetchAll(db, sql: keyed(grouping) + """
            SELECT k.g AS "group", count(*) AS inspections, count(DISTINCT k.unit_id) AS units,
                   sum(CASE WHEN k.f IS NULL THEN k.outcome = 'compliant' ELSE NOT \(foundInField) END) AS compliant,
                   sum(CASE WHEN k.f IS NULL THEN k.outcome = 'violation' ELSE \(foundInField) END) AS with_violations,
                   coalesce(sum((SELECT count(*) FROM inspection_tests t WHERE t.inspection_id = k.id AND t.verdict = 'pass' AND \(testAttributed))), 0) AS tests_passed,
                   coalesce(sum((SELECT count(*) FROM inspection_tests t WHERE t.inspection_id = k.id AND t.verdict = 'fail' AND \(testAttributed))), 0) AS tests_failed
            FROM keyed k GROUP BY k.g
            """, arguments: arguments) {
            rows[row.group] = row
        }
        struct InstrumentCount: Decodable, FetchableRecord { var g: String; var n: Int }
        for count in try InstrumentCount.fetchAll(db, sql: keyed(grouping) + """
            SELECT k.g, count(DISTINCT t.instrument_id) AS n FROM keyed k JOIN inspection_tests t ON t.inspection_id = k.id AND \(testAttributed)
            GROUP BY k.g
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
