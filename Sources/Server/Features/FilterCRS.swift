import CQL2
import GeoJSON

extension ServerCRS {
    /// A filter whose geometries and boxes are in this CRS (`filter-crs`) with them in CRS84, as the layers store
    /// them. In a projected CRS each edge is densified first (16 steps), as `bbox-crs` boxes are: a straight edge in
    /// metres is a curve in degrees. A box becomes the polygon it is in CRS84. `text` is the filter, for errors.
    func filterInCRS84(_ filter: CQL2Expression, text: String) throws -> CQL2Expression {
        guard self != .crs84 else { return filter }
        let toLonLat = try toCRS84()
        func line(_ positions: [Position]) throws -> [Position] {
            guard let inCRS84 = densifiedInCRS84(positions, toLonLat) else {
                throw OGCError.invalid("filter", text, expected: "coordinates inside the area of \(uri), the filter-crs")
            }
            return inCRS84
        }
        func position(_ p: Position) throws -> Position { try line([p])[0] }
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

    /// `positions` (a point, or a line in this CRS's axis order) in CRS84. In a projected CRS each edge is densified
    /// first (16 steps): a straight edge in metres is a curve in degrees. Nil when PROJ cannot bring a position back,
    /// or brings it outside longitudes -180…180 and latitudes -90…90.
    func densifiedInCRS84(_ positions: [Position], _ toLonLat: (Double, Double) -> (lon: Double, lat: Double)?) -> [Position]? {
        func position(_ p: Position) -> Position? {
            guard let q = toLonLat(p.x, p.y), abs(q.lon) <= 180, abs(q.lat) <= 90 else { return nil }
            return Position(q.lon, q.lat, p.z)
        }
        let steps = projected ? 16 : 1
        guard steps > 1, let last = positions.last else {
            let out = positions.compactMap(position)
            return out.count == positions.count ? out : nil
        }
        var out: [Position] = []
        for (a, b) in zip(positions, positions.dropFirst()) {
            for s in 0..<steps {
                let t = Double(s) / Double(steps)
                guard let p = position(Position(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z)) else { return nil }
                out.append(p)
            }
        }
        guard let end = position(last) else { return nil }
        return out + [end]
    }
}
