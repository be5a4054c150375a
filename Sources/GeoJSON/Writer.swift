import Foundation

/// Writes GeoJSON text feature by feature, so a layer of any size streams out in constant memory.
/// Output is deterministic: properties in the order given, coordinates rounded to `precision` decimals.
public struct GeoJSONWriter {
    public enum Layout: Sendable {
        /// One FeatureCollection (RFC 7946).
        case featureCollection
        /// One feature per line (GeoJSONSeq, newline-delimited).
        case sequence
    }

    private let layout: Layout
    private let precision: Int
    private let emit: (String) throws -> Void
    private var count = 0
    private var buffer = ""

    /// - Parameters:
    ///   - precision: decimals kept in coordinates (7 ≈ 1 cm at the equator, RFC 7946 §11.2 advice).
    ///   - emit: receives the text in pieces of a few kilobytes.
    public init(layout: Layout = .featureCollection, precision: Int = 7, emit: @escaping (String) throws -> Void) {
        self.layout = layout
        self.precision = precision
        self.emit = emit
    }

    public mutating func begin(name: String? = nil) throws {
        guard layout == .featureCollection else { return }
        buffer += "{\"type\":\"FeatureCollection\","
        if let name {
            buffer += "\"name\":"
            JSONText.writeString(name, to: &buffer)
            buffer += ","
        }
        buffer += "\"features\":[\n"
    }

    public mutating func write(_ feature: Feature) throws {
        if layout == .featureCollection && count > 0 { buffer += ",\n" }
        count += 1
        writeFeature(feature, to: &buffer)
        if layout == .sequence { buffer += "\n" }
        if buffer.utf8.count > 1 << 16 {
            try emit(buffer)
            buffer = ""
        }
    }

    public mutating func end() throws {
        if layout == .featureCollection { buffer += "\n]}\n" }
        try emit(buffer)
        buffer = ""
    }

    /// The whole collection as one string, for small layers and tests.
    public static func string(_ features: [Feature], name: String? = nil, precision: Int = 7) -> String {
        var text = ""
        var writer = GeoJSONWriter(precision: precision) { text += $0 }
        try! writer.begin(name: name)
        for f in features { try! writer.write(f) }
        try! writer.end()
        return text
    }

    func writeFeature(_ f: Feature, to out: inout String) {
        out += "{\"type\":\"Feature\""
        switch f.id {
        case .string(let s)?: out += ",\"id\":"; JSONText.writeString(s, to: &out)
        case .number(let n)?: out += ",\"id\":" + JSONValue.format(n)
        case nil: break
        }
        out += ",\"geometry\":"
        if let g = f.geometry { writeGeometry(g, to: &out) } else { out += "null" }
        out += ",\"properties\":"
        JSONText.write(.object(f.properties), to: &out)
        out += "}"
    }

    public func geometryText(_ g: Geometry) -> String {
        var out = ""
        writeGeometry(g, to: &out)
        return out
    }

    func writeGeometry(_ g: Geometry, to out: inout String) {
        out += "{\"type\":\"\(g.typeName)\","
        switch g {
        case .geometryCollection(let gs):
            out += "\"geometries\":["
            for (i, child) in gs.enumerated() {
                if i > 0 { out += "," }
                writeGeometry(child, to: &out)
            }
            out += "]}"
            return
        default:
            out += "\"coordinates\":"
        }
        switch g {
        case .point(let p): writePosition(p, to: &out)
        case .multiPoint(let ps), .lineString(let ps): writePositions(ps, to: &out)
        case .multiLineString(let ls): writeList(ls, to: &out) { writePositions($0, to: &$1) }
        case .polygon(let rings): writeList(rings, to: &out) { writePositions($0.positions, to: &$1) }
        case .multiPolygon(let polys):
            writeList(polys, to: &out) { rings, o in writeList(rings, to: &o) { writePositions($0.positions, to: &$1) } }
        case .geometryCollection: break
        }
        out += "}"
    }

    private func writeList<T>(_ items: [T], to out: inout String, _ each: (T, inout String) -> Void) {
        out += "["
        for (i, item) in items.enumerated() {
            if i > 0 { out += "," }
            each(item, &out)
        }
        out += "]"
    }

    private func writePositions(_ ps: [Position], to out: inout String) {
        writeList(ps, to: &out) { writePosition($0, to: &$1) }
    }

    private func writePosition(_ p: Position, to out: inout String) {
        out += "[" + coordinate(p.x) + "," + coordinate(p.y)
        if let z = p.z { out += "," + coordinate(z) }
        out += "]"
    }

    /// Rounds to `precision` decimals and prints the shortest text for the rounded value.
    func coordinate(_ v: Double) -> String {
        let scale = pow(10.0, Double(precision))
        let rounded = (v * scale).rounded() / scale
        return JSONValue.format(rounded == 0 ? 0 : rounded)
    }
}
