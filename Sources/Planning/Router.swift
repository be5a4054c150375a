import Foundation

/// Prize-collecting vehicle routing with time windows and breaks: cheapest insertion by priority, local search on
/// candidate lists with constant-time segment pricing and adaptive time-warp penalties, ruin-and-recreate kicks,
/// until the round limit (reproducible) or the time budget. Every returned route passes `FeasibilityCheck`.
public enum Router {
    public static func solve(_ problem: RoutingProblem, options: SolverOptions = SolverOptions()) -> RoutingSolution {
        let clockStart = min(options.budgetStart ?? .max, DispatchTime.now().uptimeNanoseconds)
        let timed = options.maxIterations == nil
        // Writing the answer after the search (the solution's replay, JSON, output) took about 10 µs a stop on a
        // loaded machine (90-180 ms at 10 000 stops): twice that, and 20 ms for the rest.
        let reserve = options.outputReserve ?? (0.02 + 2e-5 * Double(problem.stops.count))
        let usable = max(0, min(options.timeBudget, 1e6) - reserve)
        let deadline = clockStart + UInt64(usable * 1e9)
        let timeUp = { timed && DispatchTime.now().uptimeNanoseconds >= deadline }

        var unassigned: [(Int, UnassignedReason)] = []
        var routable: [Int] = []
        for (i, s) in problem.stops.enumerated() {
            if s.isLocated(matrix: problem.matrix) { routable.append(i) } else { unassigned.append((i, .noCoordinates)) }
        }
        if let k = problem.considerTop, routable.count > k {
            routable.sort { (problem.stops[$0].priority, -$0) > (problem.stops[$1].priority, -$1) }
            for i in routable[k...] { unassigned.append((i, .lowerPriority(considered: k))) }
            routable = Array(routable[..<k]).sorted()
        }
        let model = SearchModel(problem: problem, stops: routable, shouldStop: timeUp)
        // Stops that cannot be served even alone are out from the start, with the reason why.
        var candidates: [Int] = []
        for node in 0..<model.n {
            if let reason = aloneReason(node, model) { unassigned.append((routable[node], reason)) } else { candidates.append(node) }
        }
        let excluded = Set(0..<model.n).subtracting(candidates)
        if TourSearch.applies(model, candidates) {
            var tour = TourSearch(model: model, stops: candidates, seed: options.seed, shouldStop: timeUp)
            let kicks = tour.improve(kicks: options.maxIterations.map { $0 * TourSearch.kicksPerRound }, shouldStop: timeUp)
            let state = SearchState(model: model, routes: [tour.stops], unassigned: [])
            return solution(state, problem, model, routable, unassigned, kicks / TourSearch.kicksPerRound)
        }

        var state = SearchState(model: model, routes: Array(repeating: [], count: model.teams), unassigned: candidates)
        let kicks = RuinAndRecreate(model: model, seed: options.seed)
        // Farthest first shapes the routes; on large instances nearest first keeps each insertion local (fast).
        kicks.recreate(&state, order: candidates.count > 300 ? .nearestFirst : .farthestFirst, blink: false, shouldStop: timeUp)
        var best = state
        // Seconds of time warp cost about what the distance covered in a second does.
        let basePenalty = max(averageSpeed(model), 1e-3)
        let search = LocalSearch(model: model, penalty: basePenalty)
        search.run(&state, from: candidates, shouldStop: timeUp)
        repair(&state, search, timeUp)
        if state.isFeasible && isBetter(state, than: best) { best = state } else { state = best }
        var current = state
        var iterations = 0
        var recent: [Bool] = []
        var rng = SplitMix64(seed: options.seed ^ 0x5EED)
        let adaptEvery = 25
        while true {
            if let limit = options.maxIterations, iterations >= limit { break }
            if timeUp() { break }
            iterations += 1
            var trial = current
            // Stops that cannot be routed at all never re-enter.
            trial.unassigned.removeAll { excluded.contains($0) }
            let (removed, touched) = kicks.ruin(&trial)
            // Put back what was taken out, and the left-out stops near it (all of them now and then).
            let pool = rng.nextDouble() < 0.1 ? trial.unassigned : nearby(removed, trial, model)
            let inserted = kicks.recreate(&trial, pool: pool)
            search.run(&trial, from: touched + inserted + pool, shouldStop: timeUp)
            // A trial that comes close to the best is polished with SWAP* as well (a sweep after every search
            // cost a fifth of the rounds and found no more, measured on the route bench's full days).
            if trial.missedPrize <= best.missedPrize + 1e-9 && trial.penalised(search.penalty) <= best.totalDistance * 1.01 {
                search.run(&trial, from: [], swapStar: true, shouldStop: timeUp)
            }
            let feasibleAtOnce = trial.isFeasible
            if !feasibleAtOnce { repair(&trial, search, timeUp) }
            trial.missedPrize = trial.unassigned.reduce(0) { $0 + model.prize[$1] }
            recent.append(feasibleAtOnce)
            if recent.count == adaptEvery {
                // Aim at about half of the searches ending feasible before repair (Vidal et al.; PyVRP's penalty manager).
                let share = Double(recent.filter { $0 }.count) / Double(adaptEvery)
                if share < 0.4 { search.penalty = min(search.penalty * 1.4, basePenalty * 1e4) }
                if share > 0.6 { search.penalty = max(search.penalty * 0.75, basePenalty * 0.1) }
                recent.removeAll(keepingCapacity: true)
            }
            // Only feasible days go on: the penalty lets a search pass through late schedules, not end in one.
            guard trial.isFeasible else { continue }
            if isBetter(trial, than: best) { best = trial }
            // Record-to-record: a little longer than the best is accepted early, nothing late; never less priority.
            let progress = options.maxIterations.map { Double(iterations) / Double(max($0, 1)) }
                ?? Double(DispatchTime.now().uptimeNanoseconds - clockStart) / 1e9 / max(usable, 1e-9)
            let slack = 0.01 * max(0, 1 - progress) * best.totalDistance
            if trial.missedPrize < best.missedPrize - 1e-9
                || (trial.missedPrize <= best.missedPrize + 1e-9 && trial.penalised(search.penalty) <= best.totalDistance + slack) {
                current = trial
            }
        }
        return solution(best, problem, model, routable, unassigned, iterations)
    }

    /// The left-out stops among the near neighbours of the stops just taken out, and those stops.
    static func nearby(_ removed: [Int], _ s: SearchState, _ m: SearchModel) -> [Int] {
        var pool = removed
        var seen = Set(removed)
        for v in removed { for w in m.neighbours[v] where s.routeOf[w] < 0 && seen.insert(w).inserted { pool.append(w) } }
        return pool
    }

    /// Searches a state that ended with time warp again, with warp a hundred times dearer, to bring it back to a
    /// feasible day (PyVRP's repair step).
    static func repair(_ state: inout SearchState, _ search: LocalSearch, _ timeUp: () -> Bool) {
        guard !state.isFeasible else { return }
        let penalty = search.penalty
        search.penalty = penalty * 100
        let late = state.routes.indices.filter { state.warp[$0] > 0 }.flatMap { state.routes[$0] }
        search.run(&state, from: late + state.unassigned, shouldStop: timeUp)
        search.penalty = penalty
    }

    static func isBetter(_ a: SearchState, than b: SearchState) -> Bool {
        if a.missedPrize < b.missedPrize - 1e-9 { return true }
        return a.missedPrize <= b.missedPrize + 1e-9 && a.totalDistance < b.totalDistance - 1e-7
    }

    static func averageSpeed(_ m: SearchModel) -> Double {
        var d = 0.0, t = 0.0
        for a in 0..<m.size { for b in m.neighbours[a].prefix(3) { d += m.D(a, b); t += m.T(a, b) } }
        return t > 0 ? d / t : 1
    }

    /// Why `node` cannot be visited even as the only stop of a team, or nil when it can.
    static func aloneReason(_ node: Int, _ m: SearchModel) -> UnassignedReason? {
        if m.maxStops < 1 { return .maxStopsReached(m.maxStops) }
        if case .success = m.check.schedule([node]) { return nil }
        let service = m.service[node]
        let windows = m.check.windows(node)
        let open = windows.isEmpty ? [TimeWindow(start: -.infinity, end: .infinity)] : windows
        let fitsSomewhere = m.check.periods.contains { p in open.contains { w in min(p.end, w.end) - max(p.start, w.start) >= service } }
        if !fitsSomewhere { return .closedDuringWorkingDay(opening: open.filter { $0.start.isFinite }, service: service) }
        return .dayTooShort
    }

    /// The answer from the best state: each route replayed by the independent check (a stop it refuses, which the
    /// search should never produce, is left out as having no room), and every left-out stop with its reason.
    static func solution(_ best: SearchState, _ problem: RoutingProblem, _ m: SearchModel, _ routable: [Int],
                         _ unassigned: [(Int, UnassignedReason)], _ iterations: Int) -> RoutingSolution {
        var unassigned = unassigned
        var left = best.unassigned
        var routes: [PlannedRoute] = []
        for (team, planned) in best.routes.enumerated() {
            var route = planned
            var schedule: FeasibilityCheck.Schedule
            while true {
                switch m.check.schedule(route) {
                case .success(let s): schedule = s
                case .failure(.visit(let k)): left.append(route.remove(at: k)); continue
                case .failure: left.append(route.removeLast()); continue
                }
                break
            }
            routes.append(PlannedRoute(
                team: team + 1,
                visits: schedule.visits.map { PlannedVisit(stop: routable[$0.stop], arrival: $0.arrival, start: $0.start, departure: $0.departure) },
                distance: m.length(route), leaveAt: schedule.leaveAt, returnAt: schedule.returnAt))
        }
        let visitedPriorities = routes.flatMap { $0.visits.map { problem.stops[$0.stop].priority } }
        for node in left {
            let priority = problem.stops[routable[node]].priority
            let reason: UnassignedReason
            if let cap = problem.maxStopsPerTeam, routes.allSatisfy({ $0.visits.count >= cap }) {
                reason = .maxStopsReached(cap)
            } else if visitedPriorities.contains(where: { abs($0 - priority) <= 1e-9 * max(1, abs(priority)) }) {
                reason = .noRoomLeftAtEqualPriority
            } else {
                reason = .noRoomLeft
            }
            unassigned.append((routable[node], reason))
        }
        unassigned.sort { (problem.stops[$0.0].priority, $1.0) > (problem.stops[$1.0].priority, $0.0) }
        return RoutingSolution(routes: routes, unassigned: unassigned.map { (stop: $0.0, reason: $0.1) }, iterations: iterations,
                               distanceIsTravelTime: problem.matrix.map { $0.distances == nil } ?? false)
    }
}
