/// A power diagram (weighted Voronoi diagram) of sites inside one polygon: cell i holds the points whose power
/// |p − s_i|² − w_i is least. Its cells are convex pieces of the polygon, and their edges are straight, like
/// the street blocks ward boundaries follow; weights give each cell its area, sites its position.
struct PowerDiagram {
    var sites: [PlanePoint]
    var weights: [Double]

    /// Cell `i` inside `boundary` (an open counter-clockwise ring): the ring clipped by each power half-plane.
    func cell(_ i: Int, in boundary: [PlanePoint]) -> [PlanePoint] {
        var polygon = boundary
        for j in sites.indices where j != i && !polygon.isEmpty {
            let normal = sites[j] - sites[i]
            guard normal.length > 1e-9 else { continue }
            let offset = (sites[j].dot(sites[j]) - sites[i].dot(sites[i]) - weights[j] + weights[i]) / 2
            polygon = PowerDiagram.clip(polygon, keepingBelow: normal, offset)
        }
        return polygon
    }

    /// Sutherland–Hodgman against the half-plane p·normal ≤ offset. Exact for a convex clip region, which a
    /// half-plane is; a non-convex polygon cut in two would come back joined by a seam, which `WardPartition` refuses.
    static func clip(_ polygon: [PlanePoint], keepingBelow normal: PlanePoint, _ offset: Double) -> [PlanePoint] {
        var out: [PlanePoint] = []
        for k in polygon.indices {
            let a = polygon[k], b = polygon[(k + 1) % polygon.count]
            let da = a.dot(normal) - offset, db = b.dot(normal) - offset
            if da <= 0 { out.append(a) }
            if (da < 0 && db > 0) || (da > 0 && db < 0) { out.append(a + (b - a) * (da / (da - db))) }
        }
        return out
    }

    /// Fits sites and weights so that each cell gets its target area (weights, the power diagram's
    /// optimal-transport step) and its centroid moves to the target centroid (sites, a Lloyd-like step).
    static func fit(in boundary: [PlanePoint], areas: [Double], centroids: [PlanePoint]) -> PowerDiagram {
        var diagram = PowerDiagram(sites: centroids, weights: Array(repeating: 0, count: centroids.count))
        let (minX, maxX) = (boundary.map(\.x).min()!, boundary.map(\.x).max()!)
        let (minY, maxY) = (boundary.map(\.y).min()!, boundary.map(\.y).max()!)
        for _ in 0..<600 {
            for i in diagram.sites.indices {
                let cell = diagram.cell(i, in: boundary)
                let area = cell.count >= 3 ? PlaneRing.signedArea(cell) : 0
                // Newton-like step: a weight change δ moves the cell's edges by about δ / (2 × the distance to
                // the neighbouring site), so the area changes by about δ × perimeter / (2 × that distance).
                let nearest = diagram.sites.indices.filter { $0 != i }.map { (diagram.sites[$0] - diagram.sites[i]).length }.min() ?? 1
                let perimeter = cell.indices.reduce(0.0) { $0 + (cell[($1 + 1) % cell.count] - cell[$1]).length }
                diagram.weights[i] += 0.5 * (areas[i] - area) / max(perimeter / (2 * max(nearest, 1)), 0.5)
                if area > 0 {
                    // Kept in the ward's box: a centroid that cannot reach its target must not drag its site away.
                    let moved = diagram.sites[i] + (centroids[i] - PlaneRing.centroid(cell)) * 0.5
                    diagram.sites[i] = PlanePoint(x: min(max(moved.x, minX), maxX), y: min(max(moved.y, minY), maxY))
                }
            }
        }
        return diagram
    }
}
