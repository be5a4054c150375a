import Foundation
import Testing
@testable import Planning

/// Random stops in the former Quận 11 (about 2.6 × 2.4 km), reproducible from a seed.
func randomStops(_ count: Int, seed: UInt64, service: Double = 0) -> [RoutingStop] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { i in
        RoutingStop(id: "S\(i)", coordinate: Coordinate(lon: 106.636 + rng.nextDouble() * 0.024, lat: 10.754 + rng.nextDouble() * 0.022),
                    serviceSeconds: service)
    }
}

let office = Coordinate(lon: 106.6500, lat: 10.7630)

/// Held-Karp dynamic programme: the shortest path start → every stop once → end.
func optimalLength(_ problem: RoutingProblem) -> Double {
    let pts = problem.stops.map { $0.coordinate! }
    let n = pts.count
    let t = problem.travel
    var best = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: 1 << n)
    for i in 0..<n { best[1 << i][i] = t.distance(from: problem.start!, to: pts[i]) }
    for mask in 1..<(1 << n) {
        for last in 0..<n where mask & (1 << last) != 0 && best[mask][last].isFinite {
            for next in 0..<n where mask & (1 << next) == 0 {
                let m = mask | (1 << next)
                best[m][next] = min(best[m][next], best[mask][last] + t.distance(from: pts[last], to: pts[next]))
            }
        }
    }
    return (0..<n).map { best[(1 << n) - 1][$0] + t.distance(from: pts[$0], to: problem.end!) }.min()!
}

/// Minutes of working time between two instants: the overlap of [a, b] with the working periods.
func workingTime(_ a: Double, _ b: Double, _ periods: [TimeWindow]) -> Double {
    periods.reduce(0) { $0 + max(0, min(b, $1.end) - max(a, $1.start)) }
}

/// Checks a solution against the problem without using the solver's own schedule code.
func violations(of solution: RoutingSolution, in problem: RoutingProblem) -> [String] {
    var problems: [String] = []
    let periods = problem.day.periods
    var seen = Set<Int>()
    for route in solution.routes {
        if let m = problem.maxStopsPerTeam, route.visits.count > m { problems.append("team \(route.team): \(route.visits.count) stops > \(m)") }
        var place = problem.start!
        var free = route.leaveAt
        if let first = periods.first, route.leaveAt < first.start - 1e-6 { problems.append("team \(route.team) leaves before the day starts") }
        for v in route.visits {
            if !seen.insert(v.stop).inserted { problems.append("stop \(v.stop) visited twice") }
            let stop = problem.stops[v.stop]
            let travel = problem.travel.duration(from: place, to: stop.coordinate!)
            if workingTime(free, v.arrival, periods) < travel - 1e-3 { problems.append("stop \(stop.id): arrives before it can get there") }
            if v.start < v.arrival - 1e-6 { problems.append("stop \(stop.id): starts before arriving") }
            if abs(v.departure - v.start - stop.serviceSeconds) > 1e-6 { problems.append("stop \(stop.id): visit length differs from service time") }
            if !periods.contains(where: { $0.start <= v.start + 1e-6 && v.departure <= $0.end + 1e-6 }) {
                problems.append("stop \(stop.id): visit \(Clock.text(v.start))-\(Clock.text(v.departure)) not inside one working period")
            }
            if !stop.windows.isEmpty && !stop.windows.contains(where: { $0.start <= v.start + 1e-6 && v.departure <= $0.end + 1e-6 }) {
                problems.append("stop \(stop.id): visit \(Clock.text(v.start))-\(Clock.text(v.departure)) outside opening hours \(stop.windows)")
            }
            place = stop.coordinate!
            free = v.departure
        }
        if !route.visits.isEmpty {
            let back = problem.travel.duration(from: place, to: problem.end!)
            if workingTime(free, route.returnAt, periods) < back - 1e-3 { problems.append("team \(route.team): returns before it can") }
            if let last = periods.last, route.returnAt > last.end + 1e-6 { problems.append("team \(route.team): returns after the day ends") }
            if let max = problem.day.maxDurationSeconds, route.returnAt - route.leaveAt > max + 1e-6 {
                problems.append("team \(route.team): day of \(route.returnAt - route.leaveAt) s > \(max) s")
            }
        }
    }
    for u in solution.unassigned where !seen.insert(u.stop).inserted { problems.append("stop \(u.stop) both routed and unassigned") }
    if seen.count != problem.stops.count { problems.append("\(problem.stops.count - seen.count) stops neither routed nor unassigned") }
    return problems
}

@Suite struct RoutingTests {
    @Test(arguments: Array(UInt64(1)...UInt64(16)))
    func smallToursAreOptimal(seed: UInt64) {
        let count = 5 + Int(seed % 8) // 5 to 12 stops
        let end = seed % 2 == 0 ? office : Coordinate(lon: 106.640, lat: 10.770)
        let problem = RoutingProblem(stops: randomStops(count, seed: seed), start: office, end: end,
                                     day: .unlimited, travel: StraightLineTravel.haversine)
        let solution = Router.solve(problem, options: SolverOptions(timeBudget: 5, maxIterations: 300, seed: seed))
        #expect(solution.unassigned.isEmpty)
        #expect(solution.routes[0].visits.count == count)
        let optimum = optimalLength(problem)
        #expect(solution.totalDistance <= optimum * (1 + 1e-9), "\(count) stops: \(solution.totalDistance) m, optimum \(optimum) m")
        #expect(violations(of: solution, in: problem).isEmpty)
    }

    @Test(arguments: Array(UInt64(1)...UInt64(8)))
    func timeWindowsBreaksAndDayLengthAreNeverViolated(seed: UInt64) {
        var rng = SplitMix64(seed: seed * 977)
        var stops = randomStops(40, seed: seed, service: 0)
        for i in stops.indices {
            stops[i].serviceSeconds = [600, 1800, 2700][Int(rng.next() % 3)]
            switch rng.next() % 4 {
            case 0: stops[i].windows = [TimeWindow(start: 8 * 3600, end: 11 * 3600)]
            case 1: stops[i].windows = [TimeWindow(start: 14 * 3600, end: 20 * 3600)]
            case 2: stops[i].windows = [TimeWindow(start: 7 * 3600, end: 10 * 3600), TimeWindow(start: 15 * 3600, end: 16 * 3600)]
            default: break
            }
            stops[i].priority = 1 + Double(rng.next() % 50)
        }
        let day = WorkingDay(periods: WorkingDay.office.periods, maxDurationSeconds: seed % 2 == 0 ? 6 * 3600 : nil)
        let problem = RoutingProblem(stops: stops, teams: 1 + Int(seed % 3), start: office, day: day,
                                     maxStopsPerTeam: seed % 4 == 3 ? 6 : nil)
        let solution = Router.solve(problem, options: SolverOptions(timeBudget: 5, maxIterations: 60, seed: seed))
        #expect(violations(of: solution, in: problem) == [])
        #expect(solution.routes.contains { !$0.visits.isEmpty })
    }

    @Test func unassignedStopsCarryTheirReasons() {
        var stops = randomStops(60, seed: 42, service: 1800)
        stops.append(RoutingStop(id: "nowhere", coordinate: nil, serviceSeconds: 600))
        stops.append(RoutingStop(id: "lunch-only", coordinate: office, serviceSeconds: 1800,
                                 windows: [TimeWindow(start: 11.75 * 3600, end: 13.25 * 3600)]))
        stops.append(RoutingStop(id: "vung-tau", coordinate: Coordinate(lon: 107.084, lat: 10.346), serviceSeconds: 600))
        let problem = RoutingProblem(stops: stops, teams: 2, start: office)
        let solution = Router.solve(problem, options: SolverOptions(timeBudget: 5, maxIterations: 30))
        func reason(_ id: String) -> String? {
            solution.unassigned.first { problem.stops[$0.stop].id == id }?.reason.code
        }
        #expect(reason("nowhere") == "no_coordinates")
        #expect(reason("lunch-only") == "outside_opening_hours")
        #expect(reason("vung-tau") == "day_too_short")
        // 60 half-hour visits do not fit two 7.5-hour days: the rest are left out, each with a reason.
        let full = solution.unassigned.filter { $0.reason.code == "no_room_left" }
        #expect(!full.isEmpty)
        #expect(solution.unassigned.allSatisfy { !$0.reason.description.isEmpty })
        #expect(violations(of: solution, in: problem) == [])

        var capped = problem
        capped.stops = Array(stops.prefix(10))
        capped.maxStopsPerTeam = 3
        let cappedSolution = Router.solve(capped, options: SolverOptions(timeBudget: 5, maxIterations: 30))
        #expect(cappedSolution.routes.map(\.visits.count) == [3, 3])
        #expect(cappedSolution.unassigned.count == 4 && cappedSolution.unassigned.allSatisfy { $0.reason == .maxStopsReached(3) })
    }

    @Test func higherPriorityIsVisitedFirstWhenTheDayIsShort() {
        // A four-hour morning holds about four 45-minute visits: the three urgent ones must be among them.
        var stops = randomStops(30, seed: 7, service: 2700)
        for i in stops.indices { stops[i].priority = i < 3 ? 100 : 1 }
        let problem = RoutingProblem(stops: stops, start: office, day: WorkingDay(periods: [TimeWindow(start: 8 * 3600, end: 12 * 3600)]))
        let solution = Router.solve(problem, options: SolverOptions(timeBudget: 5, maxIterations: 50))
        let visited = Set(solution.routes.flatMap { $0.visits.map(\.stop) })
        #expect(Set(0..<3).isSubset(of: visited), "all three high-priority stops are visited")
        #expect(visited.count >= 4)
        #expect(violations(of: solution, in: problem) == [])
    }

    @Test func teamsShareTheWorkAndNeverVisitTheSameStop() {
        // 80 quarter-hour visits need all three teams' days (one day holds about 25).
        let problem = RoutingProblem(stops: randomStops(80, seed: 3, service: 900), teams: 3, start: office)
        let solution = Router.solve(problem, options: SolverOptions(timeBudget: 5, maxIterations: 40))
        #expect(solution.routes.count == 3)
        #expect(solution.routes.allSatisfy { !$0.visits.isEmpty })
        #expect(violations(of: solution, in: problem) == [])
    }

    @Test func sameSeedSamePlan() {
        let problem = RoutingProblem(stops: randomStops(35, seed: 9, service: 1200), teams: 2, start: office)
        let a = Router.solve(problem, options: SolverOptions(timeBudget: 30, maxIterations: 25, seed: 5))
        let b = Router.solve(problem, options: SolverOptions(timeBudget: 30, maxIterations: 25, seed: 5))
        #expect(a.routes.map { $0.visits.map(\.stop) } == b.routes.map { $0.visits.map(\.stop) })
    }

    @Test func clockParsing() throws {
        #expect(try Clock.windows("07:30-11:30,13:30-17:00").get() == [TimeWindow(start: 27000, end: 41400), TimeWindow(start: 48600, end: 61200)])
        #expect(Clock.text(8 * 3600 + 5 * 60 + 20) == "08:05")
        for bad in ["7-11", "11:30-07:30", "07:30-11:30,11:00-12:00", "25:00-26:00", ""] {
            if case .success = Clock.windows(bad) { Issue.record("\(bad) was accepted") }
        }
        #expect(Coordinate(text: "106.65,10.76") == Coordinate(lon: 106.65, lat: 10.76))
        #expect(Coordinate(text: "10.76") == nil)
    }

    @Test func haversineMatchesAKnownDistance() {
        // Bến Thành market to Bình Tây market; 5789.8 m from an independent haversine (Python math, R = 6 371 008.8 m).
        let d = StraightLineTravel.greatCircle(Coordinate(lon: 106.6981, lat: 10.7725), Coordinate(lon: 106.6505, lat: 10.7496))
        #expect(abs(d - 5_789.817) < 0.01, "\(d)")
    }
}

@Suite struct PriorityTests {
    @Test func scoresExplainThemselves() {
        let fuel = VisitCandidate(
            id: "0301234562", name: "Cửa hàng xăng dầu số 5", category: .fuelStation, coordinate: office,
            instruments: [.init(type: "fuel dispenser", state: .expired(days: 40)), .init(type: "fuel dispenser", state: .expired(days: 12)),
                          .init(type: "fuel dispenser", state: .due(days: 80))],
            violations: [.init(year: 2024, ageDays: 500, seriousness: 3, category: "quantity short")],
            daysSinceLastInspection: 580)
        let score = Priority.score(fuel)
        #expect(score.explanation.contains("2 fuel dispensers expired up to 40 days ago"))
        #expect(score.explanation.contains("serious violation in 2024 (quantity short)"))
        #expect(score.explanation.contains("not inspected for 19 months"))
        #expect(score.explanation.contains("fuel station"))
        #expect(!score.explanation.contains("due in 80"), "due beyond the window does not count")
        #expect(abs(score.total - score.parts.reduce(0) { $0 + $1.points }) < 1e-9)

        let quietShop = VisitCandidate(id: "x", name: "Tạp hóa", category: .other, coordinate: office, daysSinceLastInspection: 60)
        #expect(Priority.score(quietShop).total < score.total)
        let never = VisitCandidate(id: "y", name: "Tạp hóa", category: .other, coordinate: office)
        #expect(Priority.score(never).explanation == "never inspected")
    }

    @Test func oldViolationsFadeAndFollowUpsCount() {
        let w = PriorityWeights()
        func withViolation(ageDays: Int) -> Double {
            Priority.score(VisitCandidate(id: "a", name: "a", category: .other, coordinate: nil,
                                          violations: [.init(year: 2020, ageDays: ageDays, seriousness: 2, category: "label")],
                                          daysSinceLastInspection: 0)).total
        }
        #expect(abs(withViolation(ageDays: 0) - w.violationBySeriousness[1]) < 1e-9)
        #expect(abs(withViolation(ageDays: Int(365.25 * w.violationHalfLifeYears)) - w.violationBySeriousness[1] / 2) < 0.05)
        let followUp = Priority.score(VisitCandidate(id: "b", name: "b", category: .other, coordinate: nil,
                                                     openFollowUps: [.init(what: "re-verify the scale", daysOverdue: 10)], daysSinceLastInspection: 0))
        #expect(followUp.explanation.contains("open follow-up: re-verify the scale, 10 days overdue"))
    }

    @Test func weightsFileNamesOnlyWhatChanges() throws {
        let w = try JSONDecoder().decode(PriorityWeights.self, from: Data(#"{"expiredInstrument": 50, "category": {"gold_shop": 40}}"#.utf8))
        #expect(w.expiredInstrument == 50 && w.category["gold_shop"] == 40 && w.category["fuel_station"] == 20 && w.unknownInstrument == 15)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PriorityWeights.self, from: Data(#"{"category": {"bakery": 1}}"#.utf8)) }
    }
}
