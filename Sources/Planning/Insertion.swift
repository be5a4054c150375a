/// Where a left-out stop can go: the cheapest place that keeps its route feasible.
extension SearchModel {
    /// A new route is feasible when its segment says so and, if some stop has gaps between windows, its replay does.
    @inline(__always) func feasible(_ seg: RouteSegment, _ route: @autoclosure () -> [Int]) -> Bool {
        guard Int(seg.stops) <= maxStops else { return false }
        guard constrained else { return true }
        guard seg.timeWarp < 1e-6 else { return false }
        return seg.multiWindow == 0 || exactWarp(route()) < 1e-6
    }

    /// The cheapest feasible place for u: next to its near neighbours (and in an empty route), or everywhere.
    /// `blink` skips each place with that probability, for variety in ruin-and-recreate.
    func cheapestInsertion(_ u: Int, _ s: SearchState, allPositions: Bool, blink: ((Double) -> Bool)?) -> (Int, Int)? {
        var options: [(delta: Double, route: Int, pos: Int)] = []
        func consider(_ r: Int, _ p: Int) {
            if let blink, blink(0.01) { return }
            let a = s.node(r, p - 1, self), b = s.node(r, p, self)
            let seg = join(join(s.prefix[r][p], a, nodeSegment[u], u), u, s.suffix[r][p], b)
            guard Int(seg.stops) <= maxStops, !constrained || seg.timeWarp < 1e-6 else { return }
            options.append((seg.distance - s.distance[r], r, p))
        }
        var all = allPositions
        if !all {
            for v in neighbours[u] where s.routeOf[v] >= 0 {
                consider(s.routeOf[v], s.position[v])
                consider(s.routeOf[v], s.position[v] + 1)
            }
            if let empty = s.routes.firstIndex(where: \.isEmpty) { consider(empty, 0) }
            if options.isEmpty && !constrained {
                // Nothing near is routed yet and any place is feasible: either end of a route will do for now.
                for r in s.routes.indices where !s.routes[r].isEmpty { consider(r, 0); consider(r, s.routes[r].count) }
            }
            all = options.isEmpty && s.routes.contains { !$0.isEmpty }
        }
        if all {
            options.removeAll()
            var triedEmpty = false
            for r in s.routes.indices {
                if s.routes[r].isEmpty { if triedEmpty { continue }; triedEmpty = true }
                for p in 0...s.routes[r].count { consider(r, p) }
            }
        }
        // Cheapest first; usually the first is feasible, so pick minima rather than sort.
        while !options.isEmpty {
            var k = 0
            for i in 1..<options.count where (options[i].delta, options[i].route, options[i].pos) < (options[k].delta, options[k].route, options[k].pos) {
                k = i
            }
            options.swapAt(k, options.count - 1)
            let o = options.removeLast()
            let seg = join(join(s.prefix[o.route][o.pos], s.node(o.route, o.pos - 1, self), nodeSegment[u], u), u,
                             s.suffix[o.route][o.pos], s.node(o.route, o.pos, self))
            if feasible(seg, { var r = s.routes[o.route]; r.insert(u, at: o.pos); return r }()) { return (o.route, o.pos) }
        }
        return nil
    }
}
