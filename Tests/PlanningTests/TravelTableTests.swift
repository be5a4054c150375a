import Testing
@testable import Planning

/// Straight-line travel on many stops is worked out when asked and candidate lists come from a grid: both must give
/// exactly what the full tables and the scan of all stops give, so that seeded runs do not change with the size.
@Suite struct TravelTableTests {
    /// Stops in the district, some on a coarse lattice (equal distances, to exercise ties) and some doubled,
    /// with a start `far` degrees away.
    static func problem(_ count: Int, seed: UInt64, far: Double, travel: StraightLineTravel) -> RoutingProblem {
        var rng = SplitMix64(seed: seed)
        var stops = randomStops(count, seed: seed)
        for i in stops.indices where rng.nextDouble() < 0.3 {
            stops[i].coordinate = Coordinate(lon: 106.636 + Double(rng.below(12)) * 0.002, lat: 10.754 + Double(rng.below(11)) * 0.002)
        }
        for i in stops.indices where i > 0 && rng.nextDouble() < 0.1 { stops[i].coordinate = stops[rng.below(i)].coordinate }
        return RoutingProblem(stops: stops, start: Coordinate(lon: office.lon + far, lat: office.lat - far / 2), end: office,
                              day: .unlimited, travel: travel)
    }

    @Test(arguments: [(UInt64(1), 40, 0.0), (2, 300, 0.5), (3, 120, 100.0)])
    func workedOutDistancesAreTheTablesAndTheHaversine(seed: UInt64, count: Int, far: Double) {
        for travel in [StraightLineTravel.haversine, StraightLineTravel()] {
            let p = Self.problem(count, seed: seed, far: far, travel: travel)
            let tabled = TravelTable(p, stops: Array(0..<count), tabledUpTo: .max)
            let onDemand = TravelTable(p, stops: Array(0..<count), tabledUpTo: 0)
            #expect(!tabled.isOnDemand && onDemand.isOnDemand)
            let points = p.stops.map { $0.coordinate! } + [p.start!, p.end!]
            var differ: [String] = []
            for i in 0..<(count + 2) {
                for j in 0..<(count + 2) {
                    let d = onDemand.distance(i, j), t = onDemand.duration(i, j), leg = onDemand.leg(i, j)
                    if d != tabled.distance(i, j) || t != tabled.duration(i, j) || leg != tabled.leg(i, j) || leg != (d, t) {
                        differ.append("\(i)-\(j): \(d) m \(t) s, tables \(tabled.distance(i, j)) m \(tabled.duration(i, j)) s")
                    }
                    let haversine = travel.distance(from: points[i], to: points[j])
                    if abs(d - haversine) > 1e-6 + 1e-9 * haversine || abs(t - travel.duration(from: points[i], to: points[j])) > 1e-6 + 1e-9 * t {
                        differ.append("\(i)-\(j): \(d) m, haversine \(haversine) m")
                    }
                }
            }
            #expect(differ.isEmpty, "\(differ.count) pairs, e.g. \(differ.prefix(3))")
        }
    }

    @Test(arguments: [(UInt64(4), 1, 0.0), (5, 2, 0.0), (6, 30, 0.01), (7, 500, 0.0), (8, 2000, 3.0), (9, 700, 120.0)])
    func gridNeighboursAreTheScansNearestTiesByIndex(seed: UInt64, count: Int, far: Double) {
        let p = Self.problem(count, seed: seed, far: far, travel: .haversine)
        let travel = TravelTable(p, stops: Array(0..<count), tabledUpTo: 0)
        let grid = NearestStopsGrid(travel, stops: count)
        var differ: [String] = []
        for k in [1, 5, 24] {
            for i in 0..<(count + 2) {
                let scan = SearchModel.nearest(k, to: i, among: count, travel.distance)
                let found = grid.nearest(k, to: i)
                if found != scan { differ.append("k \(k), node \(i): grid \(found.prefix(6)), scan \(scan.prefix(6))") }
            }
        }
        #expect(differ.isEmpty, "\(differ.count) lists differ, e.g. \(differ.prefix(3))")
        // Points spread over the globe fill a volume, not a patch.
        var rng = SplitMix64(seed: seed)
        let globe = RoutingProblem(stops: (0..<count).map { i in
            RoutingStop(id: "G\(i)", coordinate: Coordinate(lon: rng.nextDouble() * 360 - 180, lat: rng.nextDouble() * 180 - 90))
        }, start: office, day: .unlimited, travel: StraightLineTravel.haversine)
        let spread = TravelTable(globe, stops: Array(0..<count), tabledUpTo: 0)
        let spreadGrid = NearestStopsGrid(spread, stops: count)
        let wrong = (0..<(count + 2)).filter { spreadGrid.nearest(24, to: $0) != SearchModel.nearest(24, to: $0, among: count, spread.distance) }
        #expect(wrong.isEmpty, "over the globe, lists of nodes \(wrong.prefix(5)) differ")
    }

    /// No time at all: construction stops early but the answer still visits every stop once, in one route.
    @Test func aSpentBudgetStillGivesATourThroughEveryStop() {
        let count = 3000
        let problem = RoutingProblem(stops: randomStops(count, seed: 11), start: office, day: .unlimited, travel: StraightLineTravel.haversine)
        let solution = Router.solve(problem, options: SolverOptions(timeBudget: 0))
        #expect(solution.routes.count == 1 && solution.unassigned.isEmpty)
        #expect(solution.routes.flatMap { $0.visits.map(\.stop) }.sorted() == Array(0..<count))
        #expect(solution.iterations == 0)
    }
}
