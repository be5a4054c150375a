import Testing
@testable import Planning

/// SWAP* between two routes: when only distance matters its estimate is exact, so once a search with SWAP* has
/// run out of moves, no exchange of a stop of one route with a stop of the other, each put anywhere in its new
/// route, shortens the two routes (checked over every pair and every pair of places). Each team may take half the
/// stops, so that both routes stay full and stops can only change routes by exchange.
@Suite struct SwapStarTests {
    @Test(arguments: [(UInt64(1), 40), (2, 60), (3, 80)])
    func noExchangeBetweenTwoRoutesShortensThemAfterTheSearch(seed: UInt64, count: Int) {
        var problem = RoutingProblem(stops: randomStops(count, seed: seed), teams: 2, start: office,
                                     day: .unlimited, travel: StraightLineTravel.haversine)
        problem.maxStopsPerTeam = count / 2
        let m = SearchModel(problem: problem, stops: Array(0..<count))
        // Interleaved routes: far from any local optimum.
        var s = SearchState(model: m, routes: [Array(stride(from: 0, to: count, by: 2)), Array(stride(from: 1, to: count, by: 2))],
                            unassigned: [])
        LocalSearch(model: m, penalty: 1).run(&s, from: Array(0..<count), swapStar: true, shouldStop: { false })
        let (a, b) = (s.routes[0], s.routes[1])
        #expect((a + b).sorted() == Array(0..<count), "every stop once")
        let old = m.length(a) + m.length(b)
        var improving: [String] = []
        for (i, u) in a.enumerated() {
            for (j, v) in b.enumerated() {
                var restA = a, restB = b
                restA.remove(at: i)
                restB.remove(at: j)
                let bestA = m.length(restA) + cheapestDetour(v, restA, m), bestB = m.length(restB) + cheapestDetour(u, restB, m)
                if bestA + bestB < old - 1e-6 { improving.append("\(u) ⇄ \(v): \(bestA + bestB - old) m") }
            }
        }
        #expect(improving.isEmpty, "\(improving.count) improving exchanges, e.g. \(improving.prefix(3))")
    }

    /// The least added distance of putting v anywhere in route r, trying every place.
    func cheapestDetour(_ v: Int, _ r: [Int], _ m: SearchModel) -> Double {
        let path = [m.startNode] + r + [m.endNode]
        return (0..<(path.count - 1)).map { k in m.D(path[k], v) + m.D(v, path[k + 1]) - m.D(path[k], path[k + 1]) }.min()!
    }
}
