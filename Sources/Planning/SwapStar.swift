/// SWAP* between two routes (Vidal 2022, "Hybrid genetic search for the CVRP: open-source implementation and
/// SWAP* neighborhood"): a stop of one route and a stop of the other trade routes, each going to its best place in
/// the other route rather than into the place the other left. The three cheapest places of every stop in the other
/// route are found first, so a pair of routes costs about the product of their lengths; the best exchange so
/// estimated is then priced exactly (time warp included) and applied only when it lowers the two routes' cost.
extension LocalSearch {
    /// Routes longer than this together (product of lengths) are left to the other moves: the sweep would cost more
    /// than it finds.
    static let swapStarLimit = 40_000

    /// One SWAP* sweep over every pair of routes that are near each other (some stop of one has a near neighbour in
    /// the other). Returns the stops of the routes it changed, empty when nothing improved.
    func swapStar(_ s: inout SearchState, shouldStop: () -> Bool) -> [Int] {
        let teams = s.routes.count
        guard teams > 1 else { return [] }
        var near = Array(repeating: false, count: teams * teams)
        for (a, route) in s.routes.enumerated() {
            for u in route {
                for v in m.neighbours[u] where s.routeOf[v] >= 0 && s.routeOf[v] != a { near[a * teams + s.routeOf[v]] = true }
            }
        }
        var changed: [Int] = []
        for a in 0..<teams {
            for b in (a + 1)..<teams where near[a * teams + b] || near[b * teams + a] {
                guard !s.routes[a].isEmpty, !s.routes[b].isEmpty,
                      s.routes[a].count * s.routes[b].count <= Self.swapStarLimit else { continue }
                if shouldStop() { return changed }
                if exchange(a, b, &s) { changed += s.routes[a] + s.routes[b] }
            }
        }
        return changed
    }

    /// The cost change of route r without its stop at place i.
    private func removal(_ s: SearchState, _ r: Int, _ i: Int) -> Double {
        hullCost(m.join(s.prefix[r][i], s.node(r, i - 1, m), s.suffix[r][i + 1], s.node(r, i + 1, m))) - cost(s, r)
    }

    /// The cost change of route r with u put at place p (before the stop now there).
    @inline(__always) private func insertion(_ s: SearchState, _ u: Int, _ r: Int, _ p: Int) -> Double {
        hullCost(m.join(m.join(s.prefix[r][p], s.node(r, p - 1, m), m.nodeSegment[u], u), u, s.suffix[r][p], s.node(r, p, m))) - cost(s, r)
    }

    /// The cost change of route r with u in place of the stop at place j.
    @inline(__always) private func replacement(_ s: SearchState, _ u: Int, _ r: Int, _ j: Int) -> Double {
        hullCost(m.join(m.join(s.prefix[r][j], s.node(r, j - 1, m), m.nodeSegment[u], u), u, s.suffix[r][j + 1], s.node(r, j + 1, m))) - cost(s, r)
    }

    /// The three cheapest places (cost change, place) of each stop of route `from` in route `into`.
    private func cheapestPlaces(_ s: SearchState, from: Int, into: Int) -> [Places] {
        s.routes[from].map { u in
            var best = Places()
            for p in 0...s.routes[into].count { best.offer(insertion(s, u, into, p), p) }
            return best
        }
    }

    /// Where a stop of one route goes in the other: the best place that does not touch the stop leaving at `gone`
    /// (counted as if that stop were still there), or that stop's own place (`replaces`).
    private struct Choice { var cost: Double; var place: Int; var replaces: Bool }

    private func choose(_ s: SearchState, _ u: Int, _ places: Places, into r: Int, leaving gone: Int, removal: Double) -> Choice {
        var best = Choice(cost: replacement(s, u, r, gone), place: gone, replaces: true)
        for k in 0..<3 {
            let (c, p) = places[k]
            guard p >= 0, p != gone, p != gone + 1 else { continue }
            if removal + c < best.cost { best = Choice(cost: removal + c, place: p, replaces: false) }
            break
        }
        return best
    }

    /// The best SWAP* between routes a and b, applied when it lowers their cost.
    private func exchange(_ a: Int, _ b: Int, _ s: inout SearchState) -> Bool {
        let routeA = s.routes[a], routeB = s.routes[b]
        let removeA = routeA.indices.map { removal(s, a, $0) }, removeB = routeB.indices.map { removal(s, b, $0) }
        let placesInB = cheapestPlaces(s, from: a, into: b), placesInA = cheapestPlaces(s, from: b, into: a)
        var best = (delta: -Self.eps, i: -1, j: -1, intoB: Choice(cost: 0, place: 0, replaces: true), intoA: Choice(cost: 0, place: 0, replaces: true))
        for (i, u) in routeA.enumerated() {
            for (j, v) in routeB.enumerated() {
                let intoB = choose(s, u, placesInB[i], into: b, leaving: j, removal: removeB[j])
                let intoA = choose(s, v, placesInA[j], into: a, leaving: i, removal: removeA[i])
                let delta = intoA.cost + intoB.cost
                if delta < best.delta { best = (delta, i, j, intoB, intoA) }
            }
        }
        guard best.i >= 0 else { return false }
        let newA = Self.exchanged(routeA, leaving: best.i, arriving: routeB[best.j], best.intoA)
        let newB = Self.exchanged(routeB, leaving: best.j, arriving: routeA[best.i], best.intoB)
        return tryTwo(&s, a, whole(newA), { newA }, b, whole(newB), { newB })
    }

    /// `route` without its stop at place `gone`, with `arriving` at the chosen place.
    private static func exchanged(_ route: [Int], leaving gone: Int, arriving u: Int, _ choice: Choice) -> [Int] {
        var r = route
        if choice.replaces { r[gone] = u; return r }
        r.insert(u, at: choice.place)
        r.remove(at: choice.place <= gone ? gone + 1 : gone)
        return r
    }

    /// The segment of a whole route, from the start to the end.
    private func whole(_ route: [Int]) -> RouteSegment {
        var seg = m.nodeSegment[m.startNode], last = m.startNode
        for v in route {
            seg = m.join(seg, last, m.nodeSegment[v], v)
            last = v
        }
        return m.join(seg, last, m.nodeSegment[m.endNode], m.endNode)
    }
}

/// The three cheapest places of a stop, cheapest first (place -1: none).
struct Places {
    var cost: (Double, Double, Double) = (.infinity, .infinity, .infinity)
    var place: (Int, Int, Int) = (-1, -1, -1)

    /// The k-th cheapest (0, 1 or 2): cost change and place.
    subscript(_ k: Int) -> (Double, Int) { k == 0 ? (cost.0, place.0) : k == 1 ? (cost.1, place.1) : (cost.2, place.2) }

    mutating func offer(_ c: Double, _ p: Int) {
        if c < cost.0 {
            cost = (c, cost.0, cost.1); place = (p, place.0, place.1)
        } else if c < cost.1 {
            cost = (cost.0, c, cost.1); place = (place.0, p, place.1)
        } else if c < cost.2 {
            cost.2 = c; place.2 = p
        }
    }
}
