import CQL2
import Foundation
import GRDB
import Registry

/// The standard's test data, ne110m4cql2.gpkg, copied into a temporary directory and opened with SpatiaLite and
/// the casei/accenti functions registered as the server will register them.
struct ConformanceDatabase {
    let directory: URL
    let queue: DatabaseQueue

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cql2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("ne110m4cql2.gpkg").path
        try FileManager.default.copyItem(atPath: SharedConformance.folder.appendingPathComponent("ne110m4cql2.gpkg").path, toPath: path)
        queue = try DatabaseQueue(path: path, configuration: ConformanceDatabase.configuration())
    }

    /// SpatiaLite plus casei/accenti on every connection, as the server will configure its reader.
    static func configuration(readonly: Bool = true) -> Configuration {
        var config = SpatiaLite.configuration(readonly: readonly)
        config.prepareDatabase { db in
            for (name, fold) in CQL2TextFolding.sqlFunctions {
                db.add(function: DatabaseFunction(name, argumentCount: 1, pure: true) { values in
                    String.fromDatabaseValue(values[0]).map(fold)
                })
            }
        }
        return config
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Queryables from the table's columns: declared SQL types mapped to CQL2 types, the GeoPackage geometry read
    /// through GeomFromGPB, and (when asked) the GeoPackage R*Tree as a prefilter.
    func queryables(_ table: String, withIndex: Bool) throws -> CQL2Queryables {
        try queue.read { db in
            let geometry = try Row.fetchOne(db, sql: "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", arguments: [table])
            let geometryColumn: String? = geometry?["column_name"]
            var properties: [CQL2Queryables.Property] = []
            for column in try db.columns(in: table) {
                let quoted = "\"\(column.name.replacingOccurrences(of: "\"", with: "\"\""))\""
                if column.name == geometryColumn {
                    properties.append(.init(name: column.name, sql: "GeomFromGPB(\(quoted))", type: .geometry(srid: geometry!["srs_id"])))
                    continue
                }
                let declared = column.type.uppercased()
                let type: CQL2Queryables.PropertyType =
                    declared.hasPrefix("TEXT") ? .string
                    : declared == "INTEGER" || declared == "INT" || declared == "MEDIUMINT" ? .integer
                    : declared == "REAL" || declared == "FLOAT" || declared == "DOUBLE" ? .number
                    : declared == "BOOLEAN" ? .boolean
                    : declared == "DATE" ? .date
                    : declared == "DATETIME" ? .timestamp
                    : .string
                properties.append(.init(name: column.name, sql: quoted, type: type))
            }
            var indexes: [String: CQL2SpatialIndex] = [:]
            if withIndex, let geometryColumn {
                indexes[geometryColumn] = .geoPackage(table: table, geometryColumn: geometryColumn, rowKey: "\"fid\"")
            }
            return CQL2Queryables(properties, spatialIndexes: indexes)
        }
    }

    func count(_ sql: String) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: sql)! }
    }

    func count(_ table: String, _ sql: CQL2SQL) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(table)\" WHERE \(sql.sql)", arguments: sql.statementArguments)!
        }
    }
}

extension CQL2SQL {
    var statementArguments: StatementArguments {
        StatementArguments(arguments.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .text(let s): s
            case .integer(let i): i
            case .real(let d): d
            }
        })
    }
}
