import Foundation
import GRDB

/// One feature read from a file: its number in the file (for errors), its id, its geometry and its column values.
struct ReferenceFeature {
    enum Geometry { case none, geoPackage(Data), wkb(Data) }
    var number: Int
    var id: Int64
    var geometry: Geometry
    var values: [DatabaseValue]
}

/// One layer of a file, ready to be written: its columns with their types, and a walk over its features.
struct ReferenceLayerSource {
    var sourceLayer: String?
    var defaultName: String
    /// The geometry's name in the file, for errors.
    var geometryField: String
    var geometryType: String
    var columns: [ReferenceLayer.Column]
    /// The EPSG code of the geometries' CRS: 4326 for longitude/latitude, else a CRS they are brought from (through
    /// SpatiaLite's ST_Transform, with PROJ) as they are stored.
    var srid = 4326
    let walk: ((ReferenceFeature) throws -> Void) throws -> Void

    func forEach(_ body: (ReferenceFeature) throws -> Void) throws {
        try withoutActuallyEscaping(body) { try walk($0) }
    }

    /// The layers of a GeoPackage (each feature table, or `table`) or of a GeoJSON file (one).
    static func open(_ file: String, table: String?) throws -> [ReferenceLayerSource] {
        guard FileManager.default.isReadableFile(atPath: file) else { throw RegistryError.unreadable(file: file, reason: "no such readable file") }
        let lower = file.lowercased()
        if lower.hasSuffix(".gpkg") { return try geoPackage(file, table: table) }
        if [".geojson", ".json", ".geojsonl", ".geojsons"].contains(where: { lower.hasSuffix($0) }) {
            if let table { throw RegistryError.invalidArgument(field: "table", value: table, expected: "no table: a GeoJSON file holds one layer") }
            return [try geoJSON(file)]
        }
        throw RegistryError.unreadable(file: file, reason: "expected a GeoPackage (.gpkg) or GeoJSON (.geojson, .json) file")
    }

    /// Property names the server can write as JSON keys and SQL can name, other than the feature's own members.
    static func checkColumnName(_ name: String, file: String, feature: Int? = nil) throws {
        let reserved = ["id", "geometry", "spatial", "geom"]
        guard !name.isEmpty, !reserved.contains(name.lowercased()),
              !name.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }) else {
            throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file, feature: feature), field: name, value: name,
                expected: "a property name that is not empty, not id, geometry, geom or spatial (any case), without quotes, backslashes or control characters")], file: file)
        }
    }

    /// A timestamp as RFC 3339 or SQLite writes it: date, time to the minute or finer, optional zone.
    static func isTimestamp(_ s: String) -> Bool {
        LocalDate(iso: String(s.prefix(10))) != nil
            && s.wholeMatch(of: #/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?/#) != nil
    }
}
