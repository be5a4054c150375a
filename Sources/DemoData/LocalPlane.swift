import Foundation

/// A point in metres on the district's local plane.
struct PlanePoint: Equatable {
    var x: Double
    var y: Double

    static func + (a: PlanePoint, b: PlanePoint) -> PlanePoint { PlanePoint(x: a.x + b.x, y: a.y + b.y) }
    static func - (a: PlanePoint, b: PlanePoint) -> PlanePoint { PlanePoint(x: a.x - b.x, y: a.y - b.y) }
    static func * (a: PlanePoint, k: Double) -> PlanePoint { PlanePoint(x: a.x * k, y: a.y * k) }
    func dot(_ b: PlanePoint) -> Double { x * b.x + y * b.y }
    var length: Double { (x * x + y * y).squareRoot() }
}

/// Longitude/latitude to metres on a plane tangent at the district (WGS 84 radii of curvature at its latitude):
/// over the district's 3 km the scale error is below 0.05 %, far inside the 3 % the ward areas must meet.
struct LocalPlane {
    let lon0: Double
    let lat0: Double
    let metresPerDegreeLon: Double
    let metresPerDegreeLat: Double

    init(lon0: Double, lat0: Double) {
        self.lon0 = lon0
        self.lat0 = lat0
        let a = 6_378_137.0, e2 = 0.006_694_379_990_14
        let phi = lat0 * .pi / 180, s = sin(phi)
        let w = (1 - e2 * s * s).squareRoot()
        metresPerDegreeLat = a * (1 - e2) / (w * w * w) * .pi / 180
        metresPerDegreeLon = a / w * cos(phi) * .pi / 180
    }

    func point(lon: Double, lat: Double) -> PlanePoint {
        PlanePoint(x: (lon - lon0) * metresPerDegreeLon, y: (lat - lat0) * metresPerDegreeLat)
    }

    func lonLat(_ p: PlanePoint) -> (lon: Double, lat: Double) {
        (lon0 + p.x / metresPerDegreeLon, lat0 + p.y / metresPerDegreeLat)
    }
}

/// Plane polygon measures on an open ring (no repeated closing point).
enum PlaneRing {
    /// Signed area, positive when counter-clockwise.
    static func signedArea(_ ring: [PlanePoint]) -> Double {
        var s = 0.0
        for i in ring.indices {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            s += a.x * b.y - b.x * a.y
        }
        return s / 2
    }

    static func centroid(_ ring: [PlanePoint]) -> PlanePoint {
        var cx = 0.0, cy = 0.0, s = 0.0
        for i in ring.indices {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            let c = a.x * b.y - b.x * a.y
            s += c
            cx += (a.x + b.x) * c
            cy += (a.y + b.y) * c
        }
        return s == 0 ? ring[0] : PlanePoint(x: cx / (3 * s), y: cy / (3 * s))
    }

    static func contains(_ ring: [PlanePoint], _ p: PlanePoint) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in ring.indices {
            let a = ring[i], b = ring[j]
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }

    /// Distance from `p` to the ring's boundary.
    static func boundaryDistance(_ ring: [PlanePoint], _ p: PlanePoint) -> Double {
        var best = Double.infinity
        for i in ring.indices {
            best = min(best, segmentDistance(p, ring[i], ring[(i + 1) % ring.count]))
        }
        return best
    }

    static func segmentDistance(_ p: PlanePoint, _ a: PlanePoint, _ b: PlanePoint) -> Double {
        let ab = b - a
        let t = max(0, min(1, (p - a).dot(ab) / max(ab.dot(ab), 1e-300)))
        return (p - (a + ab * t)).length
    }
}
