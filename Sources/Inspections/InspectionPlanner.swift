import Foundation

import GeoJSON
import Planning
import Registry

/// A unit proposed for a visit: its registry record, the facts the score used, and the score.
public struct PlannedCandidate: Sendable {
    public var unit: ListedUnit
    public var candidate: VisitCandidate
    public var score: PriorityScore
}

/// The day's plan for one ward: the ranked candidates and the teams' routes through them.
public struct InspectionPlan: Sendable {
    public var ward: AdminUnit
    public var date: LocalDate
    public var asOf: LocalDate
    /// The units put to the router, highest score first: the `consideredPerTeam × teams` of highest score that have
    /// a point, and those without one (left for another day: no coordinates).
    public var candidates: [PlannedCandidate]
    /// How many active units of the ward scored at least the minimum.
    public var scored: Int
    public var problem: RoutingProblem
    public var solution: RoutingSolution

    /// The scored units of lower priority than those considered, counted rather than listed.
    public var notConsidered: Int { scored - candidates.count }
}

public struct PlanRequest: Sendable {
    public var wardCode: String
    public var date: LocalDate
    /// The ward boundaries of this date; defaults to `date`.
    public var asOf: LocalDate?
    public var teams = 1
    public var start: Coordinate?
    public var end: Coordinate?
    public var day = WorkingDay.office
    public var maxStopsPerTeam: Int?
    public var weights = PriorityWeights()
    public var minimumScore = 1.0
    /// Candidates routed per team, highest score first; a team's day holds at most about 45 ten-minute visits.
    public var consideredPerTeam = 60
    public var solver = SolverOptions.reproducible(seed: 1, rounds: 2000)

    public init(wardCode: String, date: LocalDate) {
        self.wardCode = wardCode
        self.date = date
    }
}

/// Gathers what the registry knows about each unit of a ward (instrument verification, past violations,
/// open follow-ups, last inspection) and asks the planner whom to visit and in what order.
public struct InspectionPlanner {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    public func plan(_ request: PlanRequest) throws -> InspectionPlan {
        let asOf = request.asOf ?? request.date
        // The ward's units stream through the scoring: only the best that the router will consider are kept (and the
        // few without a point), so memory does not grow with the ward (230 000 units held took 730 MB).
        var best = BestCandidates(keeping: request.consideredPerTeam * request.teams)
        var unlocated: [PlannedCandidate] = []
        var scored = 0
        var profiles: [VisitCategory: (service: Int, hours: [TimeWindow])] = [:]
        let facts = try UnitQuery(store: store).wardFacts(code: request.wardCode, asOf: asOf, date: request.date) { facts in
            profiles = try InspectionPlanner.profiles(facts)
            let scoring = Scoring(facts: facts, profiles: profiles, request: request)
            return { unit in
                guard let c = scoring.candidate(unit) else { return }
                scored += 1
                if c.candidate.coordinate == nil { unlocated.append(c) } else { best.offer(c) }
            }
        }
        let candidates = (best.best + unlocated).sorted(by: InspectionPlanner.precedes)

        // Without --start the teams leave from a point inside the ward (the office is not in the registry).
        let start = request.start ?? Coordinate(lon: facts.inside.lon, lat: facts.inside.lat)
        let stops = candidates.map { c in
            RoutingStop(id: c.unit.unit.code, coordinate: c.candidate.coordinate,
                        serviceSeconds: Double((profiles[c.candidate.category]?.service ?? 20) * 60),
                        windows: c.candidate.openingHours ?? [], priority: c.score.total)
        }
        let problem = RoutingProblem(stops: stops, teams: request.teams, start: start, end: request.end ?? start, day: request.day,
                                     maxStopsPerTeam: request.maxStopsPerTeam, considerTop: request.consideredPerTeam * request.teams)
        let solution = Router.solve(problem, options: request.solver)
        return InspectionPlan(ward: facts.ward, date: request.date, asOf: asOf, candidates: candidates, scored: scored, problem: problem,
                              solution: solution)
    }

    /// Plan order: higher score first, then the lower code.
    static func precedes(_ a: PlannedCandidate, _ b: PlannedCandidate) -> Bool {
        (a.score.total, b.unit.unit.code) > (b.score.total, a.unit.unit.code)
    }

    /// Service minutes and opening hours per kind of visit.
    static func profiles(_ facts: WardFacts) throws -> [VisitCategory: (service: Int, hours: [TimeWindow])] {
        var profiles: [VisitCategory: (service: Int, hours: [TimeWindow])] = [:]
        for (name, profile) in facts.profiles {
            guard let category = VisitCategory(rawValue: name) else { continue }
            guard case .success(let hours) = Clock.windows(profile.openingHours) else {
                throw RegistryError.invalidArgument(field: "visit_profiles.opening_hours", value: profile.openingHours,
                                                    expected: "HH:MM-HH:MM[,HH:MM-HH:MM] for \(name)")
            }
            profiles[category] = (profile.serviceMinutes, hours)
        }
        return profiles
    }

    /// A unit's visit candidate and score from the ward's facts.
    struct Scoring {
        let facts: WardFacts
        let profiles: [VisitCategory: (service: Int, hours: [TimeWindow])]
        let request: PlanRequest
        let byUnit: [String: [DueItem]]
        let violationsByUnit: [Int64: [WardFacts.Violation]]

        init(facts: WardFacts, profiles: [VisitCategory: (service: Int, hours: [TimeWindow])], request: PlanRequest) {
            self.facts = facts
            self.profiles = profiles
            self.request = request
            var byUnit: [String: [DueItem]] = [:]
            for i in facts.instruments { byUnit[i.unit.code, default: []].append(i) }
            self.byUnit = byUnit
            var violationsByUnit: [Int64: [WardFacts.Violation]] = [:]
            for v in facts.violations { violationsByUnit[v.unitId, default: []].append(v) }
            self.violationsByUnit = violationsByUnit
        }

        /// nil when the unit scores below the request's minimum.
        func candidate(_ l: ListedUnit) -> PlannedCandidate? {
            let u = l.unit
            let category = InspectionPlanner.category(of: u, instruments: (byUnit[u.code] ?? []).compactMap(\.instrument))
            var candidate = VisitCandidate(
                id: u.code, name: u.name, address: u.address, category: category,
                coordinate: u.location.map { Coordinate(lon: $0.x, lat: $0.y) })
            for item in byUnit[u.code] ?? [] {
                let state: VisitCandidate.Instrument.State
                switch item.state {
                case .expired: state = .expired(days: item.daysOverdue ?? 0)
                case .due: state = .due(days: -(item.daysOverdue ?? 0))
                case .unknown: state = .unknown
                case .sealed: state = .sealed(days: item.daysOverdue ?? 0)
                case .reinspection: continue  // the violation's open follow-up, below
                }
                guard let instrument = item.instrument else { continue }
                candidate.instruments.append(.init(type: facts.instrumentTypeNames[instrument.type] ?? instrument.type, state: state))
            }
            for v in violationsByUnit[u.id] ?? [] {
                candidate.violations.append(.init(year: v.inspectedOn.year, ageDays: v.inspectedOn.days(until: request.date),
                                                  seriousness: v.seriousness, category: v.category))
                let resolved = v.resolvedOn.map { $0 <= request.date } ?? false
                if !resolved, let what = v.followUp, let due = v.followUpDue {
                    candidate.openFollowUps.append(.init(what: what, daysOverdue: due.days(until: request.date)))
                }
            }
            candidate.daysSinceLastInspection = facts.lastInspection[u.id].map { $0.days(until: request.date) }
            candidate.openingHours = profiles[category]?.hours
            let score = Priority.score(candidate, weights: request.weights)
            guard score.total >= request.minimumScore else { return nil }
            return PlannedCandidate(unit: l, candidate: candidate, score: score)
        }
    }

    /// Fuel stations and gold shops by their instruments or industry codes; markets and stalls by kind.
    static func category(of u: EconomicUnit, instruments: [MeasuringInstrument]) -> VisitCategory {
        switch u.kind {
        case .market: return .market
        case .market_stall: return .marketStall
        default: break
        }
        if instruments.contains(where: { $0.type == "fuel_dispenser" || $0.type == "lpg_dispenser" })
            || u.vsicCodes.contains(where: { $0.hasPrefix("473") }) { return .fuelStation }
        if u.vsicCodes.contains(where: { $0 == "47732" || $0 == "46623" || $0.hasPrefix("3211") }) { return .goldShop }
        return .other
    }
}

extension InspectionPlan {
    /// What the JSON and GeoJSON outputs add to each stop: who it is and why it is on the list.
    public func details(_ stop: Int) -> [(String, JSONValue)] {
        let c = candidates[stop]
        return [("name", .string(c.unit.unit.name)), ("address", c.unit.unit.address.map(JSONValue.string) ?? .null),
                ("category", .string(c.candidate.category.rawValue)), ("score", .double((c.score.total * 10).rounded() / 10)),
                ("why", .string(c.score.explanation))]
    }
}

/// The `keeping` candidates first in plan order among any number offered, in room for twice that many.
struct BestCandidates {
    let keeping: Int
    private var items: [PlannedCandidate] = []

    init(keeping: Int) { self.keeping = max(0, keeping) }

    mutating func offer(_ c: PlannedCandidate) {
        items.append(c)
        if items.count >= 2 * max(keeping, 1) { trim() }
    }

    private mutating func trim() {
        items.sort(by: InspectionPlanner.precedes)
        items.removeLast(items.count - min(keeping, items.count))
    }

    /// The kept candidates in plan order.
    var best: [PlannedCandidate] {
        var copy = self
        copy.trim()
        return copy.items
    }
}
