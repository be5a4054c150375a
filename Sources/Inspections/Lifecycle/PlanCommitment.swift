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
