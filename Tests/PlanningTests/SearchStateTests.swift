import Testing
@testable import Planning

/// The search prices every move from the prefix and suffix segments of its routes, and after a change refreshes
/// only the stretch between the first and the last changed place. Those kept segments must be exactly what a
/// fresh computation gives, or moves are priced on a route that no longer exists.
@Suite struct SearchStateTests {
    @Test(arguments: [(UInt64(1), 40, 2), (2, 80, 3), (3, 120, 3)])
    func refreshedSegmentsEqualAFreshComputationAfterEveryChange(seed: UInt64, count: Int, teams: Int) {
        let problem = RoutingProblem(stops: fullDayStops(count, seed: seed), teams: teams, start: office)
        let m = SearchModel(problem: problem, stops: Array(0..<count))
        var rng = SplitMix64(seed: seed)
        var s = SearchState(model: m, routes: Array(repeating: [], count: teams), unassigned: Array(0..<count))
        for change in 0..<600 {
            var changed: [Int] = []
            let r = rng.below(teams)
            switch rng.below(5) {
            case 0 where !s.unassigned.isEmpty, 1 where !s.unassigned.isEmpty:
                // A left-out stop into a random place.
                let u = s.unassigned[rng.below(s.unassigned.count)]
                s.routes[r].insert(u, at: rng.below(s.routes[r].count + 1))
                s.remove(unassigned: u, m)
                changed = [r]
            case 2 where !s.routes[r].isEmpty:
                let u = s.routes[r].remove(at: rng.below(s.routes[r].count))
                s.leaveOut(u, m)
                changed = [r]
            case 3 where s.routes[r].count > 1:
                // A stretch reversed (2-opt).
                let i = rng.below(s.routes[r].count), j = rng.below(s.routes[r].count)
                s.routes[r][min(i, j)...max(i, j)].reverse()
                changed = [r]
            default:
                // Tails exchanged with another route (2-opt*).
                let q = (r + 1 + rng.below(teams - 1)) % teams
                let i = rng.below(s.routes[r].count + 1), j = rng.below(s.routes[q].count + 1)
                let tailR = Array(s.routes[r][i...]), tailQ = Array(s.routes[q][j...])
                s.routes[r].replaceSubrange(i..., with: tailQ)
                s.routes[q].replaceSubrange(j..., with: tailR)
                changed = [r, q]
            }
            for c in changed { s.refresh(c, m) }
            let fresh = SearchState(model: m, routes: s.routes, unassigned: s.unassigned)
            let differences = Self.differences(s, fresh)
            #expect(differences.isEmpty, "after change \(change): \(differences.prefix(3))")
            if !differences.isEmpty { return }
        }
        #expect(s.routes.contains { $0.count > 5 }, "the changes built real routes")
    }

    static func differences(_ a: SearchState, _ b: SearchState) -> [String] {
        var found: [String] = []
        func same(_ x: RouteSegment, _ y: RouteSegment) -> Bool {
            x.distance == y.distance && x.duration == y.duration && x.timeWarp == y.timeWarp
                && x.earliestStart == y.earliestStart && x.latestStart == y.latestStart && x.stops == y.stops && x.multiWindow == y.multiWindow
        }
        for r in a.routes.indices {
            if a.distance[r] != b.distance[r] { found.append("route \(r) distance \(a.distance[r]) ≠ \(b.distance[r])") }
            if a.warp[r] != b.warp[r] { found.append("route \(r) warp \(a.warp[r]) ≠ \(b.warp[r])") }
            if a.prefix[r].count != b.prefix[r].count || a.suffix[r].count != b.suffix[r].count {
                found.append("route \(r): \(a.prefix[r].count)/\(a.suffix[r].count) segments, fresh \(b.prefix[r].count)/\(b.suffix[r].count)")
                continue
            }
            for i in a.prefix[r].indices where !same(a.prefix[r][i], b.prefix[r][i]) { found.append("route \(r) prefix \(i)") }
            for i in a.suffix[r].indices where !same(a.suffix[r][i], b.suffix[r][i]) { found.append("route \(r) suffix \(i)") }
        }
        if a.routeOf != b.routeOf || a.position != b.position { found.append("places of stops differ") }
        if abs(a.missedPrize - b.missedPrize) > 1e-9 { found.append("missed priority \(a.missedPrize) ≠ \(b.missedPrize)") }
        return found
    }
}
