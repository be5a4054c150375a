import Foundation
import GRDB

extension ReferenceLayerSource {
    /// The feature tables of a GeoPackage, read with SpatiaLite from the file opened read-only: columns typed by their
    /// declared SQL type, values checked against it, geometries kept as GeoPackage binary for `GeomFromGPB`.
    static func geoPackage(_ file: String, table: String?) throws -> [ReferenceLayerSource] {
        let queue: DatabaseQueue
        let tables: [Row]
        do {
            queue = try DatabaseQueue(path: file, configuration: SpatiaLite.configuration(readonly: true))
            tables = try queue.read { db in
                guard try db.tableExists("gpkg_geometry_columns") else { return [] }
                return try Row.fetchAll(db, sql: """
                    SELECT g.table_name, g.column_name, g.geometry_type_name, g.srs_id, s.organization, s.organization_coordsys_id
                    FROM gpkg_geometry_columns g JOIN gpkg_contents c ON c.table_name = g.table_name
                    LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
                    WHERE c.data_type = 'features' ORDER BY g.table_name
                    """)
            }
        } catch let error as DatabaseError {
            throw RegistryError.unreadable(file: file, reason: "not a GeoPackage SQLite can open: \(error.message ?? "\(error)")")
        }
        guard !tables.isEmpty else { throw RegistryError.unreadable(file: file, reason: "expected a GeoPackage with feature tables (gpkg_geometry_columns)") }
        let chosen = table.map { t in tables.filter { ($0["table_name"] as String) == t } } ?? tables
        guard !chosen.isEmpty else {
            throw RegistryError.invalidArgument(field: "table", value: table!, expected: "a feature table of \(file): "
                + tables.map { $0["table_name"] as String }.joined(separator: ", "))
        }
        return try chosen.map { try geoPackageTable(file, queue, $0) }
    }

    static func geoPackageTable(_ file: String, _ queue: DatabaseQueue, _ info: Row) throws -> ReferenceLayerSource {
        let table: String = info["table_name"], geometryColumn: String = info["column_name"]
        let organization = (info["organization"] as String?)?.uppercased(), code: Int? = info["organization_coordsys_id"]
        // Longitude/latitude (EPSG:4326, CRS84), or any EPSG CRS, brought to longitude/latitude as the layer is stored.
        let srid: Int
        if (organization == "OGC" && code == 84) || (organization == nil && (info["srs_id"] as Int?) == 4326) {
            srid = 4326
        } else if organization == "EPSG", let code, code > 0 {
            srid = code
        } else {
            throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file), field: "\(table).\(geometryColumn)",
                value: "\(organization ?? "srs"):\(code ?? info["srs_id"] ?? 0)",
                expected: "longitude/latitude coordinates (EPSG:4326 or CRS84) or an EPSG CRS; reproject the layer first, e.g. ogr2ogr -t_srs EPSG:4326")], file: file)
        }
        let described = try queue.read { try $0.columns(in: table) }
        let key = described.first { $0.primaryKeyIndex > 0 }?.name
        var columns: [ReferenceLayer.Column] = []
        for c in described where c.name != key && c.name != geometryColumn {
            try checkColumnName(c.name, file: file)
            guard let type = propertyType(declared: c.type) else {
                throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file), field: c.name, value: c.type,
                    expected: "a column of text, numbers, booleans, dates or date-times (a BLOB cannot be a GeoJSON property)")], file: file)
            }
            columns.append(.init(name: c.name, type: type))
        }
        let selected = ([key ?? "rowid", geometryColumn] + columns.map(\.name)).map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let sql = "SELECT \(selected) FROM \(table.quotedDatabaseIdentifier) ORDER BY 1"
        let typeName = (info["geometry_type_name"] as String).uppercased()
        return ReferenceLayerSource(sourceLayer: table, defaultName: table, geometryField: geometryColumn, geometryType: typeName, columns: columns,
                                    srid: srid) { body in
            try queue.read { db in
                let rows = try Row.fetchCursor(db, sql: sql)
                var number = 0
                while let row = try rows.next() {
                    number += 1
                    let id: Int64 = row[0]
                    let location = SourceLocation(file: file, feature: Int(id))
                    let geometry: ReferenceFeature.Geometry = (row[1] as Data?).map { .geoPackage($0) } ?? .none
                    let values = try columns.enumerated().map { i, c in try checked(row[i + 2], c, location) }
                    try body(ReferenceFeature(number: Int(id), id: id, geometry: geometry, values: values))
                }
            }
        }
    }

    /// The property type for a GeoPackage column's declared type; nil for BLOB.
    static func propertyType(declared: String) -> FeatureLayer.PropertyType? {
        let t = declared.uppercased()
        if t.hasPrefix("TEXT") || t.hasPrefix("VARCHAR") || t.hasPrefix("CHAR") || t.isEmpty { return .text }
        if ["INTEGER", "INT", "MEDIUMINT", "SMALLINT", "TINYINT", "BIGINT"].contains(t) { return .integer }
        if ["REAL", "FLOAT", "DOUBLE", "NUMERIC"].contains(t) { return .real }
        if t == "BOOLEAN" { return .boolean }
        if t == "DATE" { return .date }
        if t == "DATETIME" || t == "TIMESTAMP" { return .timestamp }
        return t.hasPrefix("BLOB") ? nil : .text
    }

    /// The value as the column's type stores it, or an error naming the feature, the field and the value.
    static func checked(_ value: DatabaseValue, _ column: ReferenceLayer.Column, _ location: SourceLocation) throws -> DatabaseValue {
        func refuse(_ expected: String) -> RegistryError {
            let shown: String = switch value.storage {
            case .blob(let d): "\(d.count) bytes"
            default: String(describing: value).trimmingCharacters(in: ["\""])
            }
            return .invalidInput([ValidationIssue(location, field: column.name, value: shown, expected: expected)], file: location.file)
        }
        switch (value.storage, column.type) {
        case (.null, _): return value
        case (.blob, _): throw refuse("a \(column.type.rawValue) value, not binary data")
        case (_, .text): return String.fromDatabaseValue(value)?.databaseValue ?? value
        case (.int64, .integer), (.int64, .real), (.double, .real): return value
        case (.double(let d), .integer) where d == d.rounded() && abs(d) < 9e15: return Int64(d).databaseValue
        case (.int64(let i), .boolean) where i == 0 || i == 1: return value
        case (.string(let s), .date) where LocalDate(iso: s) != nil: return value
        case (.string(let s), .timestamp) where isTimestamp(s): return value
        case (_, .integer): throw refuse("a whole number (the column is declared INTEGER)")
        case (_, .real): throw refuse("a number (the column is declared REAL)")
        case (_, .boolean): throw refuse("0 or 1 (the column is declared BOOLEAN)")
        case (_, .date): throw refuse("a date YYYY-MM-DD (the column is declared DATE)")
        case (_, .timestamp): throw refuse("a date-time such as 2025-07-01T08:00:00Z (the column is declared DATETIME)")
        }
    }
}
