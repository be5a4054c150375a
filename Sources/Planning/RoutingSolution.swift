import Foundation

/// Why a stop is not in any route.
public enum UnassignedReason: Sendable, Equatable, CustomStringConvertible {
    case noCoordinates
    /// Its opening hours and the working periods never overlap for the length of a visit.
    case closedDuringWorkingDay(opening: [TimeWindow], service: Double)
    /// Even alone, going there, the visit and coming back do not fit the working day or its maximum length.
    case dayTooShort
    /// Every team already has the maximum number of stops.
    case maxStopsReached(Int)
    /// It would fit alone, but the planned visits together carry more priority in the time there is.
    case noRoomLeft
    /// It would fit alone, but visits of the same priority were planned instead because they cost fewer minutes.
    case noRoomLeftAtEqualPriority
    /// Not among the stops of highest priority that were considered.
    case lowerPriority(considered: Int)

    public var code: String {
        switch self {
        case .noCoordinates: "no_coordinates"
        case .closedDuringWorkingDay: "outside_opening_hours"
        case .dayTooShort: "day_too_short"
        case .maxStopsReached: "max_stops_reached"
        case .noRoomLeft, .noRoomLeftAtEqualPriority: "no_room_left"
        case .lowerPriority: "lower_priority"
        }
    }

    public var description: String {
        switch self {
        case .noCoordinates: "no coordinates: the unit is not on the map"
        case .closedDuringWorkingDay(let opening, let service):
            "outside opening hours: open \(opening.map(\.description).joined(separator: ", ")), no \(Int(service / 60))-minute visit fits in the working periods"
        case .dayTooShort: "day too short: travelling there, the visit and the way back do not fit in the working day"
        case .maxStopsReached(let n): "every team already has the maximum of \(n) stops"
        case .noRoomLeft: "no room left in the working day: the planned visits together carry more priority in the time available"
        case .noRoomLeftAtEqualPriority:
            "no room left in the working day: units of the same priority were planned instead, as they take less time on the road"
        case .lowerPriority(let n): "not among the \(n) units of highest priority considered for this day"
        }
    }
}

public struct PlannedVisit: Sendable {
    /// Index into `RoutingProblem.stops`.
    public var stop: Int
    public var arrival: Double
    /// When the visit begins (after waiting for the opening or the end of a break).
    public var start: Double
    public var departure: Double
}

public struct PlannedRoute: Sendable {
    public var team: Int
    public var visits: [PlannedVisit]
    /// Metres; with a matrix of durations only, seconds of travel (see `RoutingSolution.distanceIsTravelTime`).
    public var distance: Double
    public var leaveAt: Double
    public var returnAt: Double
    public var duration: Double { visits.isEmpty ? 0 : returnAt - leaveAt }
}

public struct RoutingSolution: Sendable {
    public var routes: [PlannedRoute]
    public var unassigned: [(stop: Int, reason: UnassignedReason)]
    public var totalDistance: Double { routes.reduce(0) { $0 + $1.distance } }
    /// Improvement rounds done, for the benchmark.
    public var iterations: Int
    /// True when the problem's matrix had no distances, so the solver shortened travel time instead.
    public var distanceIsTravelTime = false
}
