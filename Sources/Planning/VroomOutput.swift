import Foundation
import GeoJSON

extension RoutingProblem {
    /// Metres and seconds from one stop to another; nil is the start (as `from`) or the end (as `to`).
    func leg(from a: Int?, to b: Int?) -> (metres: Double, seconds: Double) {
        if let matrix {
            let i = a.flatMap { stops[$0].location } ?? startLocation ?? 0
            let j = b.flatMap { stops[$0].location } ?? endLocation ?? startLocation ?? 0
            return (matrix.distance(i, j), matrix.duration(i, j))
        }
        guard let p = a.map({ stops[$0].coordinate }) ?? start, let q = b.map({ stops[$0].coordinate }) ?? end else { return (0, 0) }
        return (travel.distance(from: p, to: q), travel.duration(from: p, to: q))
    }
}

extension VroomProblem {
    /// VROOM's ids for the stops: their own when they came from a VROOM file, else the stops' ids when every one is a
    /// whole number and none repeats, else their places (an id "0" beside a stop at place 0 gave two jobs id 0).
    static func jobIds(_ p: RoutingProblem, _ given: [Int]?) -> (ids: [Int], areStopIds: Bool) {
        if let given { return (given, true) }
        let numbers = p.stops.compactMap { s in Int(s.id).flatMap { $0 >= 0 && String($0) == s.id ? $0 : nil } }
        if numbers.count == p.stops.count, Set(numbers).count == numbers.count { return (numbers, true) }
        return (Array(p.stops.indices), false)
    }

    /// A job's description: the stop's name, and its id too when the job's id is not the stop's (a text id).
    static func description(_ stop: RoutingStop, idIsKept: Bool) -> String {
        guard let name = stop.name else { return stop.id }
        return idIsKept ? name : "\(stop.id): \(name)"
    }

    static func location(_ c: Coordinate?) -> JSONValue { c.map { .array([.double($0.lon), .double($0.lat)]) } ?? .null }

    /// The problem as VROOM reads it: one vehicle per team, the working periods as the time window and fixed breaks.
    /// Priorities are rounded into VROOM's 0-100.
    public static func problemJSON(_ p: RoutingProblem) -> JSONValue {
        var jobs: [JSONValue] = []
        let (ids, kept) = jobIds(p, nil)
        for (i, s) in p.stops.enumerated() where s.isLocated(matrix: p.matrix) {
            var job: [(String, JSONValue)] = [("id", .int(ids[i])), ("description", .string(description(s, idIsKept: kept)))]
            if let c = s.coordinate { job.append(("location", location(c))) }
            if p.matrix != nil, let l = s.location { job.append(("location_index", .int(l))) }
            job.append(("service", .int(Int(s.serviceSeconds.rounded()))))
            if !s.windows.isEmpty { job.append(("time_windows", .array(s.windows.map { .array([.int(Int($0.start)), .int(Int($0.end))]) }))) }
            job.append(("priority", .int(Int(min(100, max(0, s.priority.rounded()))))))
            jobs.append(.object(job))
        }
        let periods = p.day.periods.sorted { $0.start < $1.start }
        let vehicles: [JSONValue] = (0..<p.teams).map { k in
            var v: [(String, JSONValue)] = [("id", .int(k + 1))]
            if let s = p.start { v.append(("start", location(s))) }
            if let e = p.end { v.append(("end", location(e))) }
            if p.matrix != nil {
                if let s = p.startLocation { v.append(("start_index", .int(s))) }
                if let e = p.endLocation { v.append(("end_index", .int(e))) }
            }
            if let first = periods.first, let last = periods.last, last.end.isFinite {
                v.append(("time_window", .array([.int(Int(first.start)), .int(Int(last.end))])))
            }
            let gaps = zip(periods, periods.dropFirst()).map { TimeWindow(start: $0.end, end: $1.start) }
            if !gaps.isEmpty {
                v.append(("breaks", .array(gaps.enumerated().map { b, g in
                    .object([("id", .int(b + 1)), ("time_windows", .array([.array([.int(Int(g.start)), .int(Int(g.start))])])),
                             ("service", .int(Int(g.end - g.start)))])
                })))
            }
            if let m = p.maxStopsPerTeam { v.append(("max_tasks", .int(m))) }
            return .object(v)
        }
        var out: [(String, JSONValue)] = [("vehicles", .array(vehicles)), ("jobs", .array(jobs))]
        if let m = p.matrix {
            let rows = { (f: (Int, Int) -> Double) in JSONValue.array((0..<m.size).map { i in .array((0..<m.size).map { .double(f(i, $0)) }) }) }
            var table: [(String, JSONValue)] = [("durations", rows(m.duration))]
            if m.distances != nil { table.append(("distances", rows(m.distance))) }
            out.append(("matrices", .object([("car", .object(table))])))
        }
        return .object(out)
    }

    /// A solution as VROOM writes it: summary, routes of steps (start, jobs, end) with arrival, service, waiting,
    /// cumulative travel duration and distance, and the unassigned jobs (with econgis's reason as `description`).
    public static func solutionJSON(_ s: RoutingSolution, _ p: RoutingProblem, jobIds: [Int]? = nil, vehicleIds: [Int]? = nil) -> JSONValue {
        var routes: [JSONValue] = []
        let (ids, kept) = VroomProblem.jobIds(p, jobIds)
        var total = (cost: 0.0, service: 0.0, duration: 0.0, waiting: 0.0, distance: 0.0)
        for r in s.routes where !r.visits.isEmpty {
            var steps: [JSONValue] = [.object([("type", "start"), ("location", location(p.start)), ("arrival", .int(Int(r.leaveAt.rounded()))),
                                               ("duration", 0), ("distance", 0)])]
            var travel = 0.0, metres = 0.0, service = 0.0, waiting = 0.0
            var previous: Int?
            for v in r.visits {
                let leg = p.leg(from: previous, to: v.stop)
                travel += leg.seconds
                metres += leg.metres
                service += v.departure - v.start
                waiting += v.start - v.arrival
                steps.append(.object([
                    ("type", "job"), ("id", .int(ids[v.stop])), ("description", .string(description(p.stops[v.stop], idIsKept: kept))),
                    ("location", location(p.stops[v.stop].coordinate)), ("arrival", .int(Int(v.arrival.rounded()))),
                    ("service", .int(Int((v.departure - v.start).rounded()))), ("waiting_time", .int(Int((v.start - v.arrival).rounded()))),
                    ("duration", .int(Int(travel.rounded()))), ("distance", .int(Int(metres.rounded()))),
                ]))
                previous = v.stop
            }
            let back = p.leg(from: previous, to: nil)
            travel += back.seconds
            metres += back.metres
            steps.append(.object([("type", "end"), ("location", location(p.end)), ("arrival", .int(Int(r.returnAt.rounded()))),
                                  ("duration", .int(Int(travel.rounded()))), ("distance", .int(Int(metres.rounded())))]))
            let cost = s.distanceIsTravelTime ? travel : metres
            total.cost += cost; total.service += service; total.duration += travel; total.waiting += waiting
            total.distance += metres
            routes.append(.object([
                ("vehicle", .int(vehicleIds?[r.team - 1] ?? r.team)), ("cost", .int(Int(cost.rounded()))), ("steps", .array(steps)),
                ("service", .int(Int(service.rounded()))), ("duration", .int(Int(travel.rounded()))),
                ("waiting_time", .int(Int(waiting.rounded()))), ("distance", .int(Int(metres.rounded()))),
            ]))
        }
        let unassigned: [JSONValue] = s.unassigned.map { u in
            .object([("id", .int(ids[u.stop])), ("type", "job"), ("location", location(p.stops[u.stop].coordinate)),
                     ("description", .string("\(description(p.stops[u.stop], idIsKept: kept)): \(u.reason.description)")),
                     ("reason", .string(u.reason.code))])
        }
        return .object([
            ("code", 0),
            ("summary", .object([
                ("cost", .int(Int(total.cost.rounded()))), ("routes", .int(routes.count)), ("unassigned", .int(unassigned.count)),
                ("service", .int(Int(total.service.rounded()))), ("duration", .int(Int(total.duration.rounded()))),
                ("waiting_time", .int(Int(total.waiting.rounded()))), ("distance", .int(Int(total.distance.rounded()))),
            ])),
            ("unassigned", .array(unassigned)), ("routes", .array(routes)),
        ])
    }
}
