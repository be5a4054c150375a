import Testing
@testable import Planning

/// The plain-tour search (2-opt, Or-opt, kicks): its tour is a path through every stop whose kept length is the
/// real one, no 2-opt move shortens it (checked over all pairs, not only near ones) and no relocation next to a
/// near stop does.
@Suite struct TourSearchTests {
    static func model(_ count: Int, seed: UInt64, end: Coordinate = office) -> SearchModel {
        let problem = RoutingProblem(stops: randomStops(count, seed: seed), start: office, end: end,
                                     day: .unlimited, travel: StraightLineTravel.haversine)
        return SearchModel(problem: problem, stops: Array(0..<count))
    }

    @Test(arguments: [(UInt64(1), 60), (2, 150), (3, 300)])
    func theTourIsAPathNoTwoOptOrRelocationShortens(seed: UInt64, count: Int) {
        let m = Self.model(count, seed: seed, end: seed == 2 ? Coordinate(lon: 106.640, lat: 10.770) : office)
        var search = TourSearch(model: m, stops: Array(0..<count), seed: seed)
        _ = search.improve(kicks: 300, shouldStop: { false })
        let tour = search.tour
        #expect(tour.first == m.startNode && tour.last == m.endNode)
        #expect(tour.dropFirst().dropLast().sorted() == Array(0..<count), "every stop once")
        let length = zip(tour, tour.dropFirst()).reduce(0) { $0 + m.D($1.0, $1.1) }
        #expect(abs(length - search.length) < 1e-6 * length, "kept \(search.length) m, real \(length) m")
        var improving: [String] = []
        for i in 0..<(tour.count - 3) {
            for j in (i + 2)..<(tour.count - 1) {
                // 2-opt: reverse tour[i+1...j].
                let delta = m.D(tour[i], tour[j]) + m.D(tour[i + 1], tour[j + 1]) - m.D(tour[i], tour[i + 1]) - m.D(tour[j], tour[j + 1])
                if delta < -1e-6 { improving.append("2-opt \(i)-\(j): \(delta) m") }
            }
        }
        // Relocation next to a near stop c that is closer than what taking the stop out saves (Or-opt's candidate
        // rule: any improving 2-opt move has such a new edge, but a relocation need not).
        for s in 1..<(tour.count - 1) {
            let (p, v, q) = (tour[s - 1], tour[s], tour[s + 1])
            let gain = m.D(p, v) + m.D(v, q) - m.D(p, q)
            for c in m.neighbours[v] where m.D(v, c) < gain {
                let j = tour.firstIndex(of: c)!
                for x in [j - 1, j] where x != s - 1 && x != s {
                    let added = m.D(tour[x], v) + m.D(v, tour[x + 1]) - m.D(tour[x], tour[x + 1])
                    if added < gain - 1e-6 { improving.append("stop at \(s) to after \(x): \(added - gain) m") }
                }
            }
        }
        #expect(improving.isEmpty, "\(improving.prefix(5))")
    }

    @Test func kicksShortenTheTourAndTheSameSeedGivesTheSameTour() {
        let m = Self.model(200, seed: 4)
        var once = TourSearch(model: m, stops: Array(0..<200), seed: 9)
        _ = once.improve(kicks: 0, shouldStop: { false })
        var kicked = TourSearch(model: m, stops: Array(0..<200), seed: 9)
        _ = kicked.improve(kicks: 3000, shouldStop: { false })
        var again = TourSearch(model: m, stops: Array(0..<200), seed: 9)
        _ = again.improve(kicks: 3000, shouldStop: { false })
        #expect(kicked.length < once.length * 0.99, "kicked \(kicked.length) m, local optimum \(once.length) m")
        #expect(kicked.tour == again.tour)
    }
}
