import Foundation
import GeoJSON
import Registry

/// Rows with named columns and, optionally, a geometry per row: the one shape every list command
/// prints, in any of the output formats.
public struct Listing: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case table, json, csv, geojson
    }

    public var name: String
    public var columns: [String]
    public var rows: [[JSONValue]]
    public var geometries: [Geometry?]

    public init(name: String, columns: [String], rows: [[JSONValue]] = [], geometries: [Geometry?] = []) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.geometries = geometries
    }

    public mutating func append(_ row: [JSONValue], geometry: Geometry? = nil) {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
        geometries.append(geometry)
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .json:
            let objects = rows.map { row in JSONValue.object(Array(zip(columns, row))) }
            var out = "[\n"
            for (i, o) in objects.enumerated() {
                out += "  " + JSONText.encode(o) + (i < objects.count - 1 ? ",\n" : "\n")
            }
            return out + "]\n"
        case .csv:
            var out = ""
            let w = CSVWriter { out += $0 }
            w.write(columns)
            for row in rows { w.write(row.map { $0.text ?? "" }) }
            return out
        case .geojson:
            let features = zip(rows, geometries).map { row, g in
                Feature(geometry: g, properties: Array(zip(columns, row)).filter { $0.0 != "lon" && $0.0 != "lat" })
            }
            return GeoJSONWriter.string(features, name: name)
        case .table:
            return TableText(columns: columns, rows: rows).render()
        }
    }
}
