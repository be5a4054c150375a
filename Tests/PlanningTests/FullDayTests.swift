import Foundation
import GeoJSON
import Testing
@testable import Planning

/// A full office day: services of 10-45 minutes, some places open only part of the day (some twice), more stops
/// than the teams can visit.
func fullDayStops(_ count: Int, seed: UInt64) -> [RoutingStop] {
    var rng = SplitMix64(seed: seed * 7919)
    var stops = randomStops(count, seed: seed)
    for i in stops.indices {
        stops[i].serviceSeconds = [600, 1200, 1800, 2700][rng.below(4)]
        switch rng.below(10) {
        case 0, 1: stops[i].windows = [TimeWindow(start: 8 * 3600, end: 10.5 * 3600)]
        case 2: stops[i].windows = [TimeWindow(start: 14 * 3600, end: 16 * 3600)]
        case 3: stops[i].windows = [TimeWindow(start: 7 * 3600, end: 9 * 3600), TimeWindow(start: 15 * 3600, end: 18 * 3600)]
        default: break
        }
        stops[i].priority = Double(1 + rng.below(3))
    }
    return stops
}

/// The visit schedule of a route replayed on the clock, written here from the rules (not the solver's code):
/// travel only in working time, each visit inside one period and one opening window, as early as possible.
func replay(_ route: [Int], _ p: RoutingProblem) -> (ok: Bool, distance: Double) {
    let periods = p.day.periods
    var t = periods[0].start, place = p.start!, distance = 0.0
    func travel(_ to: Coordinate) -> Bool {
        var left = p.travel.duration(from: place, to: to)
        distance += p.travel.distance(from: place, to: to)
        place = to
        for period in periods where period.end >= t {
            t = max(t, period.start)
            let step = min(left, period.end - t)
            t += step
            left -= step
            if left <= 1e-9 { return true }
        }
        return false
    }
    for stop in route.map({ p.stops[$0] }) {
        guard travel(stop.coordinate!) else { return (false, distance) }
        let open = stop.windows.isEmpty ? [TimeWindow(start: 0, end: 86400)] : stop.windows
        let starts = periods.flatMap { period in open.compactMap { w -> Double? in
            let s = max(t, period.start, w.start)
            return s + stop.serviceSeconds <= min(period.end, w.end) ? s : nil
        } }
        guard let start = starts.min() else { return (false, distance) }
        t = start + stop.serviceSeconds
    }
    guard travel(p.end!) else { return (false, distance) }
    if let max = p.day.maxDurationSeconds, !route.isEmpty, t - periods[0].start > max + 1e-6 { return (false, distance) }
    return (true, route.isEmpty ? 0 : distance)
}

@Suite struct FullDayTests {
    @Test(arguments: Array(UInt64(1)...UInt64(12)))
    func noReturnedRouteBreaksAWindowABreakTheDayOrACap(seed: UInt64) {
        let day = WorkingDay(periods: WorkingDay.office.periods, maxDurationSeconds: seed % 3 == 0 ? 7 * 3600 : nil)
        let problem = RoutingProblem(stops: fullDayStops(60 + Int(seed % 4) * 20, seed: seed), teams: 1 + Int(seed % 3), start: office,
                                     day: day, maxStopsPerTeam: seed % 4 == 1 ? 9 : nil)
        let solution = Router.solve(problem, options: .reproducible(seed: seed, rounds: 150))
        #expect(violations(of: solution, in: problem) == [])
        for route in solution.routes {
            #expect(replay(route.visits.map(\.stop), problem).ok, "team \(route.team) breaks a rule")
        }
        #expect(solution.unassigned.contains { $0.reason.code == "no_room_left" || $0.reason.code == "max_stops_reached" },
                "more stops than the day holds")
    }

    /// Every order of every subset of up to 7 stops for one team, replayed by `replay`: the most priority, then the
    /// shortest route. The solver must find that optimum.
    @Test(arguments: Array(UInt64(1)...UInt64(8)))
    func smallFullDaysAreOptimal(seed: UInt64) {
        var stops = Array(fullDayStops(7, seed: seed + 100))
        for i in stops.indices { stops[i].serviceSeconds *= 3 } // so that not all fit in the day
        let problem = RoutingProblem(stops: stops, start: office, day: WorkingDay(periods: [TimeWindow(start: 8 * 3600, end: 11.5 * 3600),
                                                                                            TimeWindow(start: 13.5 * 3600, end: 15 * 3600)]))
        var best = (prize: -1.0, distance: Double.infinity)
        func extend(_ route: [Int], _ left: Set<Int>) {
            let r = replay(route, problem)
            let prize = route.reduce(0) { $0 + problem.stops[$1].priority }
            if r.ok && (prize > best.prize + 1e-9 || (abs(prize - best.prize) <= 1e-9 && r.distance < best.distance)) { best = (prize, r.distance) }
            for v in left.sorted() { extend(route + [v], left.subtracting([v])) }
        }
        extend([], Set(stops.indices))
        let solution = Router.solve(problem, options: .reproducible(seed: seed, rounds: 200))
        let prize = solution.routes.flatMap(\.visits).reduce(0) { $0 + problem.stops[$1.stop].priority }
        #expect(abs(prize - best.prize) < 1e-9, "priority visited \(prize), best \(best.prize)")
        #expect(solution.totalDistance <= best.distance * (1 + 1e-9), "\(solution.totalDistance) m, optimum \(best.distance) m")
        #expect(violations(of: solution, in: problem) == [])
    }

    @Test func tiedPrioritiesSayNoRoomLeftAtEqualPriority() {
        // 40 half-hour visits of equal priority do not fit one day: those left out are told equals went instead.
        let problem = RoutingProblem(stops: randomStops(40, seed: 5, service: 1800), start: office)
        let solution = Router.solve(problem, options: .reproducible(seed: 1, rounds: 50))
        let left = solution.unassigned.filter { $0.reason.code == "no_room_left" }
        #expect(!left.isEmpty)
        #expect(left.allSatisfy { $0.reason == .noRoomLeftAtEqualPriority })
        #expect(left[0].reason.description.contains("same priority"))
    }

    /// The same seeded problem solved twice, once with the processor busy on other threads and a clock that says
    /// the budget ran out long ago: the output is byte for byte the same, because rounds decide, not the clock.
    @Test func aSeededRunIsIdenticalUnderLoadAndWhateverTheClockSays() async {
        let problem = RoutingProblem(stops: fullDayStops(90, seed: 77), teams: 2, start: office, considerTop: 80)
        let quiet = JSONText.encode(RouteOutput.json(Router.solve(problem, options: .reproducible(seed: 3, rounds: 120)), problem))
        let stop = Flag()
        let burners = (0..<3).map { _ in
            Thread {
                var x = 1.0
                while !stop.isSet { for _ in 0..<10_000 { x = (x * 1.000001).truncatingRemainder(dividingBy: 7) } }
            }
        }
        burners.forEach { $0.start() }
        var options = SolverOptions.reproducible(seed: 3, rounds: 120)
        options.timeBudget = 0.001
        options.budgetStart = 0 // the budget "started" when the machine did
        let busy = JSONText.encode(RouteOutput.json(Router.solve(problem, options: options), problem))
        stop.set()
        #expect(quiet == busy)
    }
}

/// A flag other threads can read.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
