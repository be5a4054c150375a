/// What the search needs to know about a run of consecutive stops to join it to others in constant time
/// (Vidal et al. 2013, "A hybrid genetic algorithm with adaptive diversity management…", time-warp concatenation):
/// distance, duration, accumulated time warp and the window in which the run may begin without adding warp.
/// Windows are the hull of a stop's visit starts; `multiWindow` counts stops whose starts have gaps, for which
/// the result is a lower bound and an exact pass decides.
struct RouteSegment {
    var distance: Double
    /// From the start of the first visit to the end of the last, with travel and waiting.
    var duration: Double
    /// Seconds the schedule would have to go back in time to keep every window.
    var timeWarp: Double
    var earliestStart: Double
    var latestStart: Double
    var stops: Int32
    var multiWindow: Int32

    /// A single stop (or a depot, with `stops` 0).
    init(service: Double, earliest: Double, latest: Double, stops: Int32, multiWindow: Int32) {
        distance = 0
        duration = service
        timeWarp = 0
        earliestStart = earliest
        latestStart = latest
        self.stops = stops
        self.multiWindow = multiWindow
    }

    /// `self` followed by `next`, `distance` metres and `travel` seconds apart.
    @inline(__always)
    func then(_ next: RouteSegment, distance edge: Double, travel: Double) -> RouteSegment {
        let delta = duration - timeWarp + travel
        let wait = max(next.earliestStart - delta - latestStart, 0)
        let warp = max(earliestStart + delta - next.latestStart, 0)
        var s = self
        s.distance = distance + edge + next.distance
        s.duration = duration + next.duration + travel + wait
        s.timeWarp = timeWarp + next.timeWarp + warp
        s.earliestStart = max(next.earliestStart - delta, earliestStart) - wait
        s.latestStart = min(next.latestStart - delta, latestStart) + warp
        s.stops = stops + next.stops
        s.multiWindow = multiWindow + next.multiWindow
        return s
    }
}
