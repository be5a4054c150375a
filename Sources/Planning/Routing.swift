import Foundation

/// A place to visit.
public struct RoutingStop: Sendable {
    public var id: String
    /// nil: cannot be routed (returned as unassigned with that reason).
    public var coordinate: Coordinate?
    public var serviceSeconds: Double
    /// When the place is open; empty means all day.
    public var windows: [TimeWindow]
    /// What a visit is worth. The solver first visits as much priority as fits, then shortens the routes.
    public var priority: Double

    public init(id: String, coordinate: Coordinate?, serviceSeconds: Double = 0, windows: [TimeWindow] = [], priority: Double = 1) {
        self.id = id
        self.coordinate = coordinate
        self.serviceSeconds = serviceSeconds
        self.windows = windows
        self.priority = priority
    }
}

/// The team's day: working periods (the gaps are breaks, e.g. lunch, when nobody travels or inspects)
/// and an optional cap on the time from leaving to coming back.
public struct WorkingDay: Sendable {
    public var periods: [TimeWindow]
    public var maxDurationSeconds: Double?

    public init(periods: [TimeWindow], maxDurationSeconds: Double? = nil) {
        self.periods = periods
        self.maxDurationSeconds = maxDurationSeconds
    }

    /// An office day in Ho Chi Minh City: 07:30-11:30 and 13:30-17:00.
    public static let office = WorkingDay(periods: [TimeWindow(start: 7.5 * 3600, end: 11.5 * 3600),
                                                    TimeWindow(start: 13.5 * 3600, end: 17 * 3600)])
    /// No limit at all, for comparing tour lengths with other solvers.
    public static let unlimited = WorkingDay(periods: [TimeWindow(start: 0, end: .infinity)])
}

public struct RoutingProblem: Sendable {
    public var stops: [RoutingStop]
    public var teams: Int
    public var start: Coordinate
    public var end: Coordinate
    public var day: WorkingDay
    public var maxStopsPerTeam: Int?
    public var travel: any TravelModel
    /// Route only this many stops of highest priority; the others are unassigned as `.lowerPriority`.
    /// Keeps a ward of hundreds of candidates fast when a day holds a few dozen visits.
    public var considerTop: Int?

    public init(stops: [RoutingStop], teams: Int = 1, start: Coordinate, end: Coordinate? = nil, day: WorkingDay = .office,
                maxStopsPerTeam: Int? = nil, travel: any TravelModel = StraightLineTravel(), considerTop: Int? = nil) {
        self.considerTop = considerTop
        self.stops = stops
        self.teams = max(1, teams)
        self.start = start
        self.end = end ?? start
        self.day = day
        self.maxStopsPerTeam = maxStopsPerTeam
        self.travel = travel
    }
}

public struct SolverOptions: Sendable {
    /// Wall-clock budget for the improvement phase, in seconds.
    public var timeBudget: Double
    /// Improvement rounds; with a limit that the time budget does not cut, the result is the same on any machine.
    public var maxIterations: Int?
    public var seed: UInt64

    public init(timeBudget: Double = 1, maxIterations: Int? = nil, seed: UInt64 = 1) {
        self.timeBudget = timeBudget
        self.maxIterations = maxIterations
        self.seed = seed
    }
}

/// Why a stop is not in any route.
public enum UnassignedReason: Sendable, Equatable, CustomStringConvertible {
    case noCoordinates
    /// Its opening hours and the working periods never overlap for the length of a visit.
    case closedDuringWorkingDay(opening: [TimeWindow], service: Double)
    /// Even alone, going there, the visit and coming back do not fit the working day or its maximum length.
    case dayTooShort
    /// Every team already has the maximum number of stops.
    case maxStopsReached(Int)
    /// It would fit alone, but the planned visits together carry more priority in the time there is.
    case noRoomLeft
    /// Not among the stops of highest priority that were considered.
    case lowerPriority(considered: Int)

    public var code: String {
        switch self {
        case .noCoordinates: "no_coordinates"
        case .closedDuringWorkingDay: "outside_opening_hours"
        case .dayTooShort: "day_too_short"
        case .maxStopsReached: "max_stops_reached"
        case .noRoomLeft: "no_room_left"
        case .lowerPriority: "lower_priority"
        }
    }

    public var description: String {
        switch self {
        case .noCoordinates: "no coordinates: the unit is not on the map"
        case .closedDuringWorkingDay(let opening, let service):
            "outside opening hours: open \(opening.map(\.description).joined(separator: ", ")), no \(Int(service / 60))-minute visit fits in the working periods"
        case .dayTooShort: "day too short: travelling there, the visit and the way back do not fit in the working day"
        case .maxStopsReached(let n): "every team already has the maximum of \(n) stops"
        case .noRoomLeft: "no room left in the working day: the planned visits together carry more priority in the time available"
        case .lowerPriority(let n): "not among the \(n) units of highest priority considered for this day"
        }
    }
}

public struct PlannedVisit: Sendable {
    /// Index into `RoutingProblem.stops`.
    public var stop: Int
    public var arrival: Double
    /// When the visit begins (after waiting for the opening or the end of a break).
    public var start: Double
    public var departure: Double
}

public struct PlannedRoute: Sendable {
    public var team: Int
    public var visits: [PlannedVisit]
    public var distance: Double
    public var leaveAt: Double
    public var returnAt: Double
    public var duration: Double { visits.isEmpty ? 0 : returnAt - leaveAt }
}

public struct RoutingSolution: Sendable {
    public var routes: [PlannedRoute]
    public var unassigned: [(stop: Int, reason: UnassignedReason)]
    public var totalDistance: Double { routes.reduce(0) { $0 + $1.distance } }
    /// Improvement rounds done, for the benchmark.
    public var iterations: Int
}

/// Prize-collecting vehicle routing with time windows: cheapest-insertion construction by priority,
/// then iterated local search (2-opt, Or-opt, relocate and exchange between teams, swaps with unvisited
/// stops) with ruin-and-recreate kicks until the time budget or iteration limit.
public enum Router {
    public static func solve(_ problem: RoutingProblem, options: SolverOptions = SolverOptions()) -> RoutingSolution {
        var unassigned: [(Int, UnassignedReason)] = []
        var routable: [Int] = []
        for (i, s) in problem.stops.enumerated() {
            if s.coordinate == nil { unassigned.append((i, .noCoordinates)) } else { routable.append(i) }
        }
        if let k = problem.considerTop, routable.count > k {
            routable.sort { (problem.stops[$0].priority, -$0) > (problem.stops[$1].priority, -$1) }
            for i in routable[k...] { unassigned.append((i, .lowerPriority(considered: k))) }
            routable = Array(routable[..<k]).sorted()
        }
        let search = LocalSearch(problem: problem, stops: routable, seed: options.seed)
        // Stops that cannot be served even alone are out from the start, with the reason why.
        var candidates: [Int] = []
        for node in 0..<routable.count {
            if let reason = search.aloneReason(node) { unassigned.append((routable[node], reason)) } else { candidates.append(node) }
        }
        var state = search.construct(candidates)
        search.improve(&state)
        var best = state
        let clockStart = DispatchTime.now().uptimeNanoseconds
        var iterations = 0
        while true {
            if let limit = options.maxIterations, iterations >= limit { break }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - clockStart) / 1e9
            if elapsed >= options.timeBudget { break }
            iterations += 1
            var trial = state
            search.ruinAndRecreate(&trial)
            search.improve(&trial)
            // Record-to-record acceptance: a little worse than the best is allowed early, nothing late.
            let progress = options.maxIterations.map { Double(iterations) / Double(max($0, 1)) } ?? elapsed / max(options.timeBudget, 1e-9)
            let slack = 0.01 * max(0, 1 - progress) * best.distance
            if trial.cost < best.cost - 1e-9 {
                best = trial
                state = trial
            } else if trial.cost <= best.cost + slack {
                state = trial
            }
        }
        for node in best.unassigned {
            let reason: UnassignedReason
            if let m = problem.maxStopsPerTeam, best.routes.allSatisfy({ $0.count >= m }) { reason = .maxStopsReached(m) } else { reason = .noRoomLeft }
            unassigned.append((routable[node], reason))
        }
        var routes: [PlannedRoute] = []
        for (team, route) in best.routes.enumerated() {
            let visits = search.schedule(route)!
            routes.append(PlannedRoute(
                team: team + 1,
                visits: visits.visits.map { PlannedVisit(stop: routable[$0.node], arrival: $0.arrival, start: $0.start, departure: $0.departure) },
                distance: search.length(route), leaveAt: visits.leaveAt, returnAt: visits.returnAt))
        }
        unassigned.sort { (problem.stops[$0.0].priority, $1.0) > (problem.stops[$1.0].priority, $0.0) }
        return RoutingSolution(routes: routes, unassigned: unassigned.map { (stop: $0.0, reason: $0.1) }, iterations: iterations)
    }
}

/// The solver's working state: routes of node indices (0..<n are stops) and the stops left out.
struct RoutingState {
    var routes: [[Int]]
    var unassigned: [Int]
    var distance: Double
    var missedPriority: Double
    /// Lexicographic: priority left out dominates distance.
    var cost: Double { missedPriority * 1e9 + distance }
}

final class LocalSearch {
    let n: Int
    let startNode: Int
    let endNode: Int
    let dist: [Double]
    let time: [Double]
    let service: [Double]
    let windows: [[TimeWindow]]
    let prize: [Double]
    let periods: [TimeWindow]
    let maxDuration: Double?
    let maxStops: Int
    let teams: Int
    let constrained: Bool
    let neighbours: [[Int]]
    var rng: SplitMix64

    init(problem: RoutingProblem, stops: [Int], seed: UInt64) {
        n = stops.count
        startNode = n
        endNode = n + 1
        var coords = stops.map { problem.stops[$0].coordinate! }
        coords.append(problem.start)
        coords.append(problem.end)
        let size = n + 2
        var d = [Double](repeating: 0, count: size * size)
        var t = [Double](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in 0..<size where i != j {
                d[i * size + j] = problem.travel.distance(from: coords[i], to: coords[j])
                t[i * size + j] = problem.travel.duration(from: coords[i], to: coords[j])
            }
        }
        dist = d
        time = t
        service = stops.map { max(0, problem.stops[$0].serviceSeconds) } + [0, 0]
        windows = stops.map { problem.stops[$0].windows.isEmpty ? [TimeWindow(start: -.infinity, end: .infinity)] : problem.stops[$0].windows }
            + [[], []]
        prize = stops.map { max(problem.stops[$0].priority, 1e-6) }
        periods = problem.day.periods.sorted { $0.start < $1.start }
        maxDuration = problem.day.maxDurationSeconds
        maxStops = problem.maxStopsPerTeam ?? Int.max
        teams = problem.teams
        constrained = problem.day.maxDurationSeconds != nil || problem.maxStopsPerTeam != nil
            || problem.stops.contains { !$0.windows.isEmpty }
            || !(periods.count == 1 && periods[0].start <= 0 && periods[0].end == .infinity)
            || problem.stops.contains { $0.serviceSeconds > 0 } && periods.contains { $0.end.isFinite }
        // The nearest stops of every node (and the depots), for the moves worth trying.
        let k = min(12, max(n - 1, 0))
        var lists: [[Int]] = []
        for i in 0..<size {
            let row = (0..<n).filter { $0 != i }.sorted { (d[i * size + $0], $0) < (d[i * size + $1], $1) }
            lists.append(Array(row.prefix(k)))
        }
        neighbours = lists
        rng = SplitMix64(seed: seed)
    }

    @inline(__always) func D(_ a: Int, _ b: Int) -> Double { dist[a * (n + 2) + b] }

    func length(_ route: [Int]) -> Double {
        guard !route.isEmpty else { return 0 }
        var total = D(startNode, route[0]) + D(route[route.count - 1], endNode)
        for i in 1..<route.count { total += D(route[i - 1], route[i]) }
        return total
    }

    // MARK: time

    /// The moment travel of `duration` seconds started at `t` ends, counting working time only.
    func advance(_ t: Double, _ duration: Double) -> Double {
        var t = t, d = duration
        for p in periods where p.end >= t {
            if t < p.start { t = p.start }
            if t + d <= p.end { return t + d }
            d -= p.end - t
        }
        return .infinity
    }

    /// The earliest start ≥ t of a visit to `node` that fits one working period and one opening window.
    func begin(_ node: Int, _ t: Double) -> Double? {
        let s = service[node]
        var best = Double.infinity
        for p in periods where p.end >= t + s {
            if p.start >= best { break }
            for w in windows[node] {
                let lo = max(t, p.start, w.start)
                if lo + s <= min(p.end, w.end) && lo < best { best = lo }
            }
        }
        return best.isFinite ? best : nil
    }

    struct Schedule {
        var visits: [(node: Int, arrival: Double, start: Double, departure: Double)]
        var leaveAt: Double
        var returnAt: Double
    }

    func schedule(_ route: [Int]) -> Schedule? {
        let leave = periods.first.map { $0.start.isFinite && $0.start > 0 ? $0.start : 0 } ?? 0
        var t = leave
        var prev = startNode
        var visits: [(Int, Double, Double, Double)] = []
        for node in route {
            t = advance(t, time[prev * (n + 2) + node])
            guard t.isFinite, let b = begin(node, t) else { return nil }
            visits.append((node, t, b, b + service[node]))
            t = b + service[node]
            prev = node
        }
        t = advance(t, time[prev * (n + 2) + endNode])
        guard t.isFinite else { return nil }
        if let maxDuration, !route.isEmpty, t - leave > maxDuration + 1e-6 { return nil }
        return Schedule(visits: visits.map { (node: $0.0, arrival: $0.1, start: $0.2, departure: $0.3) }, leaveAt: leave, returnAt: t)
    }

    @inline(__always) func feasible(_ route: [Int]) -> Bool {
        if route.count > maxStops { return false }
        return !constrained || schedule(route) != nil
    }

    /// Why `node` cannot be visited even as the only stop of a team, or nil when it can.
    func aloneReason(_ node: Int) -> UnassignedReason? {
        if feasible([node]) { return nil }
        if maxStops < 1 { return .maxStopsReached(maxStops) }
        let fitsSomewhere = periods.contains { p in
            windows[node].contains { w in min(p.end, w.end) - max(p.start, w.start) >= service[node] }
        }
        if !fitsSomewhere {
            return .closedDuringWorkingDay(opening: windows[node].filter { $0.start.isFinite }, service: service[node])
        }
        return .dayTooShort
    }

    // MARK: construction

    func state(_ routes: [[Int]], _ unassigned: [Int]) -> RoutingState {
        RoutingState(routes: routes, unassigned: unassigned, distance: routes.reduce(0) { $0 + length($1) },
                     missedPriority: unassigned.reduce(0) { $0 + prize[$1] })
    }

    func construct(_ nodes: [Int]) -> RoutingState {
        var routes = [[Int]](repeating: [], count: teams)
        var left: [Int] = []
        // Highest priority first; among equals, the farthest from the start first (they shape the routes).
        let order = nodes.sorted { (prize[$0], D(startNode, $0), -$0) > (prize[$1], D(startNode, $1), -$1) }
        for node in order where !insertCheapest(node, into: &routes) { left.append(node) }
        return state(routes, left)
    }

    /// Inserts `node` where it adds the least distance while every route stays feasible.
    @discardableResult
    func insertCheapest(_ node: Int, into routes: inout [[Int]], noise: Double = 0) -> Bool {
        var options: [(delta: Double, route: Int, pos: Int)] = []
        for (r, route) in routes.enumerated() where route.count < maxStops {
            for p in 0...route.count {
                let a = p == 0 ? startNode : route[p - 1]
                let b = p == route.count ? endNode : route[p]
                var delta = D(a, node) + D(node, b) - D(a, b)
                if noise > 0 { delta *= 1 + noise * (rng.nextDouble() - 0.5) }
                options.append((delta, r, p))
            }
        }
        options.sort { ($0.delta, $0.route, $0.pos) < ($1.delta, $1.route, $1.pos) }
        for o in options {
            var candidate = routes[o.route]
            candidate.insert(node, at: o.pos)
            if feasible(candidate) {
                routes[o.route] = candidate
                return true
            }
        }
        return false
    }

    // MARK: improvement

    func improve(_ s: inout RoutingState) {
        var improved = true
        var rounds = 0
        while improved && rounds < 1000 {
            improved = false
            rounds += 1
            if insertUnassigned(&s) { improved = true }
            if swapWithUnassigned(&s) { improved = true }
            for r in s.routes.indices where twoOpt(&s.routes[r]) { improved = true }
            if orOpt(&s) { improved = true }
            if exchange(&s) { improved = true }
        }
        s = state(s.routes, s.unassigned)
    }

    func insertUnassigned(_ s: inout RoutingState) -> Bool {
        var changed = false
        for node in s.unassigned.sorted(by: { (prize[$0], -$0) > (prize[$1], -$1) }) where insertCheapest(node, into: &s.routes) {
            s.unassigned.removeAll { $0 == node }
            changed = true
        }
        return changed
    }

    /// Replaces a visited stop by an unvisited one of higher priority when the route stays feasible.
    func swapWithUnassigned(_ s: inout RoutingState) -> Bool {
        var changed = false
        for u in s.unassigned.sorted(by: { (prize[$0], -$0) > (prize[$1], -$1) }) {
            var done = false
            for r in s.routes.indices where !done {
                for i in s.routes[r].indices where prize[s.routes[r][i]] < prize[u] - 1e-12 {
                    var trial = s.routes
                    let out = trial[r].remove(at: i)
                    if insertCheapest(u, into: &trial) {
                        s.routes = trial
                        s.unassigned.removeAll { $0 == u }
                        s.unassigned.append(out)
                        done = true
                        changed = true
                        break
                    }
                }
            }
        }
        return changed
    }

    /// Segment reversal within one route; new edges are tried only towards near neighbours.
    func twoOpt(_ route: inout [Int]) -> Bool {
        guard route.count >= 2 else { return false }
        var changed = false
        var improved = true
        while improved {
            improved = false
            var pos = [Int: Int]()
            for (i, v) in route.enumerated() { pos[v] = i }
            func pred(_ i: Int) -> Int { i == 0 ? startNode : route[i - 1] }
            func succ(_ j: Int) -> Int { j == route.count - 1 ? endNode : route[j + 1] }
            // Reversing route[i...j] replaces edges (a, b) and (c, d) by (a, c) and (b, d), where a, b = pred(i),
            // route[i] and c, d = route[j], succ(j). Worth trying when a new edge joins near neighbours: c near a,
            // or d near b.
            func reverseIfShorter(_ i: Int, _ j: Int) -> Bool {
                let a = pred(i), b = route[i], c = route[j], d = succ(j)
                guard D(a, c) + D(b, d) - D(a, b) - D(c, d) < -1e-7 else { return false }
                var candidate = route
                candidate[i...j].reverse()
                guard feasible(candidate) else { return false }
                route = candidate
                return true
            }
            outer: for i in 0..<route.count {
                let ends = neighbours[pred(i)].compactMap { pos[$0] } + neighbours[route[i]].compactMap { pos[$0].map { $0 - 1 } }
                for j in ends where j > i {
                    if reverseIfShorter(i, j) {
                        improved = true
                        changed = true
                        break outer
                    }
                }
            }
        }
        return changed
    }

    /// Moves a segment of 1-3 stops (either way round) next to a near neighbour, in its own route or another.
    func orOpt(_ s: inout RoutingState) -> Bool {
        var changed = false
        for length in [1, 2, 3] {
            var r1 = 0
            while r1 < s.routes.count {
                var i = 0
                while i + length <= s.routes[r1].count {
                    if moveSegment(&s, r1, i, length) { changed = true } else { i += 1 }
                }
                r1 += 1
            }
        }
        return changed
    }

    private func moveSegment(_ s: inout RoutingState, _ r1: Int, _ i: Int, _ length: Int) -> Bool {
        let route = s.routes[r1]
        let segment = Array(route[i..<(i + length)])
        let first = segment[0], last = segment[length - 1]
        let a = i == 0 ? startNode : route[i - 1]
        let b = i + length == route.count ? endNode : route[i + length]
        let removeGain = D(a, first) + D(last, b) - D(a, b)
        var rest = route
        rest.removeSubrange(i..<(i + length))
        // Where to try: next to the near neighbours of either end, and at both ends of every route.
        var targets: [(route: Int, pos: Int)] = []
        var location = [Int: (Int, Int)]()
        for (r, rt) in s.routes.enumerated() {
            let base = r == r1 ? rest : rt
            for (p, v) in base.enumerated() { location[v] = (r, p) }
            targets.append((r, 0))
            targets.append((r, base.count))
        }
        for x in neighbours[first] + neighbours[last] {
            guard let (r, p) = location[x] else { continue }
            targets.append((r, p))
            targets.append((r, p + 1))
        }
        var bestDelta = -1e-7
        var best: (route: Int, pos: Int, reversed: Bool)?
        var tried = Set<Int>()
        for t in targets {
            let key = t.route * 100_000 + t.pos
            guard tried.insert(key).inserted else { continue }
            if t.route == r1 && t.pos == i { continue }
            let base = t.route == r1 ? rest : s.routes[t.route]
            if t.route != r1 && base.count + length > maxStops { continue }
            let x = t.pos == 0 ? startNode : base[t.pos - 1]
            let y = t.pos == base.count ? endNode : base[t.pos]
            let forward = D(x, first) + D(last, y) - D(x, y)
            let backward = D(x, last) + D(first, y) - D(x, y)
            for (cost, reversed) in [(forward, false), (backward, true)] {
                let delta = cost - removeGain
                guard delta < bestDelta else { continue }
                var candidate = base
                candidate.insert(contentsOf: reversed ? segment.reversed() : segment, at: t.pos)
                if t.route == r1 {
                    guard feasible(candidate) else { continue }
                } else {
                    guard feasible(candidate), feasible(rest) else { continue }
                }
                bestDelta = delta
                best = (t.route, t.pos, reversed)
            }
        }
        guard let best else { return false }
        if best.route == r1 {
            var candidate = rest
            candidate.insert(contentsOf: best.reversed ? segment.reversed() : segment, at: best.pos)
            s.routes[r1] = candidate
        } else {
            s.routes[best.route].insert(contentsOf: best.reversed ? segment.reversed() : segment, at: best.pos)
            s.routes[r1] = rest
        }
        return true
    }

    /// Swaps two stops of different teams when both routes get shorter in total and stay feasible.
    func exchange(_ s: inout RoutingState) -> Bool {
        guard s.routes.count > 1 else { return false }
        var changed = false
        var location = [Int: (Int, Int)]()
        func locate() {
            location.removeAll(keepingCapacity: true)
            for (r, rt) in s.routes.enumerated() { for (p, v) in rt.enumerated() { location[v] = (r, p) } }
        }
        locate()
        for u in 0..<n {
            guard let (r1, i) = location[u] else { continue }
            for v in neighbours[u] {
                guard let (r2, j) = location[v], r2 != r1 else { continue }
                let route1 = s.routes[r1], route2 = s.routes[r2]
                let a1 = i == 0 ? startNode : route1[i - 1], b1 = i == route1.count - 1 ? endNode : route1[i + 1]
                let a2 = j == 0 ? startNode : route2[j - 1], b2 = j == route2.count - 1 ? endNode : route2[j + 1]
                let delta = D(a1, v) + D(v, b1) + D(a2, u) + D(u, b2) - D(a1, u) - D(u, b1) - D(a2, v) - D(v, b2)
                guard delta < -1e-7 else { continue }
                var c1 = route1, c2 = route2
                c1[i] = v
                c2[j] = u
                guard feasible(c1), feasible(c2) else { continue }
                s.routes[r1] = c1
                s.routes[r2] = c2
                changed = true
                locate()
                break
            }
        }
        return changed
    }

    // MARK: kicks

    /// Removes a stop and some of its near neighbours, then puts them back by cheapest insertion with noise.
    func ruinAndRecreate(_ s: inout RoutingState) {
        let visited = s.routes.flatMap { $0 }
        guard !visited.isEmpty else { return }
        let seed = visited[Int(rng.next() % UInt64(visited.count))]
        let count = 2 + Int(rng.next() % UInt64(max(1, min(15, visited.count / 3))))
        var removed = Set([seed])
        if rng.next() % 2 == 0 {
            // A cluster: the seed and its nearest visited neighbours.
            for v in neighbours[seed] where removed.count < count && visited.contains(v) { removed.insert(v) }
        } else {
            // A string: consecutive stops of the seed's route (the move that untangles crossed tours).
            let route = s.routes.first { $0.contains(seed) }!
            let at = route.firstIndex(of: seed)!
            let from = max(0, at - Int(rng.next() % UInt64(count)))
            for v in route[from..<min(route.count, from + count)] { removed.insert(v) }
        }
        for r in s.routes.indices { s.routes[r].removeAll { removed.contains($0) } }
        let pool = (Array(removed).sorted() + s.unassigned).map { ($0, rng.nextDouble()) }
            .sorted { (prize[$0.0], $0.1) > (prize[$1.0], $1.1) }.map(\.0)
        s.unassigned = []
        for node in pool where !insertCheapest(node, into: &s.routes, noise: 0.2) { s.unassigned.append(node) }
        s = state(s.routes, s.unassigned)
    }
}

/// A small deterministic generator (Steele, Lea and Flood's SplitMix64), so a seed gives the same plan
/// on every platform. Public for the demo-data generator, which needs the same property.
public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
