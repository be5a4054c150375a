import Foundation
import Registry

extension InspectionPlan {
    /// The routed visits of the day as inspections to plan: one per visit, for its team, looking at what
    /// visits of its kind look at (visit_profiles.scopes). Units left for another day are not planned.
    public func plannedInspections(scopes: [String: [InspectionScope]]) -> [PlannedInspection] {
        solution.routes.flatMap { route in
            route.visits.map { visit in
                let c = candidates[visit.stop]
                return PlannedInspection(unitCode: c.unit.unit.code, date: date, scopes: scopes[c.candidate.category.rawValue] ?? [.metrology],
                                         team: "team \(route.team)", note: "planned by score \(Int(c.score.total.rounded())): \(c.score.explanation)")
            }
        }
    }
}

extension InspectionLedger {
    /// Writes the plan's routed visits as planned inspections in one transaction, in route order; all or none
    /// (a unit with an inspection already planned or under way that day refuses the whole plan).
    public func commit(_ plan: InspectionPlan, now: Date) throws -> [Int64] {
        try self.plan(plan.plannedInspections(scopes: visitScopes()), now: now)
    }
}
