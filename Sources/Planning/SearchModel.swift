import Foundation

/// The problem as the search reads it, in flat arrays indexed by node: stops 0..<n, then the start (n) and the
/// end (n + 1). Times are on the working-time axis (`WorkingTimeAxis`).
final class SearchModel {
    let n: Int
    let size: Int
    let startNode: Int
    let endNode: Int
    /// Metres and seconds between nodes, from tables or worked out when asked.
    let travel: TravelTable
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

    /// `shouldStop` is asked while the candidate lists are built; once it says so, the remaining nodes get none
    /// (the search then has nothing to try there, but the budget is kept). `tabledUpTo`: see `TravelTable`.
    init(problem: RoutingProblem, stops: [Int], tabledUpTo: Int = TravelTable.tabledNodes, shouldStop: () -> Bool = { false }) {
        n = stops.count
        size = n + 2
        startNode = n
        endNode = n + 1
        stopIndex = stops
        let travel = TravelTable(problem, stops: stops, tabledUpTo: tabledUpTo)
        self.travel = travel
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
        let sz = size
        if !travel.isStraightLine {
            outer: for i in 0..<sz {
                for j in (i + 1)..<sz where abs(travel.distance(i, j) - travel.distance(j, i)) > 1e-9 { symmetric = false; break outer }
            }
        }
        self.symmetric = symmetric
        let k = min(24, max(n - 1, 0))
        // Straight-line travel: a grid of the stops gives the same lists as a scan of all of them, in about O(n).
        let grid = travel.isStraightLine ? NearestStopsGrid(travel, stops: n) : nil
        var neighbours: [[Int]] = []
        neighbours.reserveCapacity(sz)
        for i in 0..<sz {
            if i & 255 == 255 && shouldStop() { break }
            neighbours.append(grid?.nearest(k, to: i) ?? SearchModel.nearest(k, to: i, among: stops.count, travel.distance))
        }
        while neighbours.count < sz { neighbours.append([]) }
        self.neighbours = neighbours
        let startRow = stops.count, endRow = stops.count + 1
        check = FeasibilityCheck(
            periods: periods, maxDuration: problem.day.maxDurationSeconds, maxStops: problem.maxStopsPerTeam,
            service: { node in max(0, problem.stops[stops[node]].serviceSeconds) },
            windows: { node in problem.stops[stops[node]].windows },
            travel: { a, b in travel.duration(a ?? startRow, b ?? endRow) })
    }

    /// The k stops nearest to i (ties by index), from all n, kept in a small sorted buffer: O(n·k) at worst, about
    /// O(n) in practice.
    static func nearest(_ k: Int, to i: Int, among n: Int, _ distance: (Int, Int) -> Double) -> [Int] {
        guard k > 0 else { return [] }
        var best: [(Double, Int)] = []
        best.reserveCapacity(k + 1)
        for j in 0..<n where j != i {
            let key = (distance(i, j), j)
            if best.count == k, key >= best[k - 1] { continue }
            var at = best.count
            while at > 0 && key < best[at - 1] { at -= 1 }
            best.insert(key, at: at)
            if best.count > k { best.removeLast() }
        }
        return best.map(\.1)
    }

    @inline(__always) func D(_ a: Int, _ b: Int) -> Double { travel.distance(a, b) }
    @inline(__always) func T(_ a: Int, _ b: Int) -> Double { travel.duration(a, b) }
    @inline(__always) func leg(_ a: Int, _ b: Int) -> (distance: Double, time: Double) { travel.leg(a, b) }

    /// `a` then `b`, where `aLast` ends `a` and `bFirst` begins `b`.
    @inline(__always)
    func join(_ a: RouteSegment, _ aLast: Int, _ b: RouteSegment, _ bFirst: Int) -> RouteSegment {
        let leg = travel.leg(aLast, bFirst)
        return a.then(b, distance: leg.distance, travel: leg.time)
    }

    /// The seconds of time warp of a whole route, exactly, with every gap between a stop's visit starts.
    func exactWarp(_ route: [Int], giveUpAbove limit: Double = .infinity) -> Double {
        var t = 0.0, warp = 0.0, prev = startNode
        for v in route {
            if warp >= limit { return warp }
            t += travel.duration(prev, v)
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
        t += travel.duration(prev, endNode)
        if t > deadline { warp += t - deadline }
        return warp
    }

    func length(_ route: [Int]) -> Double {
        var total = 0.0, prev = startNode
        for v in route { total += D(prev, v); prev = v }
        return route.isEmpty ? 0 : total + D(prev, endNode)
    }
}
