/// The kick between local searches: take out a few stops that belong together, then put every left-out stop
/// back where it costs least, highest priority first (Christiaens and Vanden Berghe 2020, "Slack induction by
/// string removals"). One variant takes out the stops that cost the most minutes for their priority, so that
/// cheaper stops of the same priority can take their place.
final class RuinAndRecreate {
    let m: SearchModel
    var rng: SplitMix64
    /// Average stops taken out per ruin, and the longest string.
    let averageRemoved = 10.0
    let longestString = 10.0

    init(model: SearchModel, seed: UInt64) {
        m = model
        rng = SplitMix64(seed: seed)
    }

    /// Takes stops out of their routes; returns them and the nodes whose surroundings changed.
    func ruin(_ s: inout SearchState) -> (removed: [Int], touched: [Int]) {
        let visited = m.n - s.unassigned.count
        guard visited > 0 else { return ([], []) }
        var removed: [Int] = []
        if !s.unassigned.isEmpty && rng.nextDouble() < 0.25 {
            removed = costliestMinutes(s, count: 1 + rng.below(max(1, min(8, visited / 4))))
        } else {
            removed = strings(s)
        }
        var touched: [Int] = []
        var routesHit: [Int] = []
        for v in removed {
            let r = s.routeOf[v], i = s.position[v]
            touched.append(s.node(r, i - 1, m))
            touched.append(s.node(r, i + 1, m))
            if !routesHit.contains(r) { routesHit.append(r) }
        }
        let out = Set(removed)
        for r in routesHit { s.routes[r].removeAll { out.contains($0) } }
        for v in removed { s.leaveOut(v, m) }
        for r in routesHit { s.refresh(r, m) }
        return (removed, touched.filter { $0 < m.n })
    }

    /// Strings of consecutive stops from the routes nearest a random stop.
    private func strings(_ s: SearchState) -> [Int] {
        var seed = rng.below(m.n)
        while s.routeOf[seed] < 0 { seed = (seed + 1) % m.n }
        let routed = s.routes.filter { !$0.isEmpty }
        let meanLength = Double(routed.reduce(0) { $0 + $1.count }) / Double(max(routed.count, 1))
        let maxString = min(longestString, meanLength)
        let maxStrings = max(1, 4 * averageRemoved / (1 + maxString) - 1)
        let wanted = Int(rng.nextDouble() * maxStrings) + 1
        var removed: [Int] = []
        var ruined: [Int] = []
        for c in [seed] + m.neighbours[seed] where ruined.count < wanted {
            let r = s.routeOf[c]
            guard r >= 0, !ruined.contains(r) else { continue }
            ruined.append(r)
            let route = s.routes[r]
            let length = Int(rng.nextDouble() * min(maxString, Double(route.count))) + 1
            let at = s.position[c]
            let from = max(0, min(route.count - length, at - rng.below(length)))
            removed += route[from..<(from + length)]
        }
        return removed
    }

    /// The visited stops whose visit and detour take the most minutes per point of priority (with some noise).
    private func costliestMinutes(_ s: SearchState, count: Int) -> [Int] {
        var scored: [(Double, Int)] = []
        for (r, route) in s.routes.enumerated() {
            for (i, v) in route.enumerated() {
                let a = s.node(r, i - 1, m), b = s.node(r, i + 1, m)
                let minutes = m.T(a, v) + m.service[v] + m.T(v, b) - m.T(a, b)
                scored.append((minutes / m.prize[v] * (0.7 + 0.6 * rng.nextDouble()), v))
            }
        }
        scored.sort { ($0.0, $0.1) > ($1.0, $1.1) }
        return scored.prefix(count).map(\.1)
    }

    enum Order: CaseIterable { case random, farthestFirst, nearestFirst, fewestMinutesFirst }

    /// Inserts left-out stops (`pool`, or all), highest priority first, each at its cheapest feasible place;
    /// returns the inserted.
    @discardableResult
    func recreate(_ s: inout SearchState, pool: [Int]? = nil, order: Order? = nil, blink: Bool = true,
                  shouldStop: () -> Bool = { false }) -> [Int] {
        let order = order ?? Order.allCases[rng.below(Order.allCases.count)]
        let keys: [(Double, Double, Int)] = (pool ?? s.unassigned).map { v in
            let tie: Double = switch order {
            case .random: rng.nextDouble()
            case .farthestFirst: m.D(m.startNode, v)
            case .nearestFirst: -m.D(m.startNode, v)
            case .fewestMinutesFirst: -(m.service[v] + m.T(m.startNode, v))
            }
            return (m.prize[v], tie, -v)
        }
        let ordered = keys.sorted { $0 > $1 }.map { -$0.2 }
        let allPositions = m.n - s.unassigned.count <= 200
        var inserted: [Int] = []
        var hurry = false
        for (k, u) in ordered.enumerated() where s.routeOf[u] < 0 {
            if k & 31 == 31 && !hurry { hurry = shouldStop() }
            var place: (Int, Int)?
            if hurry && !m.constrained {
                // Out of time while building: at the end of the shortest route (any place is feasible), the search will not come.
                if let r = s.routes.indices.filter({ s.routes[$0].count < m.maxStops }).min(by: { s.routes[$0].count < s.routes[$1].count }) {
                    place = (r, s.routes[r].count)
                }
            } else {
                place = m.cheapestInsertion(u, s, allPositions: allPositions, blink: blink ? { [self] p in rng.nextDouble() < p } : nil)
            }
            guard let (r, p) = place else { continue }
            s.routes[r].insert(u, at: p)
            s.remove(unassigned: u, m)
            s.refresh(r, m)
            inserted.append(u)
        }
        return inserted
    }
}
