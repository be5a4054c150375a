import Foundation

/// Metres and travel seconds between the search's nodes. Travel from a matrix or another model, and straight-line
/// travel between few nodes, sit in full tables; straight-line travel between many nodes is worked out when asked,
/// from unit vectors (one asin a pair), so 10 000 stops need neither 1.6 GB of tables nor seconds to fill them.
struct TravelTable: Sendable {
    /// Straight-line travel keeps a table of metres up to this many nodes (50 MB; filled in tens of milliseconds),
    /// where it still gives the plain tour more kicks a second than working each pair out; seconds are metres / speed.
    static let tabledNodes = 2500

    let size: Int
    /// Row-major, `size` × `size`; empty when worked out on demand (`seconds` also for straight-line travel).
    private let metres: [Double]
    private let seconds: [Double]
    /// Straight-line travel: the nodes' unit vectors (x, y, z in turn), metres per unit of half-chord angle, m/s.
    private let unit: [Double]
    private let scale: Double
    private let speed: Double

    /// Tables from a matrix or a travel model, or for straight-line travel unit vectors (and tables up to `tabledUpTo`
    /// nodes). Rows are the stops, then the start and the end.
    init(_ problem: RoutingProblem, stops: [Int], tabledUpTo: Int = TravelTable.tabledNodes) {
        size = stops.count + 2
        if let matrix = problem.matrix {
            let rows = stops.map { problem.stops[$0].location! } + [problem.startLocation ?? 0, problem.endLocation ?? problem.startLocation ?? 0]
            (unit, scale, speed) = ([], 0, 1)
            (metres, seconds) = Self.tables(size) { i, j in (matrix.distance(rows[i], rows[j]), matrix.duration(rows[i], rows[j])) }
            return
        }
        let origin = problem.start ?? Coordinate(lon: 0, lat: 0)
        let coords = stops.map { problem.stops[$0].coordinate! } + [origin, problem.end ?? origin]
        guard let line = problem.travel as? StraightLineTravel else {
            let travel = problem.travel
            (unit, scale, speed) = ([], 0, 1)
            (metres, seconds) = Self.tables(size) { i, j in (travel.distance(from: coords[i], to: coords[j]), travel.duration(from: coords[i], to: coords[j])) }
            return
        }
        let rad = Double.pi / 180
        unit = coords.flatMap { c in [cos(c.lat * rad) * cos(c.lon * rad), cos(c.lat * rad) * sin(c.lon * rad), sin(c.lat * rad)] }
        scale = 2 * StraightLineTravel.earthRadius * line.detourFactor
        speed = line.speedKmh / 3.6
        guard size <= tabledUpTo else { (metres, seconds) = ([], []); return }
        var d = [Double](repeating: 0, count: size * size)
        // Symmetric: half the pairs, each computed exactly as a lookup without tables would.
        for i in 0..<size {
            for j in (i + 1)..<size {
                let m = Self.straightLine(unit, scale, i, j)
                d[i * size + j] = m; d[j * size + i] = m
            }
        }
        (metres, seconds) = (d, [])
    }

    private static func tables(_ size: Int, _ leg: (Int, Int) -> (Double, Double)) -> ([Double], [Double]) {
        var d = [Double](repeating: 0, count: size * size)
        var t = d
        for i in 0..<size {
            for j in 0..<size where i != j { (d[i * size + j], t[i * size + j]) = leg(i, j) }
        }
        return (d, t)
    }

    /// True when lookups work distances out from unit vectors (no tables).
    var isOnDemand: Bool { metres.isEmpty }
    /// Straight-line travel: distances grow with the chord between unit vectors, which `NearestStopsGrid` uses.
    var isStraightLine: Bool { !unit.isEmpty }

    @inline(__always) func distance(_ a: Int, _ b: Int) -> Double {
        metres.isEmpty ? straightLine(a, b) : metres[a * size + b]
    }

    @inline(__always) func duration(_ a: Int, _ b: Int) -> Double {
        seconds.isEmpty ? distance(a, b) / speed : seconds[a * size + b]
    }

    /// Metres and seconds from a to b, with one asin when worked out.
    @inline(__always) func leg(_ a: Int, _ b: Int) -> (distance: Double, time: Double) {
        if seconds.isEmpty { let m = distance(a, b); return (m, m / speed) }
        return (metres[a * size + b], seconds[a * size + b])
    }

    /// The unit vector of node i.
    @inline(__always) func point(_ i: Int) -> (x: Double, y: Double, z: Double) { (unit[3 * i], unit[3 * i + 1], unit[3 * i + 2]) }

    /// The haversine of two points is a quarter of their squared chord on the unit sphere, so a pair needs no
    /// trigonometry but one asin.
    @inline(__always) func straightLine(_ a: Int, _ b: Int) -> Double { Self.straightLine(unit, scale, a, b) }

    @inline(__always) private static func straightLine(_ unit: [Double], _ scale: Double, _ a: Int, _ b: Int) -> Double {
        let dx = unit[3 * a] - unit[3 * b], dy = unit[3 * a + 1] - unit[3 * b + 1], dz = unit[3 * a + 2] - unit[3 * b + 2]
        return metres(chord: (dx * dx + dy * dy + dz * dz).squareRoot(), scale)
    }

    /// Straight-line metres for a chord between unit vectors; never decreasing as the chord grows.
    @inline(__always) func metres(chord: Double) -> Double { Self.metres(chord: chord, scale) }

    @inline(__always) private static func metres(chord: Double, _ scale: Double) -> Double { scale * asin(min(1, chord / 2)) }
}
