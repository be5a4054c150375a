import Foundation

/// The problem as the search reads it, in flat arrays indexed by node: stops 0..<n, then the start (n) and the
/// end (n + 1). Times are on the working-time axis (`WorkingTimeAxis`).
final class SearchModel {
    let n: Int
    let size: Int
    let startNode: Int
    let endNode: Int
    let dist: [Double]
    let time: [Double]
    let service: [Double]
    /// Where a visit may start, per node (working seconds); the start may only leave at 0, the end closes at `deadline`.
    let visitStarts: [[ClosedRange<Double>]]
    let nodeSegment: [RouteSegment]
    let prize: [Double]
    let maxStops: Int
    let teams: Int
    let deadline: Double
    /// False when only distance matters (no windows, no finite day, no cap on length): moves need no schedule.
    let constrained: Bool
    let symmetric: Bool
    /// The nearest stops of every node, the only partners a move tries (candidate lists).
    let neighbours: [[Int]]
    let check: FeasibilityCheck
    /// The original stop of each node.
    let stopIndex: [Int]

    init(problem: RoutingProblem, stops: [Int]) {
        n = stops.count
        size = n + 2
        startNode = n
        endNode = n + 1
        stopIndex = stops
        (dist, time) = SearchModel.travel(problem, stops)
        let axis = WorkingTimeAxis(periods: problem.day.periods)
        let periods = axis.periods
        service = stops.map { max(0, problem.stops[$0].serviceSeconds) } + [0, 0]
        let leave = periods.first.map { $0.start.isFinite && $0.start > 0 ? $0.start : 0 } ?? 0
        var deadline = axis.total
        if let max = problem.day.maxDurationSeconds { deadline = min(deadline, axis.working(leave + max)) }
        self.deadline = deadline
        visitStarts = stops.map { axis.visitStarts(service: max(0, problem.stops[$0].serviceSeconds), windows: problem.stops[$0].windows) }
            + [[0...0], [0...deadline]]
        nodeSegment = visitStarts.enumerated().map { node, starts in
            RouteSegment(service: node < stops.count ? max(0, problem.stops[stops[node]].serviceSeconds) : 0,
                         earliest: starts.first?.lowerBound ?? WorkingTimeAxis.unbounded, latest: starts.last?.upperBound ?? 0,
                         stops: node < stops.count ? 1 : 0, multiWindow: starts.count > 1 ? 1 : 0)
        }
        prize = stops.map { max(problem.stops[$0].priority, 1e-6) }
        maxStops = problem.maxStopsPerTeam ?? Int.max
        teams = problem.teams
        constrained = problem.day.maxDurationSeconds != nil
            || problem.stops.contains { !$0.windows.isEmpty }
            || !(periods.count == 1 && periods[0].start <= 0 && periods[0].end == .infinity)
        var symmetric = true
        let (d, sz) = (dist, size)
        if problem.matrix != nil || !(problem.travel is StraightLineTravel) {
            outer: for i in 0..<sz { for j in (i + 1)..<sz where abs(d[i * sz + j] - d[j * sz + i]) > 1e-9 { symmetric = false; break outer } }
        }
        self.symmetric = symmetric
        let k = min(24, max(n - 1, 0))
        neighbours = (0..<sz).map { i in SearchModel.nearest(k, to: i, among: stops.count, d, sz) }
        let t = time
        let startRow = stops.count, endRow = stops.count + 1
        check = FeasibilityCheck(
            periods: periods, maxDuration: problem.day.maxDurationSeconds, maxStops: problem.maxStopsPerTeam,
            service: { node in max(0, problem.stops[stops[node]].serviceSeconds) },
            windows: { node in problem.stops[stops[node]].windows },
            travel: { a, b in t[(a ?? startRow) * sz + (b ?? endRow)] })
    }

    /// Distances and travel seconds between all nodes, from the matrix or the travel model.
    static func travel(_ problem: RoutingProblem, _ stops: [Int]) -> ([Double], [Double]) {
        let size = stops.count + 2
        var d = [Double](repeating: 0, count: size * size)
        var t = [Double](repeating: 0, count: size * size)
        if let matrix = problem.matrix {
            let rows = stops.map { problem.stops[$0].location! } + [problem.startLocation ?? 0, problem.endLocation ?? problem.startLocation ?? 0]
            for i in 0..<size {
                for j in 0..<size where i != j {
                    d[i * size + j] = matrix.distance(rows[i], rows[j])
                    t[i * size + j] = matrix.duration(rows[i], rows[j])
                }
            }
            return (d, t)
        }
        let origin = problem.start ?? Coordinate(lon: 0, lat: 0)
        let coords = stops.map { problem.stops[$0].coordinate! } + [origin, problem.end ?? origin]
        if let line = problem.travel as? StraightLineTravel {
            // Symmetric: half the pairs, and the duration from the distance. The haversine of two points is a quarter
            // of their squared chord on the unit sphere, so each pair needs no trigonometry but one asin.
            let speed = line.speedKmh / 3.6, rad = Double.pi / 180
            let unit = coords.map { c in (x: cos(c.lat * rad) * cos(c.lon * rad), y: cos(c.lat * rad) * sin(c.lon * rad), z: sin(c.lat * rad)) }
            let scale = 2 * StraightLineTravel.earthRadius * line.detourFactor
            for i in 0..<size {
                let a = unit[i]
                for j in (i + 1)..<size {
                    let b = unit[j]
                    let dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z
                    let m = scale * asin(min(1, (dx * dx + dy * dy + dz * dz).squareRoot() / 2))
                    d[i * size + j] = m; d[j * size + i] = m
                    t[i * size + j] = m / speed; t[j * size + i] = m / speed
                }
            }
            return (d, t)
        }
        for i in 0..<size {
            for j in 0..<size where i != j {
                d[i * size + j] = problem.travel.distance(from: coords[i], to: coords[j])
                t[i * size + j] = problem.travel.duration(from: coords[i], to: coords[j])
            }
        }
        return (d, t)
    }

    /// The k stops nearest to i (ties by index), kept in a small sorted buffer: O(n·k) at worst, about O(n) in practice.
    static func nearest(_ k: Int, to i: Int, among n: Int, _ d: [Double], _ size: Int) -> [Int] {
        guard k > 0 else { return [] }
        var best: [(Double, Int)] = []
        best.reserveCapacity(k + 1)
        for j in 0..<n where j != i {
            let key = (d[i * size + j], j)
            if best.count == k, key >= best[k - 1] { continue }
            var at = best.count
            while at > 0 && key < best[at - 1] { at -= 1 }
            best.insert(key, at: at)
            if best.count > k { best.removeLast() }
        }
        return best.map(\.1)
    }

    @inline(__always) func D(_ a: Int, _ b: Int) -> Double { dist[a * size + b] }
    @inline(__always) func T(_ a: Int, _ b: Int) -> Double { time[a * size + b] }
    @inline(__always) func leg(_ a: Int, _ b: Int) -> (distance: Double, time: Double) { (dist[a * size + b], time[a * size + b]) }

    /// `a` then `b`, where `aLast` ends `a` and `bFirst` begins `b`.
    @inline(__always)
    func join(_ a: RouteSegment, _ aLast: Int, _ b: RouteSegment, _ bFirst: Int) -> RouteSegment {
        a.then(b, distance: dist[aLast * size + bFirst], travel: time[aLast * size + bFirst])
    }

    /// The seconds of time warp of a whole route, exactly, with every gap between a stop's visit starts.
    func exactWarp(_ route: [Int], giveUpAbove limit: Double = .infinity) -> Double {
        var t = 0.0, warp = 0.0, prev = startNode
        for v in route {
            if warp >= limit { return warp }
            t += time[prev * size + v]
            let starts = visitStarts[v]
            if let open = starts.first(where: { $0.upperBound >= t }) {
                t = max(t, open.lowerBound)
            } else if let last = starts.last {
                warp += t - last.upperBound
                t = last.upperBound
            }
            t += service[v]
            prev = v
        }
        t += time[prev * size + endNode]
        if t > deadline { warp += t - deadline }
        return warp
    }

    func length(_ route: [Int]) -> Double {
        var total = 0.0, prev = startNode
        for v in route { total += D(prev, v); prev = v }
        return route.isEmpty ? 0 : total + D(prev, endNode)
    }
}
