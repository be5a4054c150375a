import Foundation
import GRDB

/// Adds the layers of a GeoPackage or GeoJSON file as reference layers, all in one transaction: a bad value
/// anywhere leaves the database exactly as it was, and the error names the file, the feature, the field, the value
/// and what was expected. Each layer gets a table `ref_<name>` with a SpatiaLite geometry (EPSG:4326) and spatial index.
public struct ReferenceLayerImport {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// Adds `file`'s layers: a GeoJSON file is one layer (named `name`, else after the file); a GeoPackage gives one
    /// layer per feature table (only `table` when given; `name` only when there is one), named after the table.
    @discardableResult
    public func add(file: String, name: String? = nil, table: String? = nil, now: Date) throws -> [ReferenceLayer] {
        let sources = try ReferenceLayerSource.open(file, table: table)
        if name != nil, sources.count > 1 {
            throw RegistryError.invalidArgument(field: "name", value: name!, expected: "one name for one layer, but \(file) has "
                + "\(sources.count) feature tables (\(sources.map { $0.sourceLayer ?? "" }.joined(separator: ", "))): choose one table, or let each keep its table's name")
        }
        let addedAt = RegistryStore.timestamp(now)
        return try store.write { db in
            try sources.map { source in
                let layerName = try ReferenceLayerImport.checkedName(name ?? source.defaultName, file: file, db)
                return try ReferenceLayerImport.write(source, name: layerName, file: file, addedAt: addedAt, db)
            }
        }
    }

    /// A name that can be a collection id and a table name, not the registry's, not taken.
    static func checkedName(_ name: String, file: String, _ db: Database) throws -> String {
        let allowed = name.utf8.count <= 60 && name.first.map { $0.isASCII && $0.isLetter } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        guard allowed else {
            throw RegistryError.invalidArgument(field: "name", value: name,
                                                expected: "a layer name of at most 60 ASCII letters, digits, _ and -, starting with a letter")
        }
        guard !ReferenceLayer.reservedNames.contains(name.lowercased()) else {
            throw RegistryError.invalidArgument(field: "name", value: name,
                                                expected: "a name other than the registry's own layers (" + ReferenceLayer.reservedNames.sorted().joined(separator: ", ") + ")")
        }
        if try ReferenceLayers.all(db).contains(where: { $0.name.lowercased() == name.lowercased() }) {
            throw RegistryError.invalidArgument(field: "name", value: name, expected: "a name no reference layer has yet (remove the old layer first to replace it)")
        }
        return name
    }

    static func write(_ source: ReferenceLayerSource, name: String, file: String, addedAt: String, _ db: Database) throws -> ReferenceLayer {
        let tableName = "ref_" + name.lowercased().replacingOccurrences(of: "-", with: "_")
        let table = tableName.quotedDatabaseIdentifier
        let columnsSQL = source.columns.map { "\($0.name.quotedDatabaseIdentifier) \(ReferenceLayerImport.sqlType($0.type))" }
        try db.execute(sql: "CREATE TABLE \(table) (\((["id INTEGER PRIMARY KEY"] + columnsSQL).joined(separator: ", ")))")
        guard try Int.fetchOne(db, sql: "SELECT AddGeometryColumn(?, 'geom', 4326, 'GEOMETRY', 'XY')", arguments: [tableName]) == 1,
              try Int.fetchOne(db, sql: "SELECT CreateSpatialIndex(?, 'geom')", arguments: [tableName]) == 1 else {
            throw RegistryError.database("SpatiaLite refused the geometry column or spatial index of \(tableName)")
        }
        let names = source.columns.map(\.name.quotedDatabaseIdentifier)
        let insert = try db.makeStatement(sql: "INSERT INTO \(table) (\((["id", "geom"] + names).joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: names.count + 2).joined(separator: ", ") + ")")
        // A layer in another CRS is brought to longitude/latitude by SpatiaLite (PROJ), its CRS's definition taken from
        // SpatiaLite's own EPSG table into the registry's spatial_ref_sys when it is not there yet.
        let srid = source.srid
        var lonLat: (SQL: String, crs: String) = ("?", "EPSG:4326")
        if srid != 4326 {
            var known = try Int.fetchOne(db, sql: "SELECT count(*) FROM spatial_ref_sys WHERE srid = ?", arguments: [srid]) ?? 0
            if known == 0 { known = try Int.fetchOne(db, sql: "SELECT InsertEpsgSrid(?)", arguments: [srid]) ?? 0 }
            guard known > 0 else {
                throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file), field: source.geometryField, value: "EPSG:\(srid)",
                    expected: "a CRS SpatiaLite knows (its EPSG table), or longitude/latitude; reproject the layer first, e.g. ogr2ogr -t_srs EPSG:4326")], file: file)
            }
            lonLat = ("ST_Transform(?, 4326)", "EPSG:\(srid)")
        }
        let fromGPB = try db.makeStatement(sql: "SELECT CastToXY(\(lonLat.SQL.replacingOccurrences(of: "?", with: "SetSRID(GeomFromGPB(?), \(srid))")))")
        let fromWKB = try db.makeStatement(sql: "SELECT CastToXY(\(lonLat.SQL.replacingOccurrences(of: "?", with: "GeomFromWKB(?, \(srid))")))")
        var count = 0
        try source.forEach { feature in
            var geometry: DatabaseValue = .null
            let where_ = SourceLocation(file: file, feature: feature.number)
            switch feature.geometry {
            case .none: break
            case .geoPackage(let blob), .wkb(let blob):
                let statement = if case .geoPackage = feature.geometry { fromGPB } else { fromWKB }
                geometry = try DatabaseValue.fetchOne(statement, arguments: [blob]) ?? .null
                guard !geometry.isNull else {
                    throw RegistryError.invalidInput([ValidationIssue(where_, field: source.geometryField, value: "\(blob.count) bytes",
                                                                      expected: "a geometry SpatiaLite can read (GeoPackage binary or WKB) in \(lonLat.crs)")], file: file)
                }
            }
            do {
                try insert.execute(arguments: StatementArguments([feature.id.databaseValue, geometry] + feature.values))
            } catch let error as DatabaseError {
                throw RegistryError.invalidInput([ValidationIssue(where_, field: error.message?.contains("UNIQUE") == true ? "id" : source.geometryField,
                                                                  value: "\(feature.id)", expected: "a feature the database accepts: \(error.message ?? "\(error)")")], file: file)
            }
            count += 1
        }
        let title = source.sourceLayer.map { "\($0) (\(URL(fileURLWithPath: file).lastPathComponent))" } ?? URL(fileURLWithPath: file).lastPathComponent
        try db.execute(sql: """
            INSERT INTO reference_layers (name, table_name, title, source_file, source_layer, geometry_type, geometry_name, feature_count, added_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [name, tableName, title, file, source.sourceLayer, source.geometryType, source.geometryField, count, addedAt])
        for (i, c) in source.columns.enumerated() {
            try db.execute(sql: "INSERT INTO reference_layer_columns (layer, position, name, type) VALUES (?, ?, ?, ?)",
                           arguments: [name, i + 1, c.name, c.type.rawValue])
        }
        return try ReferenceLayers.all(db).first { $0.name == name }!
    }

    static func sqlType(_ t: FeatureLayer.PropertyType) -> String {
        switch t {
        case .text, .date, .timestamp: "TEXT"
        case .integer, .boolean: "INTEGER"
        case .real: "REAL"
        }
    }
}
