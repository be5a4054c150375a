import GeoJSON

/// Well-known text of a geometry literal, for SpatiaLite's `GeomFromText`, and its bounding box for the R*Tree prefilter.
extension Geometry {
    var wkt: String {
        let z = positions.contains { $0.z != nil }
        var out = ""
        write(to: &out, z: z, tagged: true)
        return out
    }

    private func write(to out: inout String, z: Bool, tagged: Bool) {
        func position(_ p: Position) -> String {
            var s = "\(p.x) \(p.y)"
            if z { s += " \(p.z ?? 0)" }
            return s
        }
        func line(_ ps: [Position]) -> String { "(" + ps.map(position).joined(separator: ", ") + ")" }
        func polygon(_ rings: [LinearRing]) -> String { "(" + rings.map { line($0.positions) }.joined(separator: ", ") + ")" }
        let tag = typeName.uppercased() + (z ? " Z " : "")
        switch self {
        case .point(let p): out += tag + "(" + position(p) + ")"
        case .multiPoint(let ps): out += tag + "(" + ps.map { "(" + position($0) + ")" }.joined(separator: ", ") + ")"
        case .lineString(let ps): out += tag + line(ps)
        case .multiLineString(let ls): out += tag + "(" + ls.map(line).joined(separator: ", ") + ")"
        case .polygon(let rings): out += tag + polygon(rings)
        case .multiPolygon(let polys): out += tag + "(" + polys.map(polygon).joined(separator: ", ") + ")"
        case .geometryCollection(let gs):
            out += tag + "("
            for (i, g) in gs.enumerated() {
                if i > 0 { out += ", " }
                g.write(to: &out, z: z, tagged: true)
            }
            out += ")"
        }
    }

    /// (minX, minY, maxX, maxY) of all positions.
    var envelope: (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let ps = positions
        return (ps.map(\.x).min() ?? 0, ps.map(\.y).min() ?? 0, ps.map(\.x).max() ?? 0, ps.map(\.y).max() ?? 0)
    }
}
