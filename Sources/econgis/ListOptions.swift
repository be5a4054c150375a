import ArgumentParser
import GeoJSON
import Output
import Registry

/// Paging, columns and count of the list commands (`units list`, `instruments list`, `due`, `wards`), parsed and checked once.
struct ListOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "At most this many rows.") var limit: Int?
    @Option(parsing: .unconditional, help: "Skip this many rows first.") var offset = 0
    @Option(help: ArgumentHelp("Start after this cursor (printed at the end of the previous page).", valueName: "cursor")) var after: String?
    @Option(help: ArgumentHelp("Columns to show, separated by commas (see --format csv for all).", valueName: "names")) var columns: String?
    @Flag(help: "Print only how many match.") var count = false

    /// A sort's keys for a help text: "a, b or c".
    static func keys<Key: CaseIterable & RawRepresentable>(_: Key.Type) -> String where Key.RawValue == String {
        let names = Key.allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    func validate() throws {
        if let l = limit, l <= 0 { throw ValidationError("--limit \(l): expected a positive number") }
        if offset < 0 { throw ValidationError("--offset \(offset): expected 0 or more") }
    }

    func page() throws -> PageRequest {
        try PageRequest(limit: limit, offset: offset, after: after.map { try PageCursor(encoded: $0) })
    }

    /// Runs a list command on `provider`: prints the count alone with --count; otherwise sorts by `sort` (keys
    /// separated by commas) and streams the page, each item written as `row` makes it (its values in `all`'s order,
    /// its geometry and its id), through `write`.
    func run<P: ListProvider>(_ provider: P, _ filter: P.Filter, sort: String?, _ out: EconGIS.OutputOptions, database: DatabaseOptions,
                              name: String, noun: String, all: [String], table: [String],
                              row: (P.Item) -> (values: [JSONValue], geometry: Geometry?, id: Int64)) throws {
        if count { return print(try provider.count(filter)) }
        let sorts = try sort.map { try Sorting<P.SortKey>.list(parsing: $0) } ?? []
        let page = try page()
        try write(out, database: database, name: name, noun: noun, all: all, table: table) { write in
            try provider.forEach(filter, sorts: sorts, page: page) { item in
                let r = row(item)
                try write(r.values, r.geometry, r.id)
            }
        }
    }

    /// Streams a list: `rows` hands each row (all columns, in `all`'s order, with its geometry and its id, which GeoJSON
    /// features carry) to the writer it is given and returns
    /// the next page's cursor; only the chosen columns (--columns, else `table` for a table, else all) are written.
    /// Ends with the count and the next cursor on standard error.
    func write(_ out: EconGIS.OutputOptions, database: DatabaseOptions, name: String, noun: String, all: [String], table: [String],
               _ rows: (_ write: ([JSONValue], Geometry?, Int64) throws -> Void) throws -> PageCursor?) throws {
        let (chosen, indices) = try ColumnChoice.shown(columns, available: all, table: table, format: out.format)
        var next: PageCursor?
        var written = 0
        try out.write(to: database) { sink in
            var writer = try ListWriter(format: out.format, name: name, columns: chosen, sink: sink)
            next = try rows { row, geometry, id in try writer.write(indices.map { row[$0] }, geometry: geometry, id: id) }
            written = writer.rowsWritten
            try writer.end()
        }
        if out.format == .table || next != nil {
            note("\(written) \(noun)\(written == 1 ? "" : "s")" + (next.map { "; next page: --after \($0.encoded)" } ?? ""))
        }
    }
}
