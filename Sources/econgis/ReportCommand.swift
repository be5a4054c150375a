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
        @Option(help: ArgumentHelp("Columns of a table or CSV, separated by commas (a table's default fits 120 columns; --format csv has all).", valueName: "names"))
        var columns: String?
        @Option(help: ArgumentHelp("Write to a file instead of standard output.", valueName: "path")) var output: String?
        @Flag(help: "Replace --output if it exists (never the database).") var overwrite = false

        func validate() throws {
            if period != nil && (from != nil || to != nil) { throw ValidationError("give --period or --from and --to, not both") }
            if period == nil && (from == nil || to == nil) { throw ValidationError("give --from DATE --to DATE, or --period 2026-H1|2026") }
            if by == .wardAndField { throw ValidationError("--by \(by.rawValue): expected ward, field or month") }
            if format == .geojson && by != .ward { throw ValidationError("--format geojson goes with --by ward") }
            if columns != nil && format != .table && format != .csv { throw ValidationError("--columns goes with --format table or csv") }
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
                    let (chosen, indices) = try ColumnChoice.shown(columns, available: ReportRows.columns(by), table: ReportRows.tableColumns(by),
                                                                   format: format == .csv ? .csv : .table)
                    var writer = try ListWriter(format: format == .csv ? .csv : .table, name: "report", columns: chosen, sink: sink)
                    for r in report.rows + [report.total] {
                        let values = ReportRows.values(r)
                        try writer.write(indices.map { values[$0] })
                    }
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
