import ArgumentParser
import Foundation
import GeoJSON
import Output
import Registry

extension EconGIS {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "What the inspections did over a period, by ward, field or month: for the six-month and annual reports.",
            discussion: """
                Counts finished inspections (done or closed) dated in the period, each in the ward its place lay in on its \
                date; by field an inspection counts in each field it had in scope or found something in (the total counts it \
                once), each violation and test in its own field. CSV is UTF-8 with \
                a byte order mark so that Excel keeps Vietnamese; HTML is one printable page with a bar chart per field.
                """)
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, html, geojson }

        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("First day.", valueName: "date")) var from: LocalDate?
        @Option(help: ArgumentHelp("Last day.", valueName: "date")) var to: LocalDate?
        @Option(help: ArgumentHelp("A year (2026) or half year (2026-H1, 2026-H2) instead of --from/--to.", valueName: "period")) var period: String?
        @Option(help: "ward, field or month.") var by: ReportGrouping = .ward
        @Option(help: "table, csv, json, html, or geojson (with --by ward: the wards' polygons with the counts, for a choropleth).") var format: Format = .table
        @Option(help: ArgumentHelp("Write to a file instead of standard output.", valueName: "path")) var output: String?
        @Flag(help: "Replace --output if it exists (never the database).") var overwrite = false

        func validate() throws {
            if period != nil && (from != nil || to != nil) { throw ValidationError("give --period or --from and --to, not both") }
            if period == nil && (from == nil || to == nil) { throw ValidationError("give --from DATE --to DATE, or --period 2026-H1|2026") }
            if by == .wardAndField { throw ValidationError("--by \(by.rawValue): expected ward, field or month") }
            if format == .geojson && by != .ward { throw ValidationError("--format geojson goes with --by ward") }
        }

        func run() throws {
            let p = try withFlags(["to": "--to", "period": "--period"]) {
                try period.map { try ReportPeriod(parsing: $0) } ?? ReportPeriod(from: from!, to: to!)
            }
            let query = InspectionReportQuery(store: try database.openForReading())
            let report = try query.report(p, by: by)
            switch format {
            case .json: try econgis.output(JSONText.encode(ReportRows.json(report)) + "\n", to: output, overwrite: overwrite, protecting: database.files)
            case .html: try econgis.output(ReportHTML.page(report, byWardAndField: try query.report(p, by: .wardAndField)), to: output, overwrite: overwrite, protecting: database.files)
            case .geojson: try econgis.output(ReportRows.wardLayer(report, wards: try query.wards(p)), to: output, overwrite: overwrite, protecting: database.files)
            case .table, .csv:
                try withOutput(output, overwrite: overwrite, protecting: database.files) { sink in
                    if format == .csv { sink.append("\u{FEFF}") }
                    var writer = try ListWriter(format: format == .csv ? .csv : .table, name: "report", columns: ReportRows.columns(by), sink: sink)
                    for r in report.rows + [report.total] { try writer.write(ReportRows.values(r)) }
                    try writer.end()
                    guard format == .table, !report.violationsByKind.isEmpty else { return }
                    sink.append("\nViolations by kind\n")
                    var kinds = try ListWriter(format: .table, name: "violations_by_kind", columns: [by.rawValue, "category", "count"], sink: sink)
                    for k in report.violationsByKind { try kinds.write([.string(k.group), .string(k.category), .int(k.count)]) }
                    try kinds.end()
                }
            }
            if format == .table {
                note("\(p): \(report.total.inspections) inspections of \(report.total.units) units, \(report.total.violations) violations")
            }
        }
    }
}

extension ReportGrouping: ExpressibleByArgument {}

/// A report's rows as columns and JSON.
enum ReportRows {
    static let counts = ["inspections", "units", "instruments", "tests_passed", "tests_failed", "compliant", "with_violations", "violations",
                         "fines_recorded_vnd", "proposed_fine_min_vnd", "proposed_fine_max_vnd", "follow_ups_done", "follow_ups_open"]

    static func columns(_ by: ReportGrouping) -> [String] { [by.rawValue] + counts }

    static func numbers(_ r: ReportRow) -> [Int] {
        [r.inspections, r.units, r.instruments, r.testsPassed, r.testsFailed, r.compliant, r.withViolations, r.violations,
         r.finesRecordedVND, r.proposedFineMinVND, r.proposedFineMaxVND, r.followUpsDone, r.followUpsOpen]
    }

    static func values(_ r: ReportRow) -> [JSONValue] { [.string(r.group)] + numbers(r).map(JSONValue.int) }

    static func object(_ r: ReportRow, _ by: ReportGrouping) -> JSONValue {
        .object(zip(columns(by), values(r)).map { ($0, $1) })
    }

    /// Every ward in force during the period, with its row's counts (zero where nothing was inspected) and the
    /// share of inspections that found a violation.
    static func wardLayer(_ report: InspectionReport, wards: [(key: String, validFrom: String, validTo: String?, boundary: Geometry?)]) -> String {
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

    static func json(_ report: InspectionReport) -> JSONValue {
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
