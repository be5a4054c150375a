/// A solution while the search works on it: routes of nodes, the stops left out, and per route the segments of
/// every prefix and suffix so that a move is priced by joining at most four of them.
struct SearchState {
    var routes: [[Int]]
    var unassigned: [Int]
    /// prefix[r][i]: the start and the first i stops of route r. suffix[r][i]: stops i… of route r and the end.
    var prefix: [[RouteSegment]]
    var suffix: [[RouteSegment]]
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

    /// Recomputes route r's segments, places, distance and warp after it changed.
    mutating func refresh(_ r: Int, _ m: SearchModel) {
        let route = routes[r]
        var pre = [RouteSegment](); pre.reserveCapacity(route.count + 1)
        pre.append(m.nodeSegment[m.startNode])
        var prev = m.startNode
        for (i, v) in route.enumerated() {
            pre.append(m.join(pre[i], prev, m.nodeSegment[v], v))
            routeOf[v] = r
            position[v] = i
            prev = v
        }
        var suf = [RouteSegment](repeating: m.nodeSegment[m.endNode], count: route.count + 1)
        var next = m.endNode
        for i in stride(from: route.count - 1, through: 0, by: -1) {
            let v = route[i]
            suf[i] = m.join(m.nodeSegment[v], v, suf[i + 1], next)
            next = v
        }
        let whole = m.join(pre[route.count], prev, m.nodeSegment[m.endNode], m.endNode)
        distance[r] = route.isEmpty ? 0 : whole.distance
        warp[r] = route.isEmpty || !m.constrained ? 0 : (whole.multiWindow > 0 ? m.exactWarp(route) : whole.timeWarp)
        prefix[r] = pre
        suffix[r] = suf
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
