/// A solution while the search works on it: routes of nodes, the stops left out, and per route the segments of
/// every prefix and suffix so that a move is priced by joining at most four of them.
struct SearchState {
    var routes: [[Int]]
    var unassigned: [Int]
    /// prefix[r][i]: the start and the first i stops of route r. suffix[r][i]: stops i… of route r and the end.
    var prefix: [[RouteSegment]]
    var suffix: [[RouteSegment]]
    /// Each route as its segments were last computed, to find what a move changed.
    var refreshed: [[Int]]
    var legs: [[(distance: Double, time: Double)]]
    var distance: [Double]
    /// Exact time warp of each route; a route is feasible when it is 0.
    var warp: [Double]
    /// Route and place of every node; -1 when unassigned.
    var routeOf: [Int]
    var position: [Int]
    var missedPrize: Double

    init(model: SearchModel, routes: [[Int]], unassigned: [Int]) {
        self.routes = routes
        self.unassigned = unassigned
        prefix = Array(repeating: [], count: routes.count)
        suffix = Array(repeating: [], count: routes.count)
        refreshed = Array(repeating: [], count: routes.count)
        legs = Array(repeating: [], count: routes.count)
        distance = Array(repeating: 0, count: routes.count)
        warp = Array(repeating: 0, count: routes.count)
        routeOf = Array(repeating: -1, count: model.n)
        position = Array(repeating: -1, count: model.n)
        missedPrize = unassigned.reduce(0) { $0 + model.prize[$1] }
        for r in routes.indices { refresh(r, model) }
    }

    var totalDistance: Double { distance.reduce(0, +) }
    var totalWarp: Double { warp.reduce(0, +) }
    var isFeasible: Bool { warp.allSatisfy { $0 < 1e-6 } }

    func penalised(_ penalty: Double) -> Double { totalDistance + penalty * totalWarp }

    /// Recomputes route r's segments, places, distance and warp after it changed. Only the part between the first
    /// and the last changed place is recomputed (the rest of the prefixes and suffixes still hold), so a move in a
    /// long route costs about the stretch it changed.
    mutating func refresh(_ r: Int, _ m: SearchModel) {
        let route = routes[r], old = refreshed[r]
        let newCount = route.count, oldCount = old.count
        var lo = 0
        let common = min(newCount, oldCount)
        while lo < common && route[lo] == old[lo] { lo += 1 }
        var tail = 0
        while tail < common - lo && route[newCount - 1 - tail] == old[oldCount - 1 - tail] { tail += 1 }
        if prefix[r].isEmpty {
            lo = 0
            tail = 0
            prefix[r] = [m.nodeSegment[m.startNode]]
            suffix[r] = [m.nodeSegment[m.endNode]]
            legs[r] = [m.leg(m.startNode, m.endNode)]
        }
        // Legs (distance and time of each edge, into place i) are kept so that the unchanged edges are not looked
        // up in the matrix again: on large instances those reads miss the cache and dominate.
        let newLegs = (lo...(newCount - tail)).map { i in m.leg(i == 0 ? m.startNode : route[i - 1], i == newCount ? m.endNode : route[i]) }
        legs[r].replaceSubrange(lo...(oldCount - tail), with: newLegs)
        // In place: the arrays are only copied when shared with another state.
        prefix[r].removeSubrange((lo + 1)...)
        for i in lo..<newCount {
            let v = route[i]
            let leg = legs[r][i]
            prefix[r].append(prefix[r][i].then(m.nodeSegment[v], distance: leg.distance, travel: leg.time))
            routeOf[v] = r
            position[v] = i
        }
        suffix[r].replaceSubrange(0..<(oldCount - tail), with: repeatElement(m.nodeSegment[m.endNode], count: newCount - tail))
        for i in stride(from: newCount - tail - 1, through: 0, by: -1) {
            let leg = legs[r][i + 1]
            suffix[r][i] = m.nodeSegment[route[i]].then(suffix[r][i + 1], distance: leg.distance, travel: leg.time)
        }
        let back = legs[r][newCount]
        let whole = prefix[r][newCount].then(m.nodeSegment[m.endNode], distance: back.distance, travel: back.time)
        distance[r] = route.isEmpty ? 0 : whole.distance
        warp[r] = route.isEmpty || !m.constrained ? 0 : (whole.multiWindow > 0 ? m.exactWarp(route) : whole.timeWarp)
        refreshed[r] = route
    }

    /// The node at place i of route r, or the start / end beyond its ends.
    @inline(__always) func node(_ r: Int, _ i: Int, _ m: SearchModel) -> Int {
        i < 0 ? m.startNode : (i >= routes[r].count ? m.endNode : routes[r][i])
    }

    mutating func remove(unassigned node: Int, _ m: SearchModel) {
        if let k = unassigned.firstIndex(of: node) { unassigned.remove(at: k) }
        missedPrize -= m.prize[node]
    }

    mutating func leaveOut(_ node: Int, _ m: SearchModel) {
        unassigned.append(node)
        routeOf[node] = -1
        position[node] = -1
        missedPrize += m.prize[node]
    }
}
