import GeoJSON
import Registry

/// A report's rows as columns and JSON.
public enum ReportRows {
    public static let counts = ["inspections", "units", "instruments", "tests_passed", "tests_failed", "compliant", "with_violations", "violations",
                         "fines_recorded_vnd", "proposed_fine_min_vnd", "proposed_fine_max_vnd", "follow_ups_done", "follow_ups_open"]

    public static func columns(_ by: ReportGrouping) -> [String] { [by.rawValue] + counts }

    /// A table's: what fits 120 columns (`--columns` or CSV for the rest).
    public static func tableColumns(_ by: ReportGrouping) -> [String] {
        [by.rawValue, "inspections", "units", "tests_failed", "violations", "fines_recorded_vnd", "follow_ups_open"]
    }

    static func numbers(_ r: ReportRow) -> [Int] {
        [r.inspections, r.units, r.instruments, r.testsPassed, r.testsFailed, r.compliant, r.withViolations, r.violations,
         r.finesRecordedVND, r.proposedFineMinVND, r.proposedFineMaxVND, r.followUpsDone, r.followUpsOpen]
    }

    public static func values(_ r: ReportRow) -> [JSONValue] { [.string(r.group)] + numbers(r).map(JSONValue.int) }

    static func object(_ r: ReportRow, _ by: ReportGrouping) -> JSONValue {
        .object(zip(columns(by), values(r)).map { ($0, $1) })
    }

    /// Every ward in force during the period, with its row's counts (zero where nothing was inspected) and the
    /// share of inspections that found a violation.
    public static func wardLayer(_ report: InspectionReport, wards: [(key: String, validFrom: String, validTo: String?, boundary: Geometry?)]) -> String {
        let rows = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.group, $0) })
        let features = wards.map { w in
            let r = rows[w.key] ?? ReportRow(group: w.key)
            let share: JSONValue = r.inspections > 0 ? .double((Double(r.withViolations) / Double(r.inspections) * 1000).rounded() / 1000) : .null
            return Feature(geometry: w.boundary, properties: zip(columns(.ward), values(r)).map { ($0, $1) } + [
                ("valid_from", .string(w.validFrom)), ("valid_to", w.validTo.map(JSONValue.string) ?? .null), ("violation_share", share),
                ("period", .string(report.period.label)),
            ])
        }
        return GeoJSONWriter.string(features, name: "ward_summary")
    }

    public static func json(_ report: InspectionReport) -> JSONValue {
        .object([
            ("period", .object([("label", .string(report.period.label)), ("from", .string(report.period.from.description)),
                                ("to", .string(report.period.to.description))])),
            ("by", .string(report.grouping.rawValue)),
            ("rows", .array(report.rows.map { object($0, report.grouping) })),
            ("total", object(report.total, report.grouping)),
            ("violations_by_kind", .array(report.violationsByKind.map {
                .object([(report.grouping.rawValue, .string($0.group)), ("category", .string($0.category)), ("count", .int($0.count))])
            })),
        ])
    }
}
