import ArgumentParser
import Foundation
import GeoJSON
import Planning
import Registry

/// Options shared by `plan` and `route`: teams, start and end, the solver's budget.
struct RoutingOptions: ParsableArguments {
    @Option(help: "Number of teams (each gets one route).") var teams = 1
    @Option(help: ArgumentHelp("Where the teams leave from, LON,LAT.", valueName: "lon,lat")) var start: String?
    @Option(help: ArgumentHelp("Where they finish (default: the start).", valueName: "lon,lat")) var end: String?
    @Option(help: ArgumentHelp("Seconds the optimiser may spend.", valueName: "seconds")) var timeBudget: Double?
    @Option(help: "Random seed: the same seed and input give the same routes.") var seed: UInt64 = 1

    func coordinate(_ text: String?, _ option: String) throws -> Coordinate? {
        guard let text else { return nil }
        guard let c = Coordinate(text: text) else {
            throw ValidationError("\(option) \"\(text)\": expected LON,LAT in decimal degrees, e.g. 106.6420,10.7626")
        }
        return c
    }

    func check() throws {
        if teams < 1 || teams > 50 { throw ValidationError("--teams \(teams): expected 1 to 50") }
        if let t = timeBudget, !(t > 0 && t <= 3600) { throw ValidationError("--time-budget \(t): expected more than 0 and at most 3600 seconds") }
        _ = try coordinate(start, "--start")
        _ = try coordinate(end, "--end")
    }
}

extension EconGIS {
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose the day's inspection visits in a ward, with reasons, and route the teams.",
            discussion: """
                Scores every active unit of the ward (expired, due and unknown instrument verifications, past violations, \
                open follow-ups, time since the last inspection, fuel stations, gold shops and markets first) and visits \
                as much priority as fits the working day. Service times and opening hours come from visit_profiles.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Ward code, read on --as-of.") var ward: String
        @Option(help: ArgumentHelp("Ward boundaries of this date (default: --date).", valueName: "date")) var asOf: LocalDate?
        @Option(help: ArgumentHelp("The day of the visits (default: today).", valueName: "date")) var date: LocalDate?
        @Option(help: ArgumentHelp("Working periods; gaps are breaks.", valueName: "HH:MM-HH:MM,…")) var day = "07:30-11:30,13:30-17:00"
        @Option(help: ArgumentHelp("Longest day from leaving to coming back.", valueName: "hours")) var maxHours: Double?
        @Option(help: "At most this many visits per team.") var maxStops: Int?
        @Option(help: ArgumentHelp("Priority weights (JSON, any keys of the defaults; see README).", valueName: "file")) var weights: String?
        @OptionGroup var routing: RoutingOptions
        @Option(help: "table, csv (day sheets), json or geojson.") var format: Listing.Format = .table
        @Option(help: ArgumentHelp("Write to a file instead of standard output.", valueName: "path")) var output: String?

        func validate() throws {
            try routing.check()
            if case .failure(let e) = Clock.windows(day) { throw ValidationError("--day \(e)") }
            if let m = maxStops, m < 1 { throw ValidationError("--max-stops \(m): expected at least 1") }
            if let h = maxHours, !(h > 0 && h <= 24) { throw ValidationError("--max-hours \(h): expected more than 0 and at most 24") }
        }

        func run() throws {
            var request = PlanRequest(wardCode: ward, date: date ?? .today())
            request.asOf = asOf
            request.teams = routing.teams
            request.start = try routing.coordinate(routing.start, "--start")
            request.end = try routing.coordinate(routing.end, "--end")
            request.day = WorkingDay(periods: try Clock.windows(day).get(), maxDurationSeconds: maxHours.map { $0 * 3600 })
            request.maxStopsPerTeam = maxStops
            request.solver.seed = routing.seed
            if let t = routing.timeBudget { request.solver.timeBudget = t }
            if let weights { request.weights = try loadWeights(weights) }
            let plan = try InspectionPlanner(store: database.openForReading()).plan(request)
            switch format {
            case .json:
                try econgis.output(JSONText.encode(RouteOutput.json(plan.solution, plan.problem, extra: plan.details)) + "\n", to: output)
            case .geojson:
                try econgis.output(GeoJSONWriter.string(RouteOutput.features(plan.solution, plan.problem, extra: plan.details), name: "inspection_plan"), to: output)
            case .table, .csv:
                try econgis.output(plan.daySheet().render(format), to: output)
            }
            let s = plan.solution
            let visits = s.routes.reduce(0) { $0 + $1.visits.count }
            var summary = "\(plan.ward.code) \(plan.ward.name) on \(plan.date): \(plan.candidates.count) active units scored; "
                + "\(visits) planned for \(s.routes.count) team\(s.routes.count == 1 ? "" : "s") "
                + "(\(String(format: "%.1f", s.totalDistance / 1000)) km)"
            let reasons = Dictionary(grouping: s.unassigned, by: { $0.reason.code }).mapValues(\.count).sorted { $0.key < $1.key }
            if !reasons.isEmpty { summary += "; left for another day: " + reasons.map { "\($0.value) \($0.key.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ") }
            note(summary)
            if request.start == nil { note("teams start from a point inside the ward; give --start LON,LAT for the office") }
        }

        func loadWeights(_ path: String) throws -> PriorityWeights {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RegistryError.unreadable(file: path, reason: "no such file or not readable")
            }
            do { return try JSONDecoder().decode(PriorityWeights.self, from: data) } catch let DecodingError.dataCorrupted(c) {
                throw RegistryError.unreadable(file: path, reason: "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)")
            } catch let DecodingError.typeMismatch(type, c) {
                throw RegistryError.unreadable(file: path, reason: "\(c.codingPath.map(\.stringValue).joined(separator: ".")): expected \(type)")
            } catch {
                throw RegistryError.unreadable(file: path, reason: "expected a JSON object of weights: \(error)")
            }
        }
    }

    struct Route: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Route teams through the points of a GeoJSON file (the planner's engine on its own).",
            discussion: """
                Features are Points; optional properties: id, service_min, open and close (HH:MM), priority. \
                --metric haversine is plain great-circle distance (sphere of radius 6 371 008.8 m) with no detour, \
                no service times and no working-day limit, for comparison with other solvers.
                """)
        enum Metric: String, ExpressibleByArgument, CaseIterable { case road, haversine }
        enum Format: String, ExpressibleByArgument, CaseIterable { case json, geojson }

        @Argument(help: ArgumentHelp("GeoJSON file of stops.", valueName: "stops.geojson")) var stops: String
        @OptionGroup var routing: RoutingOptions
        @Option(help: "road: great-circle × 1.35 at 18 km/h (motorbike in the inner city); haversine: see below.") var metric: Metric = .road
        @Option(help: ArgumentHelp("Working periods (road metric).", valueName: "HH:MM-HH:MM,…")) var day = "07:30-11:30,13:30-17:00"
        @Option(help: "Service minutes of stops without service_min (road metric).") var serviceMin: Double = 0
        @Option(help: "json or geojson.") var format: Format = .json
        @Option(help: ArgumentHelp("Write to a file instead of standard output.", valueName: "path")) var output: String?

        func validate() throws {
            try routing.check()
            if case .failure(let e) = Clock.windows(day) { throw ValidationError("--day \(e)") }
            if serviceMin < 0 || serviceMin > 1440 { throw ValidationError("--service-min \(serviceMin): expected 0 to 1440") }
        }

        func run() throws {
            guard let data = FileManager.default.contents(atPath: stops) else {
                throw RegistryError.unreadable(file: stops, reason: "no such file or not readable")
            }
            let haversine = metric == .haversine
            var points = try StopsFile.read(data, file: stops, defaultServiceMinutes: haversine ? 0 : serviceMin)
            if haversine { for i in points.indices { points[i].serviceSeconds = 0; points[i].windows = [] } }
            guard let start = try routing.coordinate(routing.start, "--start") ?? points.first(where: { $0.coordinate != nil })?.coordinate else {
                throw ValidationError("\(stops): no stop has coordinates; give --start LON,LAT")
            }
            let problem = RoutingProblem(
                stops: points, teams: routing.teams, start: start, end: try routing.coordinate(routing.end, "--end") ?? start,
                day: haversine ? .unlimited : WorkingDay(periods: try Clock.windows(day).get()),
                travel: haversine ? StraightLineTravel.haversine : StraightLineTravel())
            let began = Date()
            let solution = Router.solve(problem, options: SolverOptions(timeBudget: routing.timeBudget ?? 1, seed: routing.seed))
            let seconds = Date().timeIntervalSince(began)
            switch format {
            case .json: try econgis.output(JSONText.encode(RouteOutput.json(solution, problem)) + "\n", to: output)
            case .geojson: try econgis.output(GeoJSONWriter.string(RouteOutput.features(solution, problem), name: "routes"), to: output)
            }
            note("\(points.count) stops, \(solution.routes.reduce(0) { $0 + $1.visits.count }) routed, \(solution.unassigned.count) unassigned; "
                 + "\(String(format: "%.1f", solution.totalDistance)) m; \(String(format: "%.3f", seconds)) s, \(solution.iterations) improvement rounds")
        }
    }
}
