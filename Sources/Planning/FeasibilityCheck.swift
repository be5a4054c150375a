import Foundation

/// Replays a route on the clock, the way a team lives it, with none of the search's machinery (no working-time
/// axis, no segments): travel pauses in breaks, each visit waits for its opening and fits one working period and
/// one opening window, the team is back before the day ends and within its maximum length, and no team has more
/// stops than allowed. Every route the router returns has passed it; its times are the ones printed.
struct FeasibilityCheck {
    let periods: [TimeWindow]
    let maxDuration: Double?
    let maxStops: Int?
    let service: (Int) -> Double
    let windows: (Int) -> [TimeWindow]
    /// Travel seconds between two stops; nil stands for the start or the end.
    let travel: (Int?, Int?) -> Double

    struct Schedule {
        var visits: [(stop: Int, arrival: Double, start: Double, departure: Double)]
        var leaveAt: Double
        var returnAt: Double
    }

    enum Violation: Error, Equatable {
        /// The visit to the stop at this place of the route cannot fit a period and a window after arriving.
        case visit(position: Int)
        case returnsTooLate
        case tooManyStops
    }

    /// Teams leave when the first working period begins.
    var leaveAt: Double { periods.first.map { $0.start.isFinite && $0.start > 0 ? $0.start : 0 } ?? 0 }

    /// The moment travel of `duration` seconds started at `t` ends, counting working time only.
    func advance(_ t: Double, _ duration: Double) -> Double {
        var t = t, d = duration
        for p in periods where p.end >= t {
            if t < p.start { t = p.start }
            if t + d <= p.end { return t + d }
            d -= p.end - t
        }
        return .infinity
    }

    /// The earliest start ≥ t of a visit to `stop` that fits one working period and one opening window.
    func begin(_ stop: Int, _ t: Double) -> Double? {
        let s = service(stop)
        let open = windows(stop).isEmpty ? [TimeWindow(start: -.infinity, end: .infinity)] : windows(stop)
        var best = Double.infinity
        for p in periods where p.end >= t + s {
            if p.start >= best { break }
            for w in open {
                let lo = max(t, p.start, w.start)
                if lo + s <= min(p.end, w.end) && lo < best { best = lo }
            }
        }
        return best.isFinite ? best : nil
    }

    func schedule(_ route: [Int]) -> Result<Schedule, Violation> {
        if let maxStops, route.count > maxStops { return .failure(.tooManyStops) }
        let leave = leaveAt
        var t = leave
        var prev: Int?
        var visits: [(stop: Int, arrival: Double, start: Double, departure: Double)] = []
        for (k, stop) in route.enumerated() {
            t = advance(t, travel(prev, stop))
            guard t.isFinite, let b = begin(stop, t) else { return .failure(.visit(position: k)) }
            visits.append((stop, t, b, b + service(stop)))
            t = b + service(stop)
            prev = stop
        }
        t = advance(t, travel(prev, nil))
        guard t.isFinite else { return .failure(.returnsTooLate) }
        if let maxDuration, !route.isEmpty, t - leave > maxDuration + 1e-6 { return .failure(.returnsTooLate) }
        return .success(Schedule(visits: visits, leaveAt: leave, returnAt: t))
    }
}
