import ArgumentParser
import Foundation
import GeoJSON
import Planning
import Inspections
import Output
import Registry

/// Options shared by `plan` and `route`: teams, start and end, and when the optimiser stops.
struct RoutingOptions: ParsableArguments {
    /// Rounds of a seeded run: about a second for a ward's day of two teams on a laptop.
    static let defaultRounds = 2000

    @Option(help: "Number of teams (each gets one route; default 1).") var teams: Int?
    @Option(help: ArgumentHelp("Where the teams leave from, LON,LAT.", valueName: "lon,lat")) var start: String?
    @Option(help: ArgumentHelp("Where they finish (default: the start).", valueName: "lon,lat")) var end: String?
    @Option(help: ArgumentHelp("Seconds for the whole command, from reading the input to writing the answer "
                               + "(route: 1, plan: 3). Not with --seed.", valueName: "seconds")) var timeBudget: Double?
    @Option(help: ArgumentHelp("Reproducible: the same seed and input give byte-identical output on any machine and under "
                               + "any load, because the optimiser then stops after --rounds rounds instead of on the clock."))
    var seed: UInt64?
    @Option(help: "Improvement rounds of a seeded run (default \(RoutingOptions.defaultRounds)).") var rounds: Int?

    func coordinate(_ text: String?, _ option: String) throws -> Coordinate? {
        guard let text else { return nil }
        guard let c = Coordinate(text: text) else {
            throw ValidationError("\(option) \"\(text)\": expected LON,LAT in decimal degrees, e.g. 106.6420,10.7626")
        }
        return c
    }

    func check() throws {
        if let teams, teams < 1 || teams > 50 { throw ValidationError("--teams \(teams): expected 1 to 50") }
        if let t = timeBudget, !(t > 0 && t <= 3600) { throw ValidationError("--time-budget \(t): expected more than 0 and at most 3600 seconds") }
        if let r = rounds, !(1...10_000_000).contains(r) { throw ValidationError("--rounds \(r): expected 1 to 10000000") }
        if let t = timeBudget, seed != nil || rounds != nil {
            throw ValidationError("--time-budget \(t) with --seed or --rounds: a seeded run stops after a number of rounds, not on the clock; give one or the other")
        }
        _ = try coordinate(start, "--start")
        _ = try coordinate(end, "--end")
    }

    /// Without --seed the time budget governs, counted from `began`; with it, only the number of rounds.
    func solver(defaultBudget: Double, began: UInt64) -> SolverOptions {
        if seed != nil || rounds != nil { return .reproducible(seed: seed ?? 1, rounds: rounds ?? RoutingOptions.defaultRounds) }
        return SolverOptions(timeBudget: timeBudget ?? defaultBudget, seed: 1, budgetStart: began)
    }
}

/// When this process started, on `DispatchTime`'s clock, so that a time budget also covers loading the program
/// (tens of milliseconds for a large binary). Linux: /proc/self/stat's start time (clock ticks since boot) against
/// CLOCK_BOOTTIME; elsewhere, or if that cannot be read, now.
func processStart() -> UInt64 {
    let now = DispatchTime.now().uptimeNanoseconds
    #if os(Linux)
    guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return now }
    // Fields after the command name: state is field 3, starttime field 22.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 19, let ticks = Double(fields[19]) else { return now }
    var boot = timespec()
    guard clock_gettime(CLOCK_BOOTTIME, &boot) == 0 else { return now }
    let sinceBoot = Double(boot.tv_sec) + Double(boot.tv_nsec) / 1e9
    let age = sinceBoot - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    guard age >= 0, age < 60 else { return now }
    return now - UInt64(age * 1e9)
    #else
    return now
    #endif
}

extension EconGIS {
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
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
        @Flag(help: "Replace --output if it exists (never the database or --weights).") var overwrite = false
        @Flag(help: ArgumentHelp("Also write the routed visits as planned inspections (all or none), as `inspections plan --ward` does.",
                                 discussion: "Refused, with nothing written, if a unit already has an inspection planned or under way that day."))
        var commit = false

        func validate() throws {
            try routing.check()
            if case .failure(let e) = Clock.windows(day) { throw ValidationError("--day \(e)") }
            if let m = maxStops, m < 1 { throw ValidationError("--max-stops \(m): expected at least 1") }
            if let h = maxHours, !(h > 0 && h <= 24) { throw ValidationError("--max-hours \(h): expected more than 0 and at most 24") }
        }

        /// The files --output may never replace.
        var inputs: [String] { database.files + (weights.map { [$0] } ?? []) }

        func run() throws {
            let began = processStart()
            try OutputTarget.check(output, overwrite: overwrite, protecting: inputs)  // before a plan is made, or committed
            func emit(_ text: String) throws { try econgis.output(text, to: output, overwrite: overwrite, protecting: inputs) }
            var request = PlanRequest(wardCode: ward, date: date ?? .today())
            request.asOf = asOf
            request.teams = routing.teams ?? 1
            request.start = try routing.coordinate(routing.start, "--start")
            request.end = try routing.coordinate(routing.end, "--end")
            request.day = WorkingDay(periods: try Clock.windows(day).get(), maxDurationSeconds: maxHours.map { $0 * 3600 })
            request.maxStopsPerTeam = maxStops
            request.solver = routing.solver(defaultBudget: 3, began: began)
            if let weights { request.weights = try loadWeights(weights) }
            let store = commit ? try database.open() : try database.openForReading()
            let plan = try InspectionPlanner(store: store).plan(request)
            // Committed before anything is printed: a refused plan prints no day sheet that looks planned.
            let ids = commit ? try withFlags(["date": "--date"]) { try InspectionLedger(store: store).commit(plan, now: Date()) } : []
            switch format {
            case .json:
                try emit(JSONText.encode(RouteOutput.json(plan.solution, plan.problem, extra: plan.details)) + "\n")
            case .geojson:
                try emit(GeoJSONWriter.string(RouteOutput.features(plan.solution, plan.problem, extra: plan.details), name: "inspection_plan"))
            case .table, .csv:
                try emit(plan.daySheet().render(format))
            }
            let s = plan.solution
            let visits = s.routes.reduce(0) { $0 + $1.visits.count }
            var summary = "\(plan.ward.code) \(plan.ward.name) on \(plan.date): \(plan.scored) active units scored; "
                + "\(visits) planned for \(s.routes.count) team\(s.routes.count == 1 ? "" : "s") "
                + "(\(String(format: "%.1f", s.totalDistance / 1000)) km)"
            // The units of lower priority than those considered are counted here, not listed in the plan.
            var counts = Dictionary(grouping: s.unassigned, by: { $0.reason.code }).mapValues(\.count)
            if plan.notConsidered > 0 { counts[UnassignedReason.lowerPriority(considered: 0).code, default: 0] += plan.notConsidered }
            let reasons = counts.sorted { $0.key < $1.key }
            if !reasons.isEmpty { summary += "; left for another day: " + reasons.map { "\($0.value) \($0.key.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ") }
            note(summary)
            if request.start == nil { note("teams start from a point inside the ward; give --start LON,LAT for the office") }
            if commit {
                note(ids.isEmpty ? "no visits to plan as inspections"
                     : "\(ids.count) planned inspections written (ids \(ids.first!)–\(ids.last!)); start one with econgis inspections start ID")
            }
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
            commandName: "route",
            abstract: "Route teams through the points of a GeoJSON file or a VROOM problem (the planner's engine on its own).",
            discussion: """
                GeoJSON: features are Points; optional properties: id, service_min, open and close (HH:MM), priority. \
                --metric haversine is plain great-circle distance (sphere of radius 6 371 008.8 m) with no detour, \
                no service times and no working-day limit, for comparison with other solvers.
                VROOM: a JSON object with jobs and vehicles (VROOM's problem format): jobs with location or \
                location_index, service, time_windows, priority; vehicles alike, with start, end, time_window, fixed \
                breaks and max_tasks; an optional matrix. Times are seconds since midnight.
                --matrix: travel computed elsewhere, {"durations": [[…]], "distances": [[…]]}, seconds and metres; \
                row 0 is the start, then one row per feature in file order, then the end when --end is given.
                """)
        enum Metric: String, ExpressibleByArgument, CaseIterable { case road, haversine }
        enum Format: String, ExpressibleByArgument, CaseIterable { case json, geojson, vroom, vroomProblem = "vroom-problem" }

        @Argument(help: ArgumentHelp("GeoJSON file of stops, or a VROOM problem (JSON with jobs and vehicles).", valueName: "stops"))
        var stops: String
        @OptionGroup var routing: RoutingOptions
        @Option(help: "road: great-circle × 1.35 at 18 km/h (motorbike in the inner city); haversine: see below.") var metric: Metric = .road
        @Option(help: ArgumentHelp("Working periods (road metric).", valueName: "HH:MM-HH:MM,…")) var day = "07:30-11:30,13:30-17:00"
        @Option(help: "Service minutes of stops without service_min (road metric).") var serviceMin: Double = 0
        @Option(help: ArgumentHelp("Travel durations and distances computed elsewhere (JSON; see below).", valueName: "file")) var matrix: String?
        @Option(help: "json, geojson, vroom (VROOM's solution format) or vroom-problem (the problem as VROOM input, not solved).")
        var format: Format = .json
        @Option(help: ArgumentHelp("Write to a file instead of standard output.", valueName: "path")) var output: String?
        @Flag(help: "Replace --output if it exists (never the stops or --matrix).") var overwrite = false

        func validate() throws {
            try routing.check()
            if case .failure(let e) = Clock.windows(day) { throw ValidationError("--day \(e)") }
            if serviceMin < 0 || serviceMin > 1440 { throw ValidationError("--service-min \(serviceMin): expected 0 to 1440") }
        }

        func read(_ path: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RegistryError.unreadable(file: path, reason: "no such file or not readable")
            }
            return data
        }

        /// The files --output may never replace.
        var inputs: [String] { [stops] + (matrix.map { [$0] } ?? []) }

        func run() throws {
            let began = processStart()
            try OutputTarget.check(output, overwrite: overwrite, protecting: inputs)
            func emit(_ text: String) throws { try econgis.output(text, to: output, overwrite: overwrite, protecting: inputs) }
            let data = try read(stops)
            let haversine = metric == .haversine
            let travel: any TravelModel = haversine ? StraightLineTravel.haversine : StraightLineTravel()
            var problem: RoutingProblem
            var vroom: VroomProblem?
            if VroomProblem.looksLikeVroom(data) {
                for (given, flag) in [(routing.teams != nil, "--teams"), (routing.start != nil, "--start"), (routing.end != nil, "--end"),
                                      (matrix != nil, "--matrix")] where given {
                    throw ValidationError("\(flag): \(stops) is a VROOM problem, whose vehicles (and matrices) say this")
                }
                vroom = try VroomProblem.read(data, file: stops, travel: travel)
                problem = vroom!.problem
            } else {
                var points = try StopsFile.read(data, file: stops, defaultServiceMinutes: haversine ? 0 : serviceMin)
                if haversine { for i in points.indices { points[i].serviceSeconds = 0; points[i].windows = [] } }
                let firstPoint = points.first(where: { $0.coordinate != nil })?.coordinate
                guard let start = try routing.coordinate(routing.start, "--start") ?? firstPoint else {
                    throw ValidationError("\(stops): no stop has coordinates; give --start LON,LAT")
                }
                let end = try routing.coordinate(routing.end, "--end")
                problem = RoutingProblem(
                    stops: points, teams: routing.teams ?? 1, start: start, end: end ?? start,
                    day: haversine ? .unlimited : WorkingDay(periods: try Clock.windows(day).get()), travel: travel)
                if let matrix {
                    let rows = end == nil ? "the start, then the \(points.count) stops" : "the start, the \(points.count) stops, then the end"
                    let size = points.count + (end == nil ? 1 : 2)
                    let json: JSONValue
                    do { json = try JSONText.decode(try read(matrix)) } catch let e as GeoJSONError {
                        throw StopsFileError(file: matrix, expected: "JSON {\"durations\": [[…]], \"distances\": [[…]]}: \(e.message)")
                    }
                    problem.matrix = try TravelMatrix.read(json, file: matrix, size: size, rows: rows)
                    for i in problem.stops.indices { problem.stops[i].location = i + 1 }
                    problem.startLocation = 0
                    problem.endLocation = end == nil ? 0 : points.count + 1
                }
            }
            if format == .vroomProblem {
                try emit(JSONText.encode(VroomProblem.problemJSON(problem)) + "\n")
                return
            }
            let solution = Router.solve(problem, options: routing.solver(defaultBudget: 1, began: began))
            let stops = problem.stops
            func named(_ stop: Int) -> [(String, JSONValue)] { stops[stop].name.map { [("name", .string($0))] } ?? [] }
            switch format {
            case .json: try emit(JSONText.encode(RouteOutput.json(solution, problem, extra: named)) + "\n")
            case .geojson: try emit(GeoJSONWriter.string(RouteOutput.features(solution, problem, extra: named), name: "routes"))
            case .vroom, .vroomProblem:
                try emit(JSONText.encode(VroomProblem.solutionJSON(solution, problem, jobIds: vroom?.jobIds, vehicleIds: vroom?.vehicleIds)) + "\n")
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
            note("\(problem.stops.count) stops, \(solution.routes.reduce(0) { $0 + $1.visits.count }) routed, \(solution.unassigned.count) unassigned; "
                 + "\(String(format: "%.1f", solution.totalDistance)) \(solution.distanceIsTravelTime ? "s of travel" : "m"); "
                 + "\(String(format: "%.3f", seconds)) s, \(solution.iterations) improvement rounds")
        }
    }
}
