/// What a collection lets a filter name: each queryable's SQL expression (written by the server, never by the
/// user) and its type. The translator refuses any other property name.
public struct CQL2Queryables: Sendable {
    public enum PropertyType: Hashable, Sendable {
        case string, number, integer, boolean
        /// ISO 8601 text `YYYY-MM-DD`; compared as text, so an index on the column serves comparisons.
        case date
        /// ISO 8601 text (`YYYY-MM-DDTHH:MM:SS[.fff][Z]`), compared through SQLite's `julianday()` (millisecond precision).
        case timestamp
        /// A SpatiaLite geometry in this SRID; literals are built in the same SRID.
        case geometry(srid: Int)
    }

    public struct Property: Hashable, Sendable {
        public var name: String
        /// The SQL expression that yields the value, such as `"name"` or `GeomFromGPB("geom")`.
        public var sql: String
        public var type: PropertyType

        public init(name: String, sql: String, type: PropertyType) {
            self.name = name
            self.sql = sql
            self.type = type
        }
    }

    public private(set) var properties: [Property]
    /// R*Tree indexes by geometry property name, used as a prefilter before the exact spatial predicate.
    public var spatialIndexes: [String: CQL2SpatialIndex]

    public init(_ properties: [Property], spatialIndexes: [String: CQL2SpatialIndex] = [:]) {
        self.properties = properties
        self.spatialIndexes = spatialIndexes
    }

    public subscript(name: String) -> Property? { properties.first { $0.name == name } }
}

/// An R*Tree over a geometry column's bounding boxes. For `S_*` predicates (except S_DISJOINT) between an indexed
/// property and a literal, the translator adds `key IN (SELECT id FROM rtree WHERE <boxes overlap>)`, which SQLite
/// answers from the index before GEOS runs the exact test.
public struct CQL2SpatialIndex: Hashable, Sendable {
    /// The R*Tree virtual table, unquoted.
    public var table: String
    /// The R*Tree's id column and box columns, unquoted.
    public var idColumn: String, minX: String, maxX: String, minY: String, maxY: String
    /// The SQL expression of the filtered table's row key that the R*Tree ids match (`"fid"`, `ROWID`).
    public var rowKey: String

    public init(table: String, idColumn: String, minX: String, maxX: String, minY: String, maxY: String, rowKey: String) {
        self.table = table
        self.idColumn = idColumn
        self.minX = minX
        self.maxX = maxX
        self.minY = minY
        self.maxY = maxY
        self.rowKey = rowKey
    }

    /// A GeoPackage's `rtree_<table>_<column>` (id, minx, maxx, miny, maxy).
    public static func geoPackage(table: String, geometryColumn: String, rowKey: String) -> CQL2SpatialIndex {
        CQL2SpatialIndex(table: "rtree_\(table)_\(geometryColumn)", idColumn: "id", minX: "minx", maxX: "maxx",
                         minY: "miny", maxY: "maxy", rowKey: rowKey)
    }

    /// SpatiaLite's `idx_<table>_<column>` (pkid, xmin, xmax, ymin, ymax), keyed by ROWID.
    public static func spatiaLite(table: String, geometryColumn: String, rowKey: String = "ROWID") -> CQL2SpatialIndex {
        CQL2SpatialIndex(table: "idx_\(table)_\(geometryColumn)", idColumn: "pkid", minX: "xmin", maxX: "xmax",
                         minY: "ymin", maxY: "ymax", rowKey: rowKey)
    }
}

/// A WHERE fragment with `?` placeholders and the values to bind to them, in order.
public struct CQL2SQL: Hashable, Sendable {
    public var sql: String
    public var arguments: [CQL2SQLValue]

    public init(sql: String, arguments: [CQL2SQLValue]) {
        self.sql = sql
        self.arguments = arguments
    }
}

/// A value bound to one `?`. Geometry literals are bound as WKT text inside `GeomFromText(?, srid)`.
public enum CQL2SQLValue: Hashable, Sendable {
    case text(String)
    case integer(Int64)
    case real(Double)
}

/// Quotes an SQL identifier: wraps it in double quotes and doubles any inside.
func quotedIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
