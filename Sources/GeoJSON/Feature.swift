/// A JSON value with object keys kept in their order, so output is deterministic.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let v): hasher.combine(v)
        case .int(let v): hasher.combine(v)
        case .double(let v): hasher.combine(v)
        case .string(let v): hasher.combine(v)
        case .array(let v): hasher.combine(v)
        case .object(let v): for (k, x) in v { hasher.combine(k); hasher.combine(x) }
        }
    }

    /// The value as text, as a CSV cell or a form field would hold it; nil for null.
    public var text: String? {
        switch self {
        case .null: nil
        case .bool(let v): v ? "true" : "false"
        case .int(let v): String(v)
        case .double(let v): JSONValue.format(v)
        case .string(let v): v
        case .array, .object: JSONText.encode(self)
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let v): Double(v)
        case .double(let v): v
        case .string(let s): Double(s)
        default: nil
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    /// Shortest text that reads back as the same double; integers without a fraction.
    public static func format(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

public extension JSONValue {
    /// `.string` for a value, `.null` for nil.
    static func from(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    static func from(_ d: Double?) -> JSONValue { d.map(JSONValue.double) ?? .null }
    static func from(_ i: Int?) -> JSONValue { i.map(JSONValue.int) ?? .null }
}

/// A feature identifier: RFC 7946 allows a string or a number.
public enum FeatureID: Hashable, Sendable {
    case string(String)
    case number(Double)
}

/// A GeoJSON Feature: an optional geometry, an optional id and ordered properties.
public struct Feature: Hashable, Sendable {
    public var id: FeatureID?
    public var geometry: Geometry?
    public var properties: [(String, JSONValue)]

    public init(id: FeatureID? = nil, geometry: Geometry?, properties: [(String, JSONValue)] = []) {
        self.id = id
        self.geometry = geometry
        self.properties = properties
    }

    public subscript(property key: String) -> JSONValue? {
        properties.first { $0.0 == key }?.1
    }

    public static func == (a: Feature, b: Feature) -> Bool {
        a.id == b.id && a.geometry == b.geometry && JSONValue.object(a.properties) == JSONValue.object(b.properties)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(geometry)
        hasher.combine(JSONValue.object(properties))
    }
}
