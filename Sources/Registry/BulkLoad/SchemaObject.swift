import GRDB

/// A trigger or index as `sqlite_master` stores it: its name and the SQL that creates it again after a bulk load.
struct SchemaObject: Decodable, FetchableRecord {
    var name: String
    var sql: String
}

/// A geometry column SpatiaLite registered for a table, with the kind of its spatial index.
struct RegisteredGeometryColumn: Decodable, FetchableRecord {
    var column: String
    /// 0 none, 1 an R*Tree, 2 an MBR cache: only an R*Tree is kept up by the triggers a bulk load defers.
    var spatialIndex: Int
    var hasRTree: Bool { spatialIndex == 1 }

    enum CodingKeys: String, CodingKey {
        case column = "f_geometry_column"
        case spatialIndex = "spatial_index_enabled"
    }
}
