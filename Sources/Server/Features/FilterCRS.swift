import CQL2
import GeoJSON

extension ServerCRS {
    /// A filter whose geometries and boxes are in this CRS (`filter-crs`) with them in CRS84, as the layers store
    /// them. In a projected CRS each edge is densified first (16 steps), as `bbox-crs` boxes are: a straight edge in
    /// metres is a curve in degrees. A box becomes the polygon it is in CRS84. `text` is the filter, for errors.
    func filterInCRS84(_ filter: CQL2Expression, text: String) throws -> CQL2Expression {
        guard self != .crs84 else { return filter }
        let toLonLat = try toCRS84()
        let steps = projected ? 16 : 1
        func position(_ p: Position) throws -> Position {
            guard let q = toLonLat(p.x, p.y), abs(q.lon) <= 180, abs(q.lat) <= 90 else {
                throw OGCError.invalid("filter", text, expected: "coordinates inside the area of \(uri), the filter-crs")
            }
            return Position(q.lon, q.lat, p.z)
        }
        func line(_ positions: [Position]) throws -> [Position] {
            guard steps > 1, let last = positions.last else { return try positions.map(position) }
            var out: [Position] = []
            for (a, b) in zip(positions, positions.dropFirst()) {
                for s in 0..<steps {
                    let t = Double(s) / Double(steps)
                    out.append(try position(Position(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z)))
                }
            }
            out.append(try position(last))
            return out
        }
        func ring(_ r: LinearRing) throws -> LinearRing { try LinearRing(line(r.positions)) }
        func geometry(_ g: Geometry) throws -> Geometry {
            switch g {
            case .point(let p): .point(try position(p))
            case .multiPoint(let ps): .multiPoint(try ps.map(position))
            case .lineString(let ps): .lineString(try line(ps))
            case .multiLineString(let lines): .multiLineString(try lines.map(line))
            case .polygon(let rings): .polygon(try rings.map(ring))
            case .multiPolygon(let polygons): .multiPolygon(try polygons.map { try $0.map(ring) })
            case .geometryCollection(let gs): .geometryCollection(try gs.map(geometry))
            }
        }
        return try filter.mappingSpatialLiterals(geometry: geometry) { n in
            // BBOX(x1, y1, x2, y2) or with heights (x1, y1, z1, x2, y2, z2), in this CRS's axis order.
            let (x1, y1, x2, y2) = n.count == 6 ? (n[0], n[1], n[3], n[4]) : (n[0], n[1], n[2], n[3])
            let corners = [Position(x1, y1), Position(x2, y1), Position(x2, y2), Position(x1, y2), Position(x1, y1)]
            return .geometry(.polygon([try LinearRing(line(corners))]))
        }
    }
}
