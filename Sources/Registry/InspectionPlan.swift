import Foundation
import GRDB
import GeoJSON
import Planning

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
    public var candidates: [PlannedCandidate]
    public var problem: RoutingProblem
    public var solution: RoutingSolution
}

/// Planning defaults of one kind of visit, from `visit_profiles`.
public struct VisitProfile: Sendable {
    public var serviceMinutes: Int
    public var openingHours: [TimeWindow]
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
    public var solver = SolverOptions(timeBudget: 3, maxIterations: 300, seed: 1)

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

    static let wardSQL = """
        SELECT id, code, name, level, valid_from, valid_to, X(ST_PointOnSurface(geom)) AS x, Y(ST_PointOnSurface(geom)) AS y
        FROM admin_units WHERE level = 'ward' AND code = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)
        """
    static let inspectionsSQL = """
        SELECT i.unit_id, max(i.inspected_on) AS last FROM inspections i
        JOIN economic_units u ON u.id = i.unit_id WHERE i.inspected_on <= ? GROUP BY i.unit_id
        """
    static let violationsSQL = """
        SELECT i.unit_id, i.inspected_on, v.category, c.name_en, c.seriousness, v.follow_up, v.follow_up_due, v.resolved_on
        FROM violations v JOIN inspections i ON i.id = v.inspection_id JOIN violation_categories c ON c.code = v.category
        WHERE i.inspected_on <= ?
        """
    static let profilesSQL = "SELECT category, service_minutes, opening_hours FROM visit_profiles"

    public func plan(_ request: PlanRequest) throws -> InspectionPlan {
        let asOf = request.asOf ?? request.date
        let (ward, listed, instruments, lastInspection, violations, profiles, typeNames, rules) = try store.read { db in
            guard let wardRow = try Row.fetchOne(db, sql: InspectionPlanner.wardSQL,
                                                 arguments: [request.wardCode, asOf.description, asOf.description]) else {
                let known = try String.fetchAll(db, sql: """
                    SELECT code || ' ' || name FROM admin_units WHERE level = 'ward' AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) ORDER BY code
                    """, arguments: [asOf.description, asOf.description])
                throw RegistryError.notFound(what: "ward on \(asOf) with code", key: request.wardCode,
                                             hint: known.isEmpty ? "no wards are loaded for that date" : "wards on that date: \(known.joined(separator: ", "))")
            }
            let ward = (AdminUnit(id: wardRow["id"], code: wardRow["code"], name: wardRow["name"], level: wardRow["level"],
                                  validFrom: LocalDate(iso: wardRow["valid_from"])!,
                                  validTo: (wardRow["valid_to"] as String?).flatMap(LocalDate.init(iso:))),
                        Coordinate(lon: wardRow["x"], lat: wardRow["y"]))
            var filter = UnitFilter()
            filter.wardCode = request.wardCode
            filter.asOf = asOf
            filter.statuses = [.active]
            let units = try UnitQuery(store: store).list(db, filter)
            let instruments = try InstrumentQuery.instruments(db, unitIds: units.map(\.unit.id))
            var last: [Int64: LocalDate] = [:]
            for row in try Row.fetchAll(db, sql: InspectionPlanner.inspectionsSQL, arguments: [request.date.description]) {
                if let d = LocalDate(iso: row["last"]) { last[row["unit_id"]] = d }
            }
            let violations = try Row.fetchAll(db, sql: InspectionPlanner.violationsSQL, arguments: [request.date.description])
            var profiles: [VisitCategory: VisitProfile] = [:]
            for row in try Row.fetchAll(db, sql: InspectionPlanner.profilesSQL) {
                guard let category = VisitCategory(rawValue: row["category"]) else { continue }
                let hoursText: String = row["opening_hours"]
                guard case .success(let hours) = Clock.windows(hoursText) else {
                    throw RegistryError.database("visit_profiles: opening_hours \"\(hoursText)\" of \(category.rawValue) is not HH:MM-HH:MM[,HH:MM-HH:MM]")
                }
                profiles[category] = VisitProfile(serviceMinutes: row["service_minutes"], openingHours: hours)
            }
            let names = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT code, name_en FROM instrument_types").map {
                ($0["code"] as String, $0["name_en"] as String)
            })
            return (ward, units, instruments, last, violations, profiles, names, try VerificationCycle.load(db))
        }

        var byUnit: [String: [MeasuringInstrument]] = [:]
        for i in instruments { byUnit[i.unitCode, default: []].append(i) }
        var violationsByUnit: [Int64: [Row]] = [:]
        for v in violations { violationsByUnit[v["unit_id"], default: []].append(v) }

        var candidates: [PlannedCandidate] = []
        for l in listed {
            let u = l.unit
            let category = InspectionPlanner.category(of: u, instruments: byUnit[u.code] ?? [])
            var facts = VisitCandidate(
                id: u.code, name: u.name, address: u.address, category: category,
                coordinate: u.location.map { Coordinate(lon: $0.x, lat: $0.y) })
            for i in byUnit[u.code] ?? [] {
                let item = DueList.state(of: i, unit: l, asOf: request.date, rules: rules)
                let state: VisitCandidate.Instrument.State
                switch item.state {
                case .expired: state = .expired(days: item.daysOverdue ?? 0)
                case .due: state = .due(days: -(item.daysOverdue ?? 0))
                case .unknown: state = .unknown
                }
                facts.instruments.append(.init(type: typeNames[i.type] ?? i.type, state: state))
            }
            for v in violationsByUnit[u.id] ?? [] {
                guard let on = LocalDate(iso: v["inspected_on"]) else { continue }
                facts.violations.append(.init(year: on.year, ageDays: on.days(until: request.date), seriousness: v["seriousness"],
                                              category: v["name_en"]))
                let resolved = (v["resolved_on"] as String?).flatMap(LocalDate.init(iso:)).map { $0 <= request.date } ?? false
                if !resolved, let what = v["follow_up"] as String?, let due = (v["follow_up_due"] as String?).flatMap(LocalDate.init(iso:)) {
                    facts.openFollowUps.append(.init(what: what, daysOverdue: due.days(until: request.date)))
                }
            }
            facts.daysSinceLastInspection = lastInspection[u.id].map { $0.days(until: request.date) }
            facts.openingHours = profiles[category]?.openingHours
            let score = Priority.score(facts, weights: request.weights)
            guard score.total >= request.minimumScore else { continue }
            candidates.append(PlannedCandidate(unit: l, candidate: facts, score: score))
        }
        candidates.sort { ($0.score.total, $1.unit.unit.code) > ($1.score.total, $0.unit.unit.code) }

        // Without --start the teams leave from a point inside the ward (the office is not in the registry).
        let start = request.start ?? ward.1
        let stops = candidates.map { c in
            RoutingStop(id: c.unit.unit.code, coordinate: c.candidate.coordinate,
                        serviceSeconds: Double((profiles[c.candidate.category]?.serviceMinutes ?? 20) * 60),
                        windows: c.candidate.openingHours ?? [], priority: c.score.total)
        }
        let problem = RoutingProblem(stops: stops, teams: request.teams, start: start, end: request.end ?? start, day: request.day,
                                     maxStopsPerTeam: request.maxStopsPerTeam, considerTop: request.consideredPerTeam * request.teams)
        let solution = Router.solve(problem, options: request.solver)
        return InspectionPlan(ward: ward.0, date: request.date, asOf: asOf, candidates: candidates, problem: problem, solution: solution)
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

    /// The printable day sheet: one row per visit, team by team, then the units left for another day.
    public func daySheet() -> Listing {
        var l = Listing(name: "inspection_plan", columns: [
            "team", "seq", "arrival", "start", "departure", "code", "name", "address", "category", "score", "why",
        ])
        for r in solution.routes {
            for (k, v) in r.visits.enumerated() {
                let c = candidates[v.stop]
                l.append([.int(r.team), .int(k + 1), .string(Clock.text(v.arrival)), .string(Clock.text(v.start)),
                          .string(Clock.text(v.departure)), .string(c.unit.unit.code), .string(c.unit.unit.name),
                          .from(c.unit.unit.address), .string(c.candidate.category.label),
                          .double((c.score.total * 10).rounded() / 10), .string(c.score.explanation)],
                         geometry: c.unit.unit.location.map { .point($0) })
            }
        }
        return l
    }
}
