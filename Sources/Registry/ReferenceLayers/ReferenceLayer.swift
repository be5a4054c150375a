import Foundation
import GRDB

/// A layer an office added beside the registry's own (roads, zoning, …), served read-only: its name is the
/// collection id, its columns the properties and queryables, its features in a table of its own.
public struct ReferenceLayer: Sendable, Hashable {
    public struct Column: Sendable, Hashable {
        public let name: String
        public let type: FeatureLayer.PropertyType

        public init(name: String, type: FeatureLayer.PropertyType) {
            self.name = name
            self.type = type
        }
    }

    public let name: String
    public let title: String
    public let sourceFile: String
    /// The GeoPackage table it came from; nil for GeoJSON.
    public let sourceLayer: String?
    /// POINT, LINESTRING, MULTIPOLYGON, … or GEOMETRY when the features mix types.
    public let geometryType: String
    /// The geometry's name in the file ("geom" in many GeoPackages), which filters written for the file use.
    public let geometryName: String
    public let featureCount: Int
    public let addedAt: String
    public let columns: [Column]
    /// The table holding the features: `id`, the columns, and the SpatiaLite geometry `geom` (EPSG:4326, spatial index).
    public let tableName: String

    public var properties: [FeatureLayer.Property] {
        columns.map { FeatureLayer.Property(name: $0.name, type: $0.type, sql: SQL(sql: "r." + $0.name.quotedDatabaseIdentifier)) }
    }

    public var isPoint: Bool { geometryType == "POINT" }

    /// The columns `datetime` selects on: `start` and `end` when the layer has both as dates or date-times, else its
    /// first date or date-time column (an instant); nil when it has no dates.
    public var temporalColumns: (start: String, end: String)? {
        let temporal = columns.filter { $0.type == .date || $0.type == .timestamp }.map(\.name)
        if temporal.contains("start") && temporal.contains("end") { return ("start", "end") }
        return temporal.first.map { ($0, $0) }
    }

    /// The statement in the query layer's shape (id, geometry, properties), plus `spatial`, the stored geometry,
    /// for filters: conditions on `f.spatial` reach the table's column and its spatial index.
    func query(precision: Int) -> FeatureLayer.Query {
        let table = tableName.quotedDatabaseIdentifier
        let columns = self.columns.map { "r.\($0.name.quotedDatabaseIdentifier) AS \($0.name.quotedDatabaseIdentifier)" }
        let geometry = isPoint ? "r.geom" : "AsGeoJSON(ST_ForcePolygonCCW(r.geom), \(precision))"
        let select = "SELECT r.id AS id, \(geometry) AS geometry, \((columns + ["r.geom AS spatial"]).joined(separator: ", ")) FROM \(table) r"
        return FeatureLayer.Query(source: .reference(name), properties: properties, geometry: isPoint ? .pointBlob : .geoJSONText,
                                  select: SQL(sql: select), order: "r.id", countSQL: SQL(sql: "SELECT count(*) FROM \(table)"))
    }

    /// Names a reference layer may not take: the registry's own collections.
    public static let reservedNames = Set(FeatureLayer.allCases.map(\.rawValue))
}

/// The reference layers of a registry: listing, removing (only layers added as reference layers), and pages.
public struct ReferenceLayers: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// Every reference layer, by name. An older database without the catalogue has none.
    public func all() throws -> [ReferenceLayer] {
        try store.read { db in try ReferenceLayers.all(db) }
    }

    static func all(_ db: Database) throws -> [ReferenceLayer] {
        guard try db.tableExists("reference_layers") else { return [] }
        var columns: [String: [ReferenceLayer.Column]] = [:]
        for column in try CatalogueColumn.fetchAll(db, sql: "SELECT layer, name, type FROM reference_layer_columns ORDER BY layer, position") {
            columns[column.layer, default: []].append(.init(name: column.name, type: FeatureLayer.PropertyType(rawValue: column.type) ?? .text))
        }
        return try CatalogueEntry.fetchAll(db, sql: "SELECT * FROM reference_layers ORDER BY name").map { entry in
            ReferenceLayer(name: entry.name, title: entry.title, sourceFile: entry.sourceFile, sourceLayer: entry.sourceLayer,
                           geometryType: entry.geometryType, geometryName: entry.geometryName, featureCount: entry.featureCount,
                           addedAt: entry.addedAt, columns: columns[entry.name] ?? [], tableName: entry.tableName)
        }
    }

    /// A row of the catalogue `reference_layers`; its columns come from `reference_layer_columns`.
    private struct CatalogueEntry: Decodable, FetchableRecord {
        var name, title, sourceFile: String
        var sourceLayer: String?
        var geometryType, geometryName: String
        var featureCount: Int
        var addedAt, tableName: String
        static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    private struct CatalogueColumn: Decodable, FetchableRecord {
        var layer, name, type: String
    }

    /// The first and last of the layer's dates (its temporal extent), nil when it has none.
    public func temporalExtent(_ layer: ReferenceLayer) throws -> (first: String?, last: String?)? {
        guard let (start, end) = layer.temporalColumns else { return nil }
        return try store.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT min(\(start.quotedDatabaseIdentifier)), max(\(end.quotedDatabaseIdentifier)) FROM \(layer.tableName.quotedDatabaseIdentifier)")
            return (row?[0], row?[1])
        }
    }

    /// The box around the layer's features, from its spatial index's boxes (single precision, rounded outwards),
    /// nil when it has no geometries.
    public func spatialExtent(_ layer: ReferenceLayer) throws -> BoundingBox? {
        try store.read { db in
            let index = "idx_\(layer.tableName)_geom".quotedDatabaseIdentifier
            guard let row = try Row.fetchOne(db, sql: "SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM \(index)"),
                  let x1 = row[0] as Double?, let y1 = row[1] as Double?, let x2 = row[2] as Double?, let y2 = row[3] as Double? else { return nil }
            return try? BoundingBox(minLon: x1, minLat: y1, maxLon: x2, maxLat: y2)
        }
    }

    /// Drops the layer's table, its spatial index and its catalogue rows, in one transaction. Only names in the
    /// catalogue can be removed: the registry's own tables are never touched.
    public func remove(_ name: String) throws {
        try store.write { db in
            guard let layer = try ReferenceLayers.all(db).first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw RegistryError.notFound(what: "reference layer", key: name,
                                             hint: "the reference layers are: " + (try ReferenceLayers.all(db).map(\.name).joined(separator: ", ")))
            }
            try db.execute(sql: "SELECT DisableSpatialIndex(?, 'geom')", arguments: [layer.tableName])
            try db.execute(sql: "DROP TABLE IF EXISTS " + "idx_\(layer.tableName)_geom".quotedDatabaseIdentifier)
            try db.execute(sql: "SELECT DiscardGeometryColumn(?, 'geom')", arguments: [layer.tableName])
            try db.execute(sql: "DROP TABLE " + layer.tableName.quotedDatabaseIdentifier)
            try db.execute(sql: "DELETE FROM reference_layers WHERE name = ?", arguments: [layer.name])
        }
    }
}
