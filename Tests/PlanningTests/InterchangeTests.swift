import Foundation
import GeoJSON
import Testing
@testable import Planning

/// The same 30 stops as a GeoJSON stops file and as a VROOM problem (two vehicles on the office day with lunch).
struct TwinFiles {
    var geojson = ""
    var vroom = ""

    init() {
        var rng = SplitMix64(seed: 31)
        var features: [String] = [], jobs: [String] = []
        for (i, stop) in randomStops(30, seed: 31).enumerated() {
            let c = stop.coordinate!
            let service = [10, 20, 30, 45][rng.below(4)]
            let open = rng.below(3) == 0 ? 8 + rng.below(6) : nil
            var props = #""id": "\#(i)", "service_min": \#(service)"#
            var job = #"{"id": \#(i), "location": [\#(c.lon), \#(c.lat)], "service": \#(service * 60)"#
            if let open {
                props += #", "open": "\#(open < 10 ? "0" : "")\#(open):00", "close": "\#(open + 3):00""#
                job += #", "time_windows": [[\#(open * 3600), \#((open + 3) * 3600)]]"#
            }
            features.append(#"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [\#(c.lon), \#(c.lat)]}, "properties": {\#(props)}}"#)
            jobs.append(job + "}")
        }
        geojson = #"{"type": "FeatureCollection", "features": [\#(features.joined(separator: ","))]}"#
        let vehicle = { (id: Int) in
            #"{"id": \#(id), "start": [\#(office.lon), \#(office.lat)], "end": [\#(office.lon), \#(office.lat)], "time_window": [27000, 61200], "#
                + #""breaks": [{"id": 1, "time_windows": [[41400, 41400]], "service": 7200}]}"#
        }
        vroom = #"{"vehicles": [\#(vehicle(1)), \#(vehicle(2))], "jobs": [\#(jobs.joined(separator: ","))]}"#
    }
}

func vroomError(_ json: String) -> String {
    do {
        _ = try VroomProblem.read(Data(json.utf8), file: "p.json")
        return "accepted"
    } catch { return "\(error)" }
}

@Suite struct InterchangeTests {
    @Test func vroomProblemGivesTheSameRoutesAsTheEquivalentGeoJSON() throws {
        let files = TwinFiles()
        let stops = try StopsFile.read(Data(files.geojson.utf8), file: "s.geojson", defaultServiceMinutes: 0)
        let fromGeoJSON = RoutingProblem(stops: stops, teams: 2, start: office, day: .office)
        let vroom = try VroomProblem.read(Data(files.vroom.utf8), file: "p.json")
        #expect(vroom.problem.teams == 2 && vroom.problem.day.periods == WorkingDay.office.periods)
        let options = SolverOptions.reproducible(seed: 2, rounds: 100)
        let a = Router.solve(fromGeoJSON, options: options), b = Router.solve(vroom.problem, options: options)
        let ids = { (s: RoutingSolution, p: RoutingProblem) in s.routes.map { $0.visits.map { p.stops[$0.stop].id } } }
        #expect(ids(a, fromGeoJSON) == ids(b, vroom.problem))
        #expect(a.routes.flatMap(\.visits).count > 10)
        #expect(abs(a.totalDistance - b.totalDistance) < 1e-6)
        #expect(violations(of: b, in: vroom.problem) == [])

        // Written as VROOM's solution: the same jobs in the same order, and as a VROOM problem it reads back the same.
        let out = VroomProblem.solutionJSON(b, vroom.problem, jobIds: vroom.jobIds, vehicleIds: vroom.vehicleIds)
        guard case .array(let routes)? = out["routes"] else { Issue.record("no routes"); return }
        let jobs = routes.map { r -> [String] in
            guard case .array(let steps)? = r["steps"] else { return [] }
            return steps.filter { $0["type"] == "job" }.compactMap { $0["id"]?.text }
        }
        #expect(jobs == ids(b, vroom.problem).filter { !$0.isEmpty })
        let again = try VroomProblem.read(Data(JSONText.encode(VroomProblem.problemJSON(fromGeoJSON)).utf8), file: "again.json")
        let c = Router.solve(again.problem, options: options)
        #expect(ids(c, again.problem) == ids(a, fromGeoJSON))
    }

    @Test func aMatrixGivesTheSameRoutesAsTheTravelModelItCameFrom() {
        let stops = fullDayStops(40, seed: 9)
        let plain = RoutingProblem(stops: stops, teams: 2, start: office)
        let points = [office] + stops.map { $0.coordinate! }
        let travel = StraightLineTravel()
        var withMatrix = plain
        withMatrix.matrix = TravelMatrix(durations: points.map { a in points.map { travel.duration(from: a, to: $0) } },
                                         distances: points.map { a in points.map { travel.distance(from: a, to: $0) } })
        for i in withMatrix.stops.indices { withMatrix.stops[i].location = i + 1 }
        withMatrix.startLocation = 0
        withMatrix.endLocation = 0
        let options = SolverOptions.reproducible(seed: 1, rounds: 80)
        let a = Router.solve(plain, options: options), b = Router.solve(withMatrix, options: options)
        #expect(a.routes.map { $0.visits.map(\.stop) } == b.routes.map { $0.visits.map(\.stop) })
        #expect(abs(a.totalDistance - b.totalDistance) < 1e-3)
    }

    @Test func badVroomProblemsAreNamedByFieldValueAndExpectation() {
        let files = TwinFiles()
        let closesFirst = files.vroom.replacingOccurrences(of: #""id": 3, "#, with: #""id": 3, "time_windows": [[36000, 28800]], "#)
        let e1 = vroomError(closesFirst)
        #expect(e1.contains("jobs[3].time_windows[0]") && e1.contains("[36000,28800]") && e1.contains("opens (36000) before it closes"), "\(e1)")
        let negative = files.vroom.replacingOccurrences(of: #""id": 1, "location""#, with: #""id": 1, "service": -60, "location""#)
        let e2 = vroomError(negative)
        #expect(e2.contains("jobs[1].service") && e2.contains("-60") && e2.contains("seconds ≥ 0"), "\(e2)")
        let e3 = vroomError(#"{"vehicles": [{"id": 1, "start_index": 0, "end_index": 0}], "jobs": [{"id": 7, "location_index": 5}], "#
                            + #""matrices": {"car": {"durations": [[0, 1, 2], [1, 0, 3], [2, 3, 0]]}}}"#)
        #expect(e3.contains("jobs[0].location_index") && e3.contains("\"5\"") && e3.contains("0 to 2"), "\(e3)")
        let e4 = vroomError(#"{"vehicles": [{"id": 1, "start_index": 0, "end_index": 0}], "jobs": [{"id": 7, "location_index": 1}], "#
                            + #""matrices": {"car": {"durations": [[0, 1, 2], [1, 0], [2, 3, 0]]}}}"#)
        #expect(e4.contains("matrices.car.durations[1]") && e4.contains("2 values") && e4.contains("3 numbers"), "\(e4)")
        let e5 = vroomError(files.vroom.replacingOccurrences(of: #"{"id": 2, "start": ["#, with: #"{"id": 2, "max_tasks": 3, "start": ["#))
        #expect(e5.contains("vehicles[1]") && e5.contains("like vehicles[0]"), "\(e5)")
        #expect(vroomError("[1, 2]").contains("a JSON object with jobs and vehicles"))
        #expect(vroomError(#"{"vehicles": [], "jobs": []}"#).contains("at least one vehicle"))
    }

    @Test func aMatrixOfTheWrongSizeOrWithNegativeValuesIsRefused() throws {
        func error(_ json: String, size: Int) -> String {
            do {
                _ = try TravelMatrix.read(try JSONText.decode(Array(json.utf8)), file: "m.json", size: size, rows: "the start, then the 3 stops")
                return "accepted"
            } catch { return "\(error)" }
        }
        let e1 = error(#"{"durations": [[0, 1, 2], [1, 0, 3], [2, 3, 0]]}"#, size: 4)
        #expect(e1.contains("m.json") && e1.contains("durations") && e1.contains("3 rows") && e1.contains("4 rows of 4 numbers (the start, then the 3 stops)"), "\(e1)")
        let e2 = error(#"{"durations": [[0, 1], [1, 0]], "distances": [[0, -4], [1, 0]]}"#, size: 2)
        #expect(e2.contains("distances[0][1]") && e2.contains("-4") && e2.contains("metres ≥ 0"), "\(e2)")
        let e3 = error(#"{"distances": [[0, 1], [1, 0]]}"#, size: 2)
        #expect(e3.contains("durations") && e3.contains("travel seconds"), "\(e3)")
        let ok = try TravelMatrix.read(try JSONText.decode(Array(#"{"durations": [[0, 5], [6, 0]]}"#.utf8)), file: "m.json", size: 2, rows: "")
        #expect(ok.duration(0, 1) == 5 && ok.distance(1, 0) == 6 && ok.distances == nil)
    }

    @Test func aGeoJSONStopWithANegativeServiceOrAWindowClosingFirstIsRefused() {
        func error(_ props: String) -> String {
            let text = #"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.65, 10.76]}, "properties": {\#(props)}}"#
            do {
                _ = try StopsFile.read(Data(text.utf8), file: "s.geojson", defaultServiceMinutes: 0)
                return "accepted"
            } catch { return "\(error)" }
        }
        let e1 = error(#""service_min": -5"#)
        #expect(e1.contains("s.geojson") && e1.contains("service_min") && e1.contains("-5") && e1.contains("from 0 to 1440"), "\(e1)")
        let e2 = error(#""open": "14:00", "close": "09:00""#)
        #expect(e2.contains("close") && e2.contains("09:00") && e2.contains("after open (14:00)"), "\(e2)")
    }
}
