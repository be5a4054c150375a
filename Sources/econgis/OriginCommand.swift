import ArgumentParser
import Foundation
import GeoJSON
import Output
import Registry

extension EconGIS {
    struct ImportOrigin: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "origin",
            abstract: "Import a market's goods-origin log (one line per goods brought to a stall; upsert by stall, day, goods and supplier).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var input: RecordImportOptions

        func run() throws {
            let r = try GoodsOriginImport(store: database.open(), now: Date()).importEntries(path: input.file, options: input.options(label: "origin log"))
            EconGIS.report(r, what: "origin log entries")
        }
    }

    struct Origin: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "origin",
            abstract: "The goods-origin log of the markets: entries by market and stall, those with missing or doubtful origin.",
            subcommands: [List.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List log entries; --problem missing|doubtful for those whose origin is not given or cannot be traced.")
            @OptionGroup var database: DatabaseOptions
            @Option(help: "Only this market's stalls (its code).") var market: String?
            @Option(help: "Only this stall number (with --market).") var stall: String?
            @Option(help: ArgumentHelp("From this date.", valueName: "date")) var from: LocalDate?
            @Option(help: ArgumentHelp("Up to this date.", valueName: "date")) var to: LocalDate?
            @Option(help: "missing or doubtful (repeatable); default every entry.") var problem: [GoodsOriginEntry.Problem] = []
            @Option(help: ArgumentHelp("Columns to show, separated by commas (see --format csv for all).", valueName: "names")) var columns: String?
            @Option(help: "table, json or csv.") var format: Listing.Format = .table

            static let columns = ["market_code", "stall_no", "unit_code", "received_on", "goods", "quantity", "quantity_unit", "supplier",
                                  "origin_province", "traceability_code", "problem", "reason"]
            /// A table's: what fits 120 columns (the stall's code names its market and number).
            static let tableColumns = ["unit_code", "received_on", "goods", "quantity", "quantity_unit", "origin_province", "problem", "reason"]

            func validate() throws {
                if stall != nil && market == nil { throw ValidationError("--stall goes with --market") }
                if format == .geojson { throw ValidationError("--format geojson: expected table, json or csv") }
            }

            func run() throws {
                var filter = GoodsOriginFilter()
                filter.marketCode = market
                filter.stallNo = stall
                filter.from = from
                filter.to = to
                filter.problems = problem
                let query = GoodsOriginQuery(store: try database.openForReading())
                let (chosen, indices) = try ColumnChoice.shown(columns, available: List.columns, table: List.tableColumns, format: format)
                var entries = 0, missing = 0, doubtful = 0
                var stalls = Set<String>()
                try withStandardOutput { sink in
                    var writer = try ListWriter(format: format, name: "origin_log", columns: chosen, sink: sink)
                    try query.forEach(filter) { e in
                        func s(_ x: String?) -> JSONValue { x.map(JSONValue.string) ?? .null }
                        let row: [JSONValue] = [s(e.marketCode), s(e.stallNo), .string(e.unitCode), .string(e.receivedOn.description), .string(e.goods),
                                                e.quantity.map(JSONValue.double) ?? .null, s(e.quantityUnit), s(e.supplier), s(e.originProvince),
                                                s(e.traceabilityCode), s(e.problem?.rawValue), s(e.reason)]
                        try writer.write(indices.map { row[$0] })
                        entries += 1
                        stalls.insert(e.unitCode)
                        if e.problem == .missing { missing += 1 } else if e.problem == .doubtful { doubtful += 1 }
                    }
                    try writer.end()
                }
                note("\(entries) entries at \(stalls.count) stalls: \(missing) with missing origin, \(doubtful) doubtful")
            }
        }
    }
}

extension GoodsOriginEntry.Problem: ExpressibleByArgument {}
