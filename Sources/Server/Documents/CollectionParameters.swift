import Registry

/// Each collection's own items path for the OpenAPI document: the common parameters plus one query parameter per
/// queryable property (`?kind=market&status=active`), typed by the property, so clients and schemathesis see them.
enum CollectionParameters {
    /// Property filters whose name is one of the common parameters cannot be sent (the common meaning wins).
    static func propertyParameters(_ c: Collection) -> [[String: Any]] {
        c.properties.filter { !ItemsRequest.fixedParameters.contains($0.name) }.map { p in
            ["name": p.name, "in": "query", "required": false, "schema": schema(p, c),
             "description": "Features whose \(p.name) equals this value" + (c.isUnitBased && (p.name == "kind" || p.name == "status") ? " (several, separated by commas)" : "")]
        }
    }

    static func schema(_ p: FeatureLayer.Property, _ c: Collection) -> [String: Any] {
        if c.isUnitBased, p.name == "kind" { return list(UnitKind.allCases.map(\.rawValue)) }
        if c.isUnitBased, p.name == "status", c.layer != .instruments, c.layer != .due { return list(UnitStatus.allCases.map(\.rawValue)) }
        switch p.type {
        case .integer: return ["type": "integer", "minimum": -999_999_999_999_999, "maximum": 999_999_999_999_999]
        case .real: return ["type": "number", "minimum": -999_999_999_999_999.0, "maximum": 999_999_999_999_999.0]
        case .boolean: return ["type": "boolean"]
        case .date: return ["type": "string", "format": "date"]
        // Control characters are refused in every parameter (QueryParameters).
        case .text, .timestamp: return ["type": "string", "pattern": "^[^\\u0000-\\u001f\\u007f]*$"]
        }
    }

    /// One or more of `values`, comma-separated.
    static func list(_ values: [String]) -> [String: Any] {
        let one = "(" + values.joined(separator: "|") + ")"
        return ["type": "string", "pattern": "^\(one)(,\(one))*$"]
    }
}
