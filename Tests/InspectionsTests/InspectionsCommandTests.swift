import Foundation
import Inspections
import Planning
import Registry
import Testing

/// A field inspector's day through `econgis inspections`, as the README shows it.
@Suite(.serialized) struct InspectionsCommandTests {
    let registry: TemporaryRegistry

    init() throws { registry = try stationRegistry() }

    func econgis(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try Command.run(args + ["--db", registry.path])
    }

    @Test func planRecordFinishShow() throws {
        let plan = try econgis(["inspections", "plan", "--unit", "0100233488", "--date", "2026-03-10", "--scope", "metrology", "--team", "Lan, Minh"])
        #expect(plan.status == 0, "\(plan.err)")
        let id = plan.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(id) != nil)
        let early = try econgis(["inspections", "record", "fuel", id, "--nominal-l", "20", "--measured-l", "19.95"])
        #expect(early.status != 0)
        #expect(early.err.contains("inspection \(id) status: \"planned\": in_progress to record a test"), "\(early.err)")
        #expect(try econgis(["inspections", "start", id]).status == 0)
        let pass = try econgis(["inspections", "record", "fuel", id, "--nominal-l", "20", "--measured-l", "19.95", "--instrument", "F1"])
        #expect(pass.status == 0 && pass.out.hasPrefix("verdict: PASS"), "\(pass.err)")
        let fail = try econgis(["inspections", "record", "fuel", id, "--nominal-l", "20", "--measured-l", "19.9", "--instrument", "F2", "--format", "json"])
        #expect(fail.status == 0, "\(fail.err)")
        #expect(fail.out.contains("\"verdict\":\"fail\""))
        #expect(fail.err.contains("violation: instrument_out_of_tolerance, quantity_short"))
        let bad = try econgis(["inspections", "record", "scale", id, "--capacity-kg", "8", "--load-kg", "9", "--reading-kg", "9"])
        #expect(bad.err.contains("--load-kg: \"9\": at most the scale's capacity, 8 kg"), "\(bad.err)")
        let refused = try econgis(["inspections", "close", id])
        #expect(refused.err.contains("inspection \(id) status: \"in_progress\": done to close it; from in_progress only: finish, cancel"), "\(refused.err)")
        #expect(try econgis(["inspections", "finish", id]).status == 0)
        let show = try econgis(["inspections", "show", id, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [String: Any])
        #expect(json["status"] as? String == "done")
        #expect(json["outcome"] as? String == "violation")
        #expect((json["tests"] as? [[String: Any]])?.map { $0["verdict"] as? String } == ["pass", "fail"])
        let violations = try #require(json["violations"] as? [[String: Any]])
        #expect(violations.contains { $0["category"] as? String == "quantity_short" && $0["fine_max_vnd"] as? Int == 40_000_000 })
        let list = try econgis(["inspections", "list", "--status", "done", "--format", "csv"])
        #expect(list.out.contains("\(id),0100233488,Cửa hàng xăng dầu A,2026-03-10,metrology,done,violation,\"Lan, Minh\""), "\(list.out)")
    }

    /// A failed check's re-inspection is an open follow-up for the planner, on the demo data. The planner's
    /// reasons are read from its scored candidates, which do not depend on the route the solver finds in its time.
    @Test func planSeesTheReinspection() throws {
        let db = registry.directory.appendingPathComponent("demo.sqlite").path
        func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try Command.run(args + ["--db", db]) }
        #expect(try run(["init", "--demo", "--demo-today", "2026-11-15", "--geodata", InspectionsCommandTests.geodata]).status == 0)
        func why() throws -> String {
            var request = PlanRequest(wardCode: "27211", date: LocalDate(iso: "2026-11-18")!)
            request.solver = SolverOptions(timeBudget: 0.1, maxIterations: 1, seed: 1)
            let plan = try InspectionPlanner(store: RegistryStore(path: db)).plan(request)
            return try #require(plan.candidates.first { $0.unit.unit.code == "0323155508" }).score.explanation
        }
        #expect(try !why().contains("open follow-up: re-inspection, due in 28 days"))
        let id = try run(["inspections", "plan", "--unit", "0323155508", "--date", "2026-11-16"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try run(["inspections", "start", id]).status == 0)
        #expect(try run(["inspections", "record", "fuel", id, "--instrument", "FUE-000243", "--nominal-l", "20", "--measured-l", "19.9"]).status == 0)
        #expect(try run(["inspections", "finish", id]).status == 0)
        let reason = try why()
        #expect(reason.contains("open follow-up: re-inspection, due in 28 days"), "\(reason)")
    }

    /// `inspections plan --ward` turns the day's routed visits into planned inspections, all or none.
    @Test func aWardsDayBecomesPlannedInspections() throws {
        let db = registry.directory.appendingPathComponent("demo.sqlite").path
        func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try Command.run(args + ["--db", db]) }
        #expect(try run(["init", "--demo", "--demo-today", "2026-11-15", "--geodata", InspectionsCommandTests.geodata]).status == 0)
        let planArgs = ["--ward", "27232", "--date", "2026-11-18", "--teams", "2", "--time-budget", "0.5"]
        let made = try run(["inspections", "plan"] + planArgs)
        #expect(made.status == 0, "\(made.err)")
        let ids = made.out.split(separator: "\n")
        #expect(ids.count > 10)
        let listed = try run(["inspections", "list", "--status", "planned", "--format", "json"])
        let planned = try #require(try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [[String: Any]])
        let rows = planned.filter { ids.contains(Substring("\($0["id"]!)")) }
        #expect(rows.count == ids.count)
        // Routes depend on the solver's time budget, so the check is on what any plan must give: distinct units of
        // the ward, both teams, the day asked, scopes from visit_profiles.
        let units = rows.map { $0["unit_code"] as! String }
        #expect(Set(units).count == units.count)
        let ward = try run(["units", "list", "--ward", "27232", "--as-of", "2026-11-18", "--format", "csv", "--columns", "code"])
        let inWard = Set(ward.out.split(separator: "\n").map(String.init))
        #expect(units.allSatisfy(inWard.contains), "\(ward.err)")
        #expect(Set(rows.map { $0["team"] as! String }) == ["team 1", "team 2"])
        #expect(rows.allSatisfy { $0["date"] as? String == "2026-11-18" })
        #expect(rows.contains { $0["scopes"] as? String == "metrology,prices,quantity" }, "a fuel station looks at metrology, quantity and prices")
        // The same day again: refused, nothing more written.
        let again = try run(["inspections", "plan"] + planArgs)
        #expect(again.status != 0 && again.err.contains("a day without another inspection of unit"), "\(again.err)")
        let after = try run(["inspections", "list", "--status", "planned", "--format", "json"])
        #expect((try JSONSerialization.jsonObject(with: Data(after.out.utf8)) as? [Any])?.count == planned.count)
    }

    /// The demo's field work and origin log move with the demo's day, before or after the reference date.
    @Test(arguments: ["2025-06-01", "2027-03-01"]) func demoOnAnotherDay(_ today: String) throws {
        let db = registry.directory.appendingPathComponent("demo-\(today).sqlite").path
        let r = try Command.run(["init", "--demo", "--demo-today", today, "--geodata", InspectionsCommandTests.geodata, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("field work: ") || r.err.contains("field work: "))
        let origin = try Command.run(["origin", "list", "--to", today, "--format", "csv", "--db", db])
        let late = try Command.run(["origin", "list", "--from", LocalDate(iso: today)!.adding(days: 1).description, "--format", "csv", "--db", db])
        #expect(origin.out.split(separator: "\n").count > 1000, "the year's entries end before the demo's day")
        #expect(late.out.split(separator: "\n").count == 1, "only the header after it")
    }

    static let geodata = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("geodata").path
}
