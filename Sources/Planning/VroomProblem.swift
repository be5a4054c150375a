import Foundation
import GeoJSON

/// VROOM's JSON problem and solution formats (github.com/VROOM-Project/vroom, docs/API.md), so that a problem
/// prepared for VROOM can be routed here and the answers compared. Supported: jobs with location or location_index,
/// service, time_windows and priority; vehicles with start, end, time_window, fixed breaks and max_tasks (all
/// vehicles alike: econgis routes identical teams); a durations (and distances) matrix. Times are seconds, read
/// as seconds since midnight. Priority 0-100 becomes the prize `priority × (jobs + 1) + 1`: as in VROOM, the
/// priority served comes first, then the number of jobs.
public struct VroomProblem: Sendable {
    public var problem: RoutingProblem
    /// VROOM's id of each stop, and of each team's vehicle.
    public var jobIds: [Int]
    public var vehicleIds: [Int]

    public static func read(_ data: Data, file: String, travel: any TravelModel = StraightLineTravel()) throws -> VroomProblem {
        let json: JSONValue
        do { json = try JSONText.decode(data) } catch {
            throw StopsFileError(file: file, expected: "a VROOM problem (a JSON object with jobs and vehicles): \(error.message)")
        }
        func fail(_ field: String, _ value: JSONValue?, _ expected: String) -> StopsFileError {
            StopsFileError(file: file, field: field, value: value.map { $0.text.map { String($0.prefix(60)) } ?? "null" }, expected: expected)
        }
        func number(_ v: JSONValue?) -> Double? {
            switch v { case .int(let i)?: Double(i); case .double(let d)?: d; default: nil }
        }
        func integer(_ v: JSONValue?, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let d = number(v), d == d.rounded(), d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
                throw fail(field, v, "an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return Int(d)
        }
        func array(_ v: JSONValue?, _ field: String) throws -> [JSONValue] {
            guard case .array(let items)? = v else { throw fail(field, v, "an array") }
            return items
        }
        func coordinate(_ v: JSONValue?, _ field: String) throws -> Coordinate? {
            guard let v, v != .null else { return nil }
            let items = try array(v, field)
            guard items.count == 2, let lon = number(items[0]), let lat = number(items[1]), (-180...180).contains(lon), (-90...90).contains(lat) else {
                throw fail(field, v, "[longitude, latitude] in WGS 84 degrees")
            }
            return Coordinate(lon: lon, lat: lat)
        }
        func window(_ v: JSONValue, _ field: String) throws -> TimeWindow {
            let ends = try array(v, field)
            guard ends.count == 2, let a = number(ends[0]), let b = number(ends[1]), a >= 0, b >= 0 else {
                throw fail(field, v, "[start, end] in seconds ≥ 0")
            }
            guard a <= b else { throw fail(field, v, "a window that opens (\(JSONValue.format(a))) before it closes") }
            return TimeWindow(start: a, end: b)
        }
        guard case .object = json else { throw fail("", json, "a JSON object with jobs and vehicles") }
        for unsupported in ["shipments"] {
            if let v = json[unsupported], case .array(let items) = v, !items.isEmpty {
                throw fail(unsupported, .int(items.count), "no \(unsupported) (econgis routes jobs only)")
            }
        }

        var matrix: TravelMatrix?
        let jobValues = try array(json["jobs"], "jobs")
        let vehicleValues = try array(json["vehicles"], "vehicles")
        guard !vehicleValues.isEmpty else { throw fail("vehicles", .array([]), "at least one vehicle") }

        // Vehicles: all alike.
        struct Vehicle: Equatable {
            var start: Coordinate?, end: Coordinate?, startIndex: Int?, endIndex: Int?
            var window: TimeWindow?, breaks: [TimeWindow], maxTasks: Int?
        }
        var vehicles: [Vehicle] = []
        var vehicleIds: [Int] = []
        for (k, v) in vehicleValues.enumerated() {
            let at = "vehicles[\(k)]"
            guard case .object(let members) = v else { throw fail(at, v, "an object") }
            for (key, value) in members where ["capacity", "skills", "max_travel_time", "max_distance", "steps", "costs"].contains(key) {
                if case .array(let a) = value, a.isEmpty { continue }
                throw fail("\(at).\(key)", value, "nothing: econgis does not model \(key)")
            }
            if let f = v["speed_factor"], number(f) != 1 { throw fail("\(at).speed_factor", f, "1 (or absent)") }
            vehicleIds.append(try integer(v["id"], "\(at).id", 0...Int(Int32.max)))
            var vehicle = Vehicle(start: try coordinate(v["start"], "\(at).start"), end: try coordinate(v["end"], "\(at).end"),
                                  startIndex: try v["start_index"].map { try integer($0, "\(at).start_index", 0...Int(Int32.max)) },
                                  endIndex: try v["end_index"].map { try integer($0, "\(at).end_index", 0...Int(Int32.max)) },
                                  window: try v["time_window"].map { try window($0, "\(at).time_window") }, breaks: [],
                                  maxTasks: try v["max_tasks"].map { try integer($0, "\(at).max_tasks", 0...Int(Int32.max)) })
            guard vehicle.start != nil || vehicle.startIndex != nil else { throw fail("\(at).start", nil, "a start ([lon, lat] or start_index)") }
            guard vehicle.end != nil || vehicle.endIndex != nil else {
                throw fail("\(at).end", nil, "an end ([lon, lat] or end_index): econgis teams come back")
            }
            let breakValues = try v["breaks"].map { try array($0, "\(at).breaks") } ?? []
            for (b, value) in breakValues.enumerated() {
                let field = "\(at).breaks[\(b)]"
                let windows = try array(value["time_windows"], "\(field).time_windows")
                guard windows.count == 1, case let w = try window(windows[0], "\(field).time_windows[0]"), w.start == w.end,
                      let service = number(value["service"]), service >= 0 else {
                    throw fail(field, value, "a break at a fixed time: time_windows [[start, start]] and service = its length in seconds")
                }
                vehicle.breaks.append(TimeWindow(start: w.start, end: w.start + service))
            }
            if let first = vehicles.first, first != vehicle {
                throw fail(at, v, "a vehicle like vehicles[0] (same start, end, time_window, breaks and max_tasks): econgis routes identical teams")
            }
            vehicles.append(vehicle)
        }
        let vehicle = vehicles[0]

        if let matrices = json["matrices"], matrices != .null {
            guard case .object(let profiles) = matrices, profiles.count == 1 else {
                throw fail("matrices", matrices, "one profile, e.g. {\"car\": {\"durations\": [[…]]}}")
            }
            matrix = try TravelMatrix.read(profiles[0].1, file: file, field: "matrices.\(profiles[0].0)", size: try matrixSize(profiles[0].1["durations"] ?? profiles[0].1["distances"]), rows: "the locations by location_index")
        } else if let legacy = json["matrix"], legacy != .null {
            matrix = try TravelMatrix.read(.object([("durations", legacy)]), file: file, size: try matrixSize(legacy), rows: "the locations by location_index")
        }
        func matrixSize(_ v: JSONValue?) throws -> Int {
            guard case .array(let rows)? = v else { throw fail("matrices", v, "a durations matrix, an array of rows") }
            return rows.count
        }
        func checkIndex(_ i: Int?, _ field: String) throws {
            guard let matrix else { return }
            guard let i, i < matrix.size else {
                throw fail(field, i.map { .int($0) }, "an index of the matrix, 0 to \(matrix.size - 1)")
            }
        }
        if matrix != nil {
            try checkIndex(vehicle.startIndex, "vehicles[0].start_index")
            try checkIndex(vehicle.endIndex, "vehicles[0].end_index")
        }

        var stops: [RoutingStop] = []
        var jobIds: [Int] = []
        var seen = Set<Int>()
        for (k, j) in jobValues.enumerated() {
            let at = "jobs[\(k)]"
            guard case .object(let members) = j else { throw fail(at, j, "an object") }
            for (key, value) in members where ["delivery", "pickup", "amount", "skills"].contains(key) {
                if case .array(let a) = value, a.isEmpty || a.allSatisfy({ number($0) == 0 }) { continue }
                throw fail("\(at).\(key)", value, "nothing: econgis does not model loads or skills")
            }
            let id = try integer(j["id"], "\(at).id", 0...Int(Int32.max))
            guard seen.insert(id).inserted else { throw fail("\(at).id", .int(id), "an id that appears once among the jobs") }
            let location = try coordinate(j["location"], "\(at).location")
            let index = try j["location_index"].map { try integer($0, "\(at).location_index", 0...Int(Int32.max)) }
            if matrix != nil { try checkIndex(index, "\(at).location_index") } else if location == nil {
                throw fail("\(at).location", nil, "a location [lon, lat] (or a matrix and location_index)")
            }
            var service = 0.0
            for key in ["setup", "service"] {
                guard let v = j[key], v != .null else { continue }
                guard let s = number(v), s >= 0 else { throw fail("\(at).\(key)", v, "seconds ≥ 0") }
                service += s
            }
            let windowValues = try j["time_windows"].map { try array($0, "\(at).time_windows") } ?? []
            var windows: [TimeWindow] = []
            for (w, value) in windowValues.enumerated() { windows.append(try window(value, "\(at).time_windows[\(w)]")) }
            windows.sort { $0.start < $1.start }
            let priority = try j["priority"].map { try integer($0, "\(at).priority", 0...100) } ?? 0
            switch j["description"] {
            case .array?, .object?: throw fail("\(at).description", j["description"], "a text")
            default: break
            }
            stops.append(RoutingStop(id: String(id), name: j["description"]?.text, coordinate: location, location: index, serviceSeconds: service, windows: windows,
                                     priority: Double(priority * (jobValues.count + 1) + 1)))
            jobIds.append(id)
        }

        // The vehicle's working day: its time window minus its breaks.
        var periods = [vehicle.window ?? TimeWindow(start: 0, end: .infinity)]
        for b in vehicle.breaks.sorted(by: { $0.start < $1.start }) {
            guard let last = periods.last, b.start >= last.start, b.end <= last.end, b.start < b.end else {
                throw fail("vehicles[0].breaks", nil, "breaks inside the vehicle's time_window that do not overlap")
            }
            periods[periods.count - 1] = TimeWindow(start: last.start, end: b.start)
            periods.append(TimeWindow(start: b.end, end: last.end))
        }
        periods.removeAll { $0.end <= $0.start }
        let problem = RoutingProblem(
            stops: stops, teams: vehicles.count, start: vehicle.start, end: vehicle.end, day: WorkingDay(periods: periods),
            maxStopsPerTeam: vehicle.maxTasks, travel: travel, matrix: matrix, startLocation: vehicle.startIndex, endLocation: vehicle.endIndex)
        return VroomProblem(problem: problem, jobIds: jobIds, vehicleIds: vehicleIds)
    }
}

extension VroomProblem {
    /// A JSON object with a `vehicles` member (GeoJSON has `type` and `features` instead).
    public static func looksLikeVroom(_ data: Data) -> Bool {
        guard data.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "{"),
              let json = try? JSONText.decode(data), case .object = json else { return false }
        return json["vehicles"] != nil || json["jobs"] != nil
    }
}
