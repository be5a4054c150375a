import Foundation

/// What kind of visit a unit needs, which sets its service time, opening hours and weight.
public enum VisitCategory: String, Sendable, Codable, CaseIterable {
    case fuelStation = "fuel_station"
    case goldShop = "gold_shop"
    case market
    case marketStall = "market_stall"
    case other

    public var label: String {
        switch self {
        case .fuelStation: "fuel station"
        case .goldShop: "gold shop"
        case .market: "market"
        case .marketStall: "market stall"
        case .other: "other business"
        }
    }
}

/// The facts about one unit on the day of the plan, relative to that day. Filled from the registry;
/// the planner needs no database.
public struct VisitCandidate: Sendable {
    public struct Instrument: Sendable {
        public enum State: Sendable, Equatable {
            /// Verification expired this many days ago.
            case expired(days: Int)
            /// Verification falls due in this many days.
            case due(days: Int)
            /// No verification on record, or no rule for its type.
            case unknown
            /// Sealed at an inspection this many days ago: not to be used until re-verified.
            case sealed(days: Int)
        }
        /// A readable type name in the singular ("fuel dispenser").
        public var type: String
        public var state: State

        public init(type: String, state: State) {
            self.type = type
            self.state = state
        }
    }

    public struct Violation: Sendable {
        public var year: Int
        public var ageDays: Int
        /// 1 minor, 2 significant, 3 serious (from the violation_categories rule table).
        public var seriousness: Int
        public var category: String

        public init(year: Int, ageDays: Int, seriousness: Int, category: String) {
            self.year = year
            self.ageDays = ageDays
            self.seriousness = seriousness
            self.category = category
        }
    }

    public struct FollowUp: Sendable {
        public var what: String
        /// Days past the follow-up date; negative when it is still ahead.
        public var daysOverdue: Int

        public init(what: String, daysOverdue: Int) {
            self.what = what
            self.daysOverdue = daysOverdue
        }
    }

    public var id: String
    public var name: String
    public var address: String?
    public var category: VisitCategory
    public var coordinate: Coordinate?
    public var instruments: [Instrument]
    public var violations: [Violation]
    public var openFollowUps: [FollowUp]
    /// nil: never inspected.
    public var daysSinceLastInspection: Int?
    /// The unit's own opening hours, when known; otherwise the category's.
    public var openingHours: [TimeWindow]?

    public init(id: String, name: String, address: String? = nil, category: VisitCategory, coordinate: Coordinate?,
                instruments: [Instrument] = [], violations: [Violation] = [], openFollowUps: [FollowUp] = [],
                daysSinceLastInspection: Int? = nil, openingHours: [TimeWindow]? = nil) {
        self.id = id
        self.name = name
        self.address = address
        self.category = category
        self.coordinate = coordinate
        self.instruments = instruments
        self.violations = violations
        self.openFollowUps = openFollowUps
        self.daysSinceLastInspection = daysSinceLastInspection
        self.openingHours = openingHours
    }
}

/// The weights of the priority score. Configuration, not law: an office tunes them (`--weights FILE`,
/// JSON with any of these keys) and every score shows its parts so the effect is visible.
public struct PriorityWeights: Sendable, Codable, Equatable {
    /// Per instrument whose verification has expired.
    public var expiredInstrument = 30.0
    /// Added per day overdue, per expired instrument, up to `overdueDaysCap` days.
    public var perDayOverdue = 0.1
    public var overdueDaysCap = 365
    /// Per instrument due within `dueWithinDays`.
    public var dueInstrument = 10.0
    public var dueWithinDays = 30
    /// Per instrument with no verification on record.
    public var unknownInstrument = 15.0
    /// Per instrument under seal: a visit checks it is not in use.
    public var sealedInstrument = 25.0
    /// Per past violation by seriousness 1, 2, 3, halved every `violationHalfLifeYears`.
    public var violationBySeriousness = [8.0, 20.0, 40.0]
    public var violationHalfLifeYears = 2.0
    /// Per open follow-up, plus per day overdue (up to 90 days).
    public var openFollowUp = 35.0
    public var perDayFollowUpOverdue = 0.2
    /// Per month since the last inspection, up to `monthsCap`; a unit never inspected counts `monthsCap`.
    public var perMonthSinceInspection = 1.0
    public var monthsCap = 36
    /// By category: fuel stations, gold shops and markets first.
    public var category: [String: Double] = ["fuel_station": 20, "gold_shop": 20, "market": 15, "market_stall": 5, "other": 0]

    public init() {}

    public init(from decoder: Decoder) throws {
        // Every key is optional: a file names only what it changes.
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PriorityWeights()
        expiredInstrument = try c.decodeIfPresent(Double.self, forKey: .expiredInstrument) ?? d.expiredInstrument
        perDayOverdue = try c.decodeIfPresent(Double.self, forKey: .perDayOverdue) ?? d.perDayOverdue
        overdueDaysCap = try c.decodeIfPresent(Int.self, forKey: .overdueDaysCap) ?? d.overdueDaysCap
        dueInstrument = try c.decodeIfPresent(Double.self, forKey: .dueInstrument) ?? d.dueInstrument
        dueWithinDays = try c.decodeIfPresent(Int.self, forKey: .dueWithinDays) ?? d.dueWithinDays
        unknownInstrument = try c.decodeIfPresent(Double.self, forKey: .unknownInstrument) ?? d.unknownInstrument
        sealedInstrument = try c.decodeIfPresent(Double.self, forKey: .sealedInstrument) ?? d.sealedInstrument
        violationBySeriousness = try c.decodeIfPresent([Double].self, forKey: .violationBySeriousness) ?? d.violationBySeriousness
        violationHalfLifeYears = try c.decodeIfPresent(Double.self, forKey: .violationHalfLifeYears) ?? d.violationHalfLifeYears
        openFollowUp = try c.decodeIfPresent(Double.self, forKey: .openFollowUp) ?? d.openFollowUp
        perDayFollowUpOverdue = try c.decodeIfPresent(Double.self, forKey: .perDayFollowUpOverdue) ?? d.perDayFollowUpOverdue
        perMonthSinceInspection = try c.decodeIfPresent(Double.self, forKey: .perMonthSinceInspection) ?? d.perMonthSinceInspection
        monthsCap = try c.decodeIfPresent(Int.self, forKey: .monthsCap) ?? d.monthsCap
        category = d.category.merging(try c.decodeIfPresent([String: Double].self, forKey: .category) ?? [:]) { $1 }
        guard violationBySeriousness.count == 3 else {
            throw DecodingError.dataCorruptedError(forKey: .violationBySeriousness, in: c,
                                                   debugDescription: "expected 3 numbers (seriousness 1, 2, 3)")
        }
        if let unknown = category.keys.first(where: { VisitCategory(rawValue: $0) == nil }) {
            throw DecodingError.dataCorruptedError(forKey: .category, in: c, debugDescription:
                "unknown category \"\(unknown)\"; expected one of \(VisitCategory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }
}

/// A score and the parts it is made of, each with the sentence a person reads.
public struct PriorityScore: Sendable {
    public struct Part: Sendable {
        public var points: Double
        public var reason: String
    }

    public var total: Double
    public var parts: [Part]

    /// The reasons, largest part first: "2 fuel dispensers expired (up to 40 days ago); violation in 2024; …".
    public var explanation: String {
        parts.filter { $0.points > 0 }.sorted { $0.points > $1.points }.map(\.reason).joined(separator: "; ")
    }
}

public enum Priority {
    public static func score(_ c: VisitCandidate, weights w: PriorityWeights = PriorityWeights()) -> PriorityScore {
        var parts: [PriorityScore.Part] = []

        // Instruments, grouped by type and state so the sentence stays short.
        var expired: [String: [Int]] = [:], due: [String: [Int]] = [:], unknown: [String: Int] = [:], sealed: [String: [Int]] = [:]
        for i in c.instruments {
            switch i.state {
            case .expired(let days): expired[i.type, default: []].append(days)
            case .due(let days) where days <= w.dueWithinDays: due[i.type, default: []].append(days)
            case .due: break
            case .unknown: unknown[i.type, default: 0] += 1
            case .sealed(let days): sealed[i.type, default: []].append(days)
            }
        }
        for (type, days) in expired.sorted(by: { $0.key < $1.key }) {
            let points = Double(days.count) * w.expiredInstrument
                + days.reduce(0) { $0 + Double(min(max($1, 0), w.overdueDaysCap)) * w.perDayOverdue }
            let most = days.max()!
            let when = days.count == 1 ? "\(most) days ago" : "up to \(most) days ago"
            parts.append(.init(points: points, reason: "\(count(days.count, type)) expired \(when)"))
        }
        for (type, days) in due.sorted(by: { $0.key < $1.key }) {
            let soonest = days.min()!
            parts.append(.init(points: Double(days.count) * w.dueInstrument,
                               reason: "\(count(days.count, type)) due in \(days.count == 1 ? "" : "as little as ")\(soonest) days"))
        }
        for (type, n) in unknown.sorted(by: { $0.key < $1.key }) {
            parts.append(.init(points: Double(n) * w.unknownInstrument, reason: "\(count(n, type)) with no verification on record"))
        }
        for (type, days) in sealed.sorted(by: { $0.key < $1.key }) {
            let most = days.max()!
            parts.append(.init(points: Double(days.count) * w.sealedInstrument,
                               reason: "\(count(days.count, type)) sealed \(days.count == 1 ? "" : "up to ")\(most) days ago, not to be used until re-verified"))
        }

        // Past violations, fading with age.
        for v in c.violations.sorted(by: { ($0.ageDays, $0.category) < ($1.ageDays, $1.category) }) {
            let s = min(max(v.seriousness, 1), 3)
            let fade = pow(0.5, Double(max(v.ageDays, 0)) / 365.25 / max(w.violationHalfLifeYears, 0.01))
            let label = ["minor", "significant", "serious"][s - 1]
            parts.append(.init(points: w.violationBySeriousness[s - 1] * fade, reason: "\(label) violation in \(v.year) (\(v.category))"))
        }
        for f in c.openFollowUps {
            let overdue = max(0, min(f.daysOverdue, 90))
            let when = f.daysOverdue > 0 ? ", \(f.daysOverdue) days overdue" : f.daysOverdue < 0 ? ", due in \(-f.daysOverdue) days" : ", due today"
            parts.append(.init(points: w.openFollowUp + Double(overdue) * w.perDayFollowUpOverdue, reason: "open follow-up: \(f.what)\(when)"))
        }

        // Time since the last inspection.
        if let days = c.daysSinceLastInspection {
            let months = days / 30
            let points = Double(min(months, w.monthsCap)) * w.perMonthSinceInspection
            parts.append(.init(points: points, reason: months < 1 ? "inspected \(days) days ago" : "not inspected for \(months) months"))
        } else {
            parts.append(.init(points: Double(w.monthsCap) * w.perMonthSinceInspection, reason: "never inspected"))
        }

        let categoryPoints = w.category[c.category.rawValue] ?? 0
        if categoryPoints > 0 { parts.append(.init(points: categoryPoints, reason: "\(c.category.label) (checked first)")) }

        return PriorityScore(total: parts.reduce(0) { $0 + $1.points }, parts: parts)
    }

    /// "2 fuel dispensers", "1 gold scale".
    static func count(_ n: Int, _ noun: String) -> String {
        guard n != 1 else { return "1 \(noun)" }
        if noun.hasSuffix("s") || noun.hasSuffix("sh") || noun.hasSuffix("ch") || noun.hasSuffix("x") { return "\(n) \(noun)es" }
        return "\(n) \(noun)s"
    }
}
