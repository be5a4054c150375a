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
        typealias Option = (delta: Double, route: Int, pos: Int)
        // A place whose segment has no stop with gaps between its windows is feasible as priced: only the cheapest
        // of those is kept. The others (rare) wait for an exact check, cheapest first.
        var sure: Option? = nil
        var unsure: [Option] = []
        var found = false
        func consider(_ r: Int, _ p: Int) {
            if let blink, blink(0.01) { return }
            let a = s.node(r, p - 1, self), b = s.node(r, p, self)
            let seg = join(join(s.prefix[r][p], a, nodeSegment[u], u), u, s.suffix[r][p], b)
            guard Int(seg.stops) <= maxStops, !constrained || seg.timeWarp < 1e-6 else { return }
            found = true
            let o = (seg.distance - s.distance[r], r, p)
            if !constrained || seg.multiWindow == 0 {
                if sure.map({ o < $0 }) ?? true { sure = o }
            } else {
                unsure.append(o)
            }
        }
        var all = allPositions
        if !all {
            for v in neighbours[u] where s.routeOf[v] >= 0 {
                consider(s.routeOf[v], s.position[v])
                consider(s.routeOf[v], s.position[v] + 1)
            }
            if let empty = s.routes.firstIndex(where: \.isEmpty) { consider(empty, 0) }
            if !found && !constrained {
                // Nothing near is routed yet and any place is feasible: either end of a route will do for now.
                for r in s.routes.indices where !s.routes[r].isEmpty { consider(r, 0); consider(r, s.routes[r].count) }
            }
            all = !found && s.routes.contains { !$0.isEmpty }
        }
        if all {
            sure = nil
            unsure.removeAll()
            var triedEmpty = false
            for r in s.routes.indices {
                if s.routes[r].isEmpty { if triedEmpty { continue }; triedEmpty = true }
                for p in 0...s.routes[r].count { consider(r, p) }
            }
        }
        // The unsure places cheaper than the best sure one, cheapest first, until one passes the exact check.
        while !unsure.isEmpty {
            var k = 0
            for i in 1..<unsure.count where unsure[i] < unsure[k] { k = i }
            if let best = sure, best < unsure[k] { break }
            unsure.swapAt(k, unsure.count - 1)
            let o = unsure.removeLast()
            var route = s.routes[o.route]
            route.insert(u, at: o.pos)
            if exactWarp(route) < 1e-6 { return (o.route, o.pos) }
        }
        return sure.map { ($0.route, $0.pos) }
    }
}
