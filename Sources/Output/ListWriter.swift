import Foundation
import GeoJSON
import Registry

/// Writes a list row by row in any of the list formats, each as the rows come: memory stays flat whatever the
/// length. A table is for people: it is laid out from its first rows (`TableText.sampleRows`), all of them when fewer.
public struct ListWriter {
    public let format: Listing.Format
    let name: String
    let columns: [String]
    let sink: ByteSink
    private var count = 0
    /// A table's first rows, until its layout is made from them.
    private var table: [[JSONValue]] = []
    private var layout: TableText.Layout?
    private var geojson: GeoJSONWriter?
    private var pending = ""

    public init(format: Listing.Format, name: String, columns: [String], sink: ByteSink) throws {
        self.format = format
        self.name = name
        self.columns = columns
        self.sink = sink
        switch format {
        case .csv: sink.append(columns.map(CSVWriter.escape).joined(separator: ",") + "\n")
        case .json: sink.append("[\n")
        case .geojson:
            var w = GeoJSONWriter { [sink] text in sink.append(text) }
            try w.begin(name: name)
            geojson = w
        case .table: break
        }
    }

    public var rowsWritten: Int { count }

    /// `id` is the feature's in GeoJSON (the unit's or the instrument's id, as `export` writes it).
    public mutating func write(_ row: [JSONValue], geometry: Geometry? = nil, id: Int64? = nil) throws {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        switch format {
        case .csv:
            for (i, cell) in row.enumerated() {
                if i > 0 { sink.append(0x2C) }
                if let text = cell.text { ListWriter.appendCSVField(text, to: sink) }
            }
            sink.append(0x0A)
        case .json:
            sink.append((count > 0 ? ",\n  " : "  ") + JSONText.encode(.object(Array(zip(columns, row)))))
        case .geojson:
            try geojson!.write(Feature(id: id.map { .number(Double($0)) }, geometry: geometry,
                                       properties: Array(zip(columns, row)).filter { $0.0 != "lon" && $0.0 != "lat" }))
        case .table:
            if let layout {
                sink.append(layout.lines(row))
            } else {
                table.append(row)
                if table.count == TableText.sampleRows { startTable() }
            }
        }
        count += 1
        try sink.recordDone()
    }

    /// A CSV field as CSVWriter.escape writes it (quoted when it holds a comma, quote, line break or
    /// semicolon), straight into the sink from its UTF-8 bytes: escaping by Character was a quarter of
    /// a long list's time.
    static func appendCSVField(_ text: String, to sink: ByteSink) {
        var text = text
        text.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D || $0 == 0x3B }) else {
                return sink.append(bytes)
            }
            sink.append(0x22)
            for b in bytes {
                if b == 0x22 { sink.append(0x22) }
                sink.append(b)
            }
            sink.append(0x22)
        }
    }

    /// Lays the table out from the rows held, and writes its head and those rows.
    private mutating func startTable() {
        let layout = TableText.Layout(columns: columns, sample: table)
        sink.append(layout.header())
        for row in table { sink.append(layout.lines(row)) }
        table = []
        self.layout = layout
    }

    public mutating func end() throws {
        switch format {
        case .csv: break
        case .json: sink.append(count > 0 ? "\n]\n" : "]\n")
        case .geojson: try geojson!.end()
        case .table: if layout == nil { startTable() }
        }
        try sink.flush()
    }
}

/// A choice of columns by name (`--columns code,name,ward_code`), checked against those on offer.
public struct ColumnChoice: Sendable {
    public var names: [String]

    public init(parsing text: String, available: [String]) throws {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else {
            throw RegistryError.invalidArgument(field: "columns", value: text, expected: "column names separated by commas: " + available.joined(separator: ", "))
        }
        if let bad = names.first(where: { !available.contains($0) }) {
            throw RegistryError.invalidArgument(field: "columns", value: bad, expected: "one of " + available.joined(separator: ", "))
        }
        self.names = names
    }

    /// Positions of the chosen columns in `all`.
    public func indices(in all: [String]) -> [Int] { names.map { all.firstIndex(of: $0)! } }

    /// The columns a list shows: those named (`--columns`), else `table` for a table (what fits a terminal of 120
    /// columns), else all of them; with each one's position in `all`.
    public static func shown(_ text: String?, available all: [String], table: [String], format: Listing.Format) throws -> (names: [String], indices: [Int]) {
        let names = try text.map { try ColumnChoice(parsing: $0, available: all).names } ?? (format == .table ? table : all)
        return (names, names.map { all.firstIndex(of: $0)! })
    }
}
