import CQL2
import Foundation
import Registry

/// One collection of the API: a registry layer or a reference layer an office added, with a title, a description
/// and the queryables its filters may name.
struct Collection: Sendable {
    enum Source: Sendable {
        case registry(FeatureLayer)
        case reference(ReferenceLayer)
    }

    let source: Source
    let id: String
    let title: String
    let description: String
    let properties: [FeatureLayer.Property]
    /// The properties' names, made once rather than per request.
    let propertyNames: Set<String>

    init(layer: FeatureLayer, title: String, description: String) {
        source = .registry(layer)
        id = layer.rawValue
        (self.title, self.description, properties) = (title, description, layer.properties)
        propertyNames = Set(layer.properties.map { $0.name })
    }

    init(reference r: ReferenceLayer) {
        source = .reference(r)
        id = r.name
        title = r.title
        description = "Reference layer from \(URL(fileURLWithPath: r.sourceFile).lastPathComponent)\(r.sourceLayer.map { " (\($0))" } ?? ""), "
            + "added \(r.addedAt): \(r.featureCount) features (\(r.geometryType)), read-only."
        properties = r.properties
        propertyNames = Set(r.properties.map { $0.name })
    }

    /// First and last date of a reference layer's features, for the collection's temporal extent.
    var temporalExtent: (first: String?, last: String?)?
    /// The box around a reference layer's features (the registry's layers share the registry's area).
    var spatialExtent: BoundingBox?

    /// What `datetime` intervals compare with: a reference layer's dates, an inspection's day; nil where datetime
    /// only says which day the registry is read on.
    var temporalProperty: CQL2Expression? {
        if layer == .inspections { return .property("inspected_on") }
        guard let (start, end) = reference?.temporalColumns else { return nil }
        return start == end ? .property(start) : .interval(.property(start), .property(end))
    }

    /// The registry layer, nil for a reference layer.
    var layer: FeatureLayer? { if case .registry(let l) = source { l } else { nil } }
    var reference: ReferenceLayer? { if case .reference(let r) = source { r } else { nil } }
    /// Whether the layer's rows are the registry's units, so the unit filter (kind, status, search, bbox index) applies.
    var isUnitBased: Bool { layer != nil && layer != .wards }
    var geometryIsPoint: Bool {
        switch source {
        case .registry(let l): l != .wards && l != .markets
        case .reference(let r): r.isPoint
        }
    }

    static let registry: [Collection] = [
        Collection(layer: .units, title: "Economic units",
                   description: "Every registered business, branch, household business, cooperative, market and stall, with its ward on the date asked (datetime, default today); kind and status filter them."),
        Collection(layer: .markets, title: "Markets", description: "Markets: their footprint where surveyed, else their point."),
        Collection(layer: .stalls, title: "Market stalls", description: "Stalls with their market code, stall number and zone."),
        Collection(layer: .instruments, title: "Measuring instruments",
                   description: "Measuring instruments of active and suspended units with their verification cycle, due date and state on the date asked."),
        Collection(layer: .due, title: "Instruments due for verification",
                   description: "Instruments whose verification has expired, is unknown, or falls due within 30 days of the date asked."),
        Collection(layer: .wards, title: "Wards",
                   description: "Ward boundaries valid on the date asked (datetime selects the period: before 2025-07-01 the old wards, after the merged ones)."),
        Collection(layer: .inspections, title: "Inspections", description: "Inspections up to the date asked, at their unit's location, with violations and fines."),
    ]

    /// The geometry as SQL on the selection's columns: a SpatiaLite point, the stored geometry of a reference layer,
    /// or the GeoJSON text read back.
    var geometrySQL: String {
        reference != nil ? "f.spatial" : geometryIsPoint ? "f.geometry" : "SetSRID(GeomFromGeoJSON(f.geometry), 4326)"
    }

    /// Names are the layer's own property names; their SQL is the selection's output column, never user text.
    var queryables: CQL2Queryables {
        var list = properties.map { p in
            CQL2Queryables.Property(name: p.name, sql: "f.\"\(p.name)\"", type: Collection.cql2Type(p.type))
        }
        list.append(.init(name: "geometry", sql: geometrySQL, type: .geometry(srid: 4326)))
        var indexes: [String: CQL2SpatialIndex] = [:]
        if let r = reference, r.geometryName != "geometry" {
            list.append(.init(name: r.geometryName, sql: geometrySQL, type: .geometry(srid: 4326)))
            indexes[r.geometryName] = .spatiaLite(table: r.tableName, geometryColumn: "geom", rowKey: "f.id")
        }
        if layer == .units || layer == .stalls {
            indexes["geometry"] = .spatiaLite(table: "economic_units", geometryColumn: "geom", rowKey: "f.id")
        }
        if let r = reference { indexes["geometry"] = .spatiaLite(table: r.tableName, geometryColumn: "geom", rowKey: "f.id") }
        return CQL2Queryables(list, spatialIndexes: indexes)
    }

    static func cql2Type(_ t: FeatureLayer.PropertyType) -> CQL2Queryables.PropertyType {
        switch t {
        case .text: .string
        case .integer: .integer
        case .real: .number
        case .boolean: .boolean
        case .date: .date
        case .timestamp: .timestamp
        }
    }

    /// JSON Schema of one property, for /queryables and the OpenAPI document.
    static func schema(_ t: FeatureLayer.PropertyType) -> [String: Any] {
        switch t {
        case .text: ["type": "string"]
        case .integer: ["type": "integer"]
        case .real: ["type": "number"]
        case .boolean: ["type": "boolean"]
        case .date: ["type": "string", "format": "date"]
        case .timestamp: ["type": "string", "format": "date-time"]
        }
    }
}
