import Foundation

/// A place to visit.
public struct RoutingStop: Sendable {
    public var id: String
    /// What the stop is called, where the file said (a stop's `name`, a VROOM job's `description`): given back beside
    /// the id in every output.
    public var name: String?
    /// nil: cannot be routed (returned as unassigned with that reason), unless a travel matrix gives `location`.
    public var coordinate: Coordinate?
    /// Row of this stop in `RoutingProblem.matrix`, when travel comes from a matrix.
    public var location: Int?
    public var serviceSeconds: Double
    /// When the place is open; empty means all day.
    public var windows: [TimeWindow]
    /// What a visit is worth. The solver first visits as much priority as fits, then shortens the routes.
    public var priority: Double

    public init(id: String, name: String? = nil, coordinate: Coordinate?, location: Int? = nil, serviceSeconds: Double = 0,
                windows: [TimeWindow] = [], priority: Double = 1) {
        self.id = id
        self.name = name
        self.coordinate = coordinate
        self.location = location
        self.serviceSeconds = serviceSeconds
        self.windows = windows
        self.priority = priority
    }

    /// Can the solver tell how far it is? From its coordinate, or from its row of the matrix.
    func isLocated(matrix: TravelMatrix?) -> Bool {
        if let matrix { return location.map { (0..<matrix.size).contains($0) } ?? false }
        return coordinate != nil
    }
}

/// The team's day: working periods (the gaps are breaks, e.g. lunch, when nobody travels or inspects)
/// and an optional cap on the time from leaving to coming back.
public struct WorkingDay: Sendable {
    public var periods: [TimeWindow]
    public var maxDurationSeconds: Double?

    public init(periods: [TimeWindow], maxDurationSeconds: Double? = nil) {
        self.periods = periods
        self.maxDurationSeconds = maxDurationSeconds
    }

    /// An office day in Ho Chi Minh City: 07:30-11:30 and 13:30-17:00.
    public static let office = WorkingDay(periods: [TimeWindow(start: 7.5 * 3600, end: 11.5 * 3600),
                                                    TimeWindow(start: 13.5 * 3600, end: 17 * 3600)])
    /// No limit at all, for comparing tour lengths with other solvers.
    public static let unlimited = WorkingDay(periods: [TimeWindow(start: 0, end: .infinity)])
}

public struct RoutingProblem: Sendable {
    public var stops: [RoutingStop]
    public var teams: Int
    public var start: Coordinate?
    public var end: Coordinate?
    /// Rows of the start and the end in `matrix` (used only with a matrix).
    public var startLocation: Int?
    public var endLocation: Int?
    public var day: WorkingDay
    public var maxStopsPerTeam: Int?
    public var travel: any TravelModel
    /// Travel durations (and distances) between locations computed elsewhere, e.g. on a road network; replaces `travel`.
    public var matrix: TravelMatrix?
    /// Route only this many stops of highest priority; the others are unassigned as `.lowerPriority`.
    /// Keeps a ward of hundreds of candidates fast when a day holds a few dozen visits.
    public var considerTop: Int?

    public init(stops: [RoutingStop], teams: Int = 1, start: Coordinate?, end: Coordinate? = nil, day: WorkingDay = .office,
                maxStopsPerTeam: Int? = nil, travel: any TravelModel = StraightLineTravel(), considerTop: Int? = nil,
                matrix: TravelMatrix? = nil, startLocation: Int? = nil, endLocation: Int? = nil) {
        self.considerTop = considerTop
        self.stops = stops
        self.teams = max(1, teams)
        self.start = start
        self.end = end ?? start
        self.day = day
        self.maxStopsPerTeam = maxStopsPerTeam
        self.travel = travel
        self.matrix = matrix
        self.startLocation = startLocation
        self.endLocation = endLocation ?? startLocation
    }
}

/// When the search stops. Without a round limit the time budget governs; with one, the clock is never read for a
/// decision, so the same seed and input give the same routes on any machine and under any load.
public struct SolverOptions: Sendable {
    /// Wall-clock budget in seconds for everything `solve` does, counted from `budgetStart`. Ignored with `maxIterations`.
    public var timeBudget: Double
    /// Improvement rounds (ruin, recreate, local search). When set, this alone decides when the search stops.
    public var maxIterations: Int?
    public var seed: UInt64
    /// When the budget started (`DispatchTime` uptime nanoseconds), e.g. when the command began reading its input;
    /// nil: when `solve` is called.
    public var budgetStart: UInt64?
    /// Seconds of the budget left for the caller to write the answer; nil: a little per stop.
    public var outputReserve: Double?

    public init(timeBudget: Double = 1, maxIterations: Int? = nil, seed: UInt64 = 1, budgetStart: UInt64? = nil,
                outputReserve: Double? = nil) {
        self.timeBudget = timeBudget
        self.maxIterations = maxIterations
        self.seed = seed
        self.budgetStart = budgetStart
        self.outputReserve = outputReserve
    }

    /// Reproducible: `rounds` improvement rounds from `seed`, whatever the machine's speed.
    public static func reproducible(seed: UInt64, rounds: Int) -> SolverOptions {
        SolverOptions(timeBudget: .infinity, maxIterations: rounds, seed: seed)
    }
}

/// A small deterministic generator (Steele, Lea and Flood's SplitMix64), so a seed gives the same plan
/// on every platform. Public for the demo-data generator, which needs the same property.
public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Uniform in 0..<n (n > 0).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
