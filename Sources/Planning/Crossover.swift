/// Selective route exchange (SREX; Nagata and Kobayashi 2010, as in PyVRP's hybrid genetic search): a child takes
/// a few whole routes of one parent in place of the routes of the other parent that share the most stops with
/// them, so that good routes travel between solutions intact. A stop that would then be visited twice is kept in
/// one of the two places (both ways are tried, the cheaper child wins); a stop the exchanged routes dropped is put
/// back at its cheapest feasible place, highest priority first, or stays left out for the search to place.
struct Crossover {
    let m: SearchModel
    let kicks: RuinAndRecreate

    /// The cheaper of the two children of `a` and `b`; `stops` are every stop the search may route.
    func srex(_ a: SearchState, _ b: SearchState, stops: [Int], penalty: Double, rng: inout SplitMix64) -> SearchState {
        let both = children(a, b, stops: stops, rng: &rng)
        return both.dropFirst().reduce(both[0]) { Self.isCheaper($1, than: $0, penalty: penalty) ? $1 : $0 }
    }

    /// Some routes of `a` in place of the routes of `b` that share the most stops with them: once with the twice
    /// visited stops kept in `a`'s routes, once in `b`'s.
    func children(_ a: SearchState, _ b: SearchState, stops: [Int], rng: inout SplitMix64) -> [SearchState] {
        let fromA = a.routes.indices.filter { !a.routes[$0].isEmpty }
        guard !fromA.isEmpty else { return [b] }
        // How many routes go over: 1 to all but one of A's (all, when A has one).
        let count = fromA.count == 1 ? 1 : 1 + rng.below(fromA.count - 1)
        var chosen = fromA
        for k in 0..<count { chosen.swapAt(k, k + rng.below(chosen.count - k)) }
        chosen = Array(chosen.prefix(count))
        let replaced = matchingRoutes(chosen.map { a.routes[$0] }, in: b)
        var inChosen = Array(repeating: false, count: m.n)
        for r in chosen { for v in a.routes[r] { inChosen[v] = true } }
        var inKept = Array(repeating: false, count: m.n)
        for (r, route) in b.routes.enumerated() where !replaced.contains(r) { for v in route { inKept[v] = true } }
        return [true, false].map { keepChosen in
            var routes = b.routes
            for (k, r) in replaced.enumerated() {
                routes[r] = keepChosen ? a.routes[chosen[k]] : a.routes[chosen[k]].filter { !inKept[$0] }
            }
            if keepChosen {
                for r in routes.indices where !replaced.contains(r) { routes[r].removeAll { inChosen[$0] } }
            }
            return complete(routes, dropped: replaced.flatMap { b.routes[$0] }, stops: stops)
        }
    }

    /// The routes of `b` to be replaced by `routes`: for each, the not yet taken route sharing the most stops.
    func matchingRoutes(_ routes: [[Int]], in b: SearchState) -> [Int] {
        var taken: [Int] = []
        for route in routes {
            var shared = Array(repeating: 0, count: b.routes.count)
            for v in route where b.routeOf[v] >= 0 { shared[b.routeOf[v]] += 1 }
            let pick = b.routes.indices.filter { !taken.contains($0) }.max { (shared[$0], -$0) < (shared[$1], -$1) }!
            taken.append(pick)
        }
        return taken
    }

    /// The state of `routes`, with the stops in `dropped` that no route visits put back where they fit.
    private func complete(_ routes: [[Int]], dropped: [Int], stops: [Int]) -> SearchState {
        var visited = Array(repeating: false, count: m.n)
        for route in routes { for v in route { visited[v] = true } }
        var child = SearchState(model: m, routes: routes, unassigned: stops.filter { !visited[$0] })
        kicks.recreate(&child, pool: dropped.filter { !visited[$0] }, order: .random, blink: false)
        return child
    }

    /// More priority visited, then less distance with time warp at `penalty`.
    static func isCheaper(_ x: SearchState, than y: SearchState, penalty: Double) -> Bool {
        if x.missedPrize < y.missedPrize - 1e-9 { return true }
        return x.missedPrize <= y.missedPrize + 1e-9 && x.penalised(penalty) < y.penalised(penalty)
    }
}
