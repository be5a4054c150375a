import ArgumentParser
import Foundation
import GeoJSON
import Output
import Registry

extension EconGIS {
    struct Wards: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "wards", abstract: "List the wards valid on a date, with how many units each holds.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Date (default: today).", valueName: "date")) var asOf: LocalDate?
        @Option(parsing: .unconditional, help: ArgumentHelp("""
            Keys separated by commas, the first sorting first (-units), each a column: \(ListOptions.keys(WardSortKey.self)); \
            prefix - for descending. Default: code.
            """, valueName: "key,…"))
        var sort: String?
        @OptionGroup var list: ListOptions
        @OptionGroup var out: OutputOptions

        func run() throws {
            let date = asOf ?? .today()
            let wards = WardList(store: try database.openForReading(), boundaries: out.format == .geojson)
            try list.run(wards, WardFilter(asOf: date), sort: sort, out, database: database, name: "wards", noun: "ward",
                         all: RegistryRows.wardColumns, table: RegistryRows.wardColumns) { w in
                (RegistryRows.ward(w), w.boundary, w.ward.id)
            }
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "due",
            abstract: "What needs a check: instruments expired, due soon, unknown or sealed, and re-inspections violations scheduled.",
            discussion: """
                A sealed instrument (sealed at an inspection, not yet released) is listed as sealed, whatever its verification \
                date. A violation's re-inspection is listed while it is open (not resolved by --as-of) and overdue or due \
                within --within days, with the instrument its failed test measured, if any.
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var filters: UnitFilterOptions
        @Option(help: "Days ahead that count as due.") var within = 30
        @Option(help: "Only instruments of these types (codes of instrument_types; repeatable).") var type: [String] = []
        @Option(help: "Only these states: expired, sealed, reinspection, due, unknown (repeatable).") var state: [DueItem.State] = []
        @Option(parsing: .unconditional, help: ArgumentHelp("""
            Keys separated by commas, the first sorting first (ward_code,-days_overdue): state (by urgency: expired, sealed, \
            reinspection, unknown, due), days_overdue, due_on, unit_code, unit_name, kind, ward_code, ward_name, address, \
            instrument_type, serial_no, last_verified_on or cycle_months; prefix - for descending. \
            Default: state,-days_overdue,unit_code,serial_no.
            """, valueName: "key,…"))
        var sort: String?
        @OptionGroup var list: ListOptions
        @OptionGroup var out: OutputOptions

        func validate() throws {
            if within < 0 || within > 3660 { throw ValidationError("--within \(within): expected 0 to 3660 days") }
        }

        func run() throws {
            var filter = DueFilter(units: try filters.filter())
            filter.within = within
            filter.types = type
            filter.states = state
            let due = DueList(store: try database.openForReading())
            if list.count { return print(try due.count(filter)) }
            let sorting = try sort.map { try Sorting<DueSortKey>.list(parsing: $0) } ?? []
            let page = try list.page()
            let (chosen, indices) = try ColumnChoice.shown(list.columns, available: RegistryRows.dueColumns, table: RegistryRows.dueTableColumns,
                                                           format: out.format)
            var next: PageCursor?
            try out.write(to: database) { sink in
                var writer = try ListWriter(format: out.format, name: "metrology_due", columns: chosen, sink: sink)
                next = try due.forEach(filter, sorts: sorting, page: page) { item in
                    let row = RegistryRows.due(item)
                    try writer.write(indices.map { row[$0] }, geometry: item.unit.location.map { .point($0) })
                }
                try writer.end()
            }
            let s = try due.summary(filter)
            let date = filter.units.asOf
            note("\(s.expired + s.sealed + s.due + s.unknown) instruments and \(s.reinspections) re-inspections at \(s.units) units need a check on \(date)"
                 + "\(filters.ward.map { " in ward \($0)" } ?? ""): \(s.expired) expired, \(s.sealed) sealed, \(s.due) due within \(within) days, "
                 + "\(s.unknown) unknown (of \(s.instruments) instruments); \(s.reinspections) re-inspections overdue or due within \(within) days"
                 + (next.map { "; next page: --after \($0.encoded)" } ?? ""))
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rules", abstract: "Show the verification cycles in force (editable data in verification_rules).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Date (default: today).", valueName: "date")) var asOf: LocalDate?
        @OptionGroup var out: OutputOptions

        func run() throws {
            let rules = try AdminQuery(store: database.openForReading()).verificationRules(on: asOf ?? .today())
            try out.write(to: database) { sink in
                var writer = try ListWriter(format: out.format, name: "verification_rules", columns: RegistryRows.ruleColumns, sink: sink)
                for r in rules { try writer.write(RegistryRows.rule(r)) }
                try writer.end()
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a layer for map tools: RFC 7946 GeoJSON, RFC 8142 GeoJSON sequences or CSV, streamed from the database.",
            discussion: """
                Layers: units (every unit of every kind and status unless filtered), markets (footprints), stalls, \
                instruments (with their last and next verification and state), due (the due list's instruments; its re-inspections, \
                which are visits rather than instruments, are in `econgis due`), wards (of --as-of) \
                and inspections (with the ward of their date). Features carry the ward's code and name for --as-of.
                ward-summary (--from, --to): the wards of --as-of (default --to) with the period's done and closed \
                inspections, pass/fail, violations, proposed fines and follow-ups, each inspection in the ward that holds \
                its unit's location on that day; date_wards names the wards they were in on their own dates.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "units, markets, stalls, instruments, due, wards, inspections or ward-summary.") var layer: ExportedLayer
        @OptionGroup var filters: UnitFilterOptions
        @Option(help: "Days ahead that count as due (layers due and instruments).") var within = 30
        @Option(help: ArgumentHelp("First day of the period (ward-summary).", valueName: "date")) var from: LocalDate?
        @Option(help: ArgumentHelp("Last day of the period (ward-summary).", valueName: "date")) var to: LocalDate?
        @Option(help: "geojson, geojsonseq or csv.") var format: FeatureWriter.Format = .geojson
        @Flag(help: "RFC 8142 record separators (0x1E) in geojsonseq.") var rs = false
        @Option(help: "Decimals of coordinates.") var precision = 7
        @Flag(help: "A bbox member on each feature.") var bboxMember = false
        @Option(help: ArgumentHelp("Write to a file instead of standard output; it appears only when complete.", valueName: "path")) var output: String?
        @Flag(help: "Replace --output if it exists (never the database).") var overwrite = false

        func validate() throws {
            if !(0...15).contains(precision) { throw ValidationError("--precision \(precision): expected 0 to 15 decimals") }
            if within < 0 || within > 3660 { throw ValidationError("--within \(within): expected 0 to 3660 days") }
            if rs && format != .geojsonseq { throw ValidationError("--rs goes with --format geojsonseq") }
            if layer == .wardSummary {
                guard let from, let to else { throw ValidationError("ward-summary: give the period with --from DATE --to DATE") }
                if to < from { throw ValidationError("--to \(to): expected a date on or after --from, \(from)") }
                if let given = filters.unitChoices.first {
                    throw ValidationError("\(given): ward-summary counts the inspections of every unit in each ward; it takes --from, --to and --as-of only")
                }
            } else if from != nil || to != nil {
                throw ValidationError("--from and --to go with the ward-summary layer")
            } else if layer == .registry(.wards), let given = filters.unitChoices.first {
                throw ValidationError("\(given): the wards layer holds every ward of --as-of; it takes --as-of only, no unit filter")
            }
        }

        func run() throws {
            var options = FeatureWriter.Options()
            options.format = format
            options.recordSeparator = rs
            options.precision = precision
            options.bboxMember = bboxMember
            let layers = FeatureLayers(store: try database.openForReading())
            let filter = try filters.filter()
            var written = 0
            let summary = try from.map { WardSummaryLayer(period: try ReportPeriod(from: $0, to: to!), asOf: filters.asOf) }
            try withOutput(output, overwrite: overwrite, protecting: database.files) { sink in
                var writer = FeatureWriter(options, sink: sink)
                if case .registry(let layer) = layer {
                    try layers.stream(layer, filter: filter, within: within, precision: precision, begin: { writer.begin($0) }) { try writer.write($0) }
                } else if let summary {
                    try layers.stream(summary, precision: precision, begin: { writer.begin($0) }) { try writer.write($0) }
                }
                try writer.end()
                written = writer.written
            }
            if output != nil { note("wrote \(written) \(layer.name) features to \(output!)") }
            if let summary, case let n = try summary.unplaced(layers.store), n > 0 {
                note("\(n) inspections of the period are in no ward of \(summary.asOf) (units without a location or a ward then): not in the layer")
            }
        }
    }
}

extension DueItem.State: ExpressibleByArgument {}
/// A layer `export` writes: one of the registry's, or the per-ward inspection summary of a period.
enum ExportedLayer: ExpressibleByArgument, Equatable {
    case registry(FeatureLayer)
    case wardSummary

    init?(argument: String) {
        if argument == "ward-summary" { self = .wardSummary } else if let l = FeatureLayer(rawValue: argument) { self = .registry(l) } else { return nil }
    }

    var name: String {
        switch self {
        case .registry(let l): l.rawValue
        case .wardSummary: WardSummaryLayer.name
        }
    }

    static var allValueStrings: [String] { FeatureLayer.allCases.map(\.rawValue) + ["ward-summary"] }
}
extension FeatureWriter.Format: ExpressibleByArgument {}
