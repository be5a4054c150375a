import Foundation
import Inspections
import Planning
import Registry
import Testing

/// What an inspection leaves to do next (a violation's re-inspection, a sealed instrument) reaches `econgis due`
/// and the planner, on the demo data, and leaves them again once it is done.
@Suite(.serialized) struct FollowUpSchedulingTests {
    let demo: DemoDatabase
    var db: String { demo.path }

    init() throws { demo = try DemoDatabase() }

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try demo.run(args) }

    /// The due list of the station's ward on 2026-11-18, as CSV rows of the station's dispenser FUE-000243 and of its
    /// violations without an instrument (its other dispenser FUE-000250 has been expired since April).
    func due(within: Int = 30) throws -> [String] {
        let r = try run(["due", "--ward", "27211", "--as-of", "2026-11-18", "--within", "\(within)", "--format", "csv",
                         "--columns", "unit_code,serial_no,state,due_on,reason"])
        #expect(r.status == 0, "\(r.err)")
        return r.out.split(separator: "\n").map(String.init).filter { $0.hasPrefix("0323155508,FUE-000243,") || $0.hasPrefix("0323155508,,") }
    }

    /// The planner's reasons for the station on 2026-11-18 (its scored candidates do not depend on the route).
    func why() throws -> String {
        var request = PlanRequest(wardCode: "27211", date: LocalDate(iso: "2026-11-18")!)
        request.solver = SolverOptions(timeBudget: 0.1, maxIterations: 1, seed: 1)
        let plan = try InspectionPlanner(store: RegistryStore.openForReading(path: db)).plan(request)
        return try #require(plan.candidates.first { $0.unit.unit.code == "0323155508" }).score.explanation
    }

    @Test func reinspectionAndSealReachDueAndPlanUntilDone() throws {
        #expect(try due().isEmpty, "nothing to do at the station before the inspection")
        let id = try run(["inspections", "plan", "--unit", "0323155508", "--date", "2026-11-16"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try run(["inspections", "start", id]).status == 0)
        #expect(try run(["inspections", "record", "fuel", id, "--instrument", "FUE-000243", "--nominal-l", "20", "--measured-l", "19.9"]).status == 0)
        let sealed = try run(["inspections", "seal", id, "--instrument", "FUE-000243", "--reason", "delivers 0.5 % short"])
        #expect(sealed.status == 0, "\(sealed.err)")
        // Under way: the seal counts at once, the violations' re-inspections only once the inspection is done.
        #expect(try due().map { $0.split(separator: ",").prefix(3).joined(separator: ",") } == ["0323155508,FUE-000243,sealed"])
        func followUps() throws -> Int {
            try run(["inspections", "due", "--ward", "27211", "--as-of", "2026-11-18", "--format", "csv"]).out
                .split(separator: "\n").filter { $0.contains("0323155508") }.count
        }
        #expect(try followUps() == 0, "inspections due agrees with due")
        #expect(try run(["inspections", "finish", id]).status == 0)
        #expect(try followUps() == 2)

        let rows = try due()
        #expect(rows.count == 3, "\(rows)")
        #expect(rows[0].hasPrefix("0323155508,FUE-000243,sealed,2027-06-20,\"sealed on 2026-11-16"), "sealed whatever its verification date: \(rows[0])")
        #expect(rows[0].contains("delivers 0.5 % short; not to be used until re-verified"))
        // Both violations (the dispenser beyond its MPE; quantity short in a sale) schedule a re-inspection, 30 days on.
        for row in rows.dropFirst() {
            #expect(row.hasPrefix("0323155508,FUE-000243,reinspection,2026-12-16,\"re-inspection after "), "\(row)")
            #expect(row.contains("found on 2026-11-16 (inspection \(id)), due in 28 days"), "\(row)")
        }
        #expect(Set(rows.dropFirst().map { $0.contains("instrument_out_of_tolerance") ? "instrument" : $0.contains("quantity_short") ? "short" : $0 })
                == ["instrument", "short"])
        #expect(try due(within: 7).count == 1, "a re-inspection 28 days ahead is not due within 7 days; the seal always is")
        let reasons = try why()
        #expect(reasons.contains("1 fuel dispenser sealed 2 days ago, not to be used until re-verified"), "\(reasons)")
        #expect(reasons.contains("open follow-up: re-inspection, due in 28 days"), "\(reasons)")

        // The dispenser is re-verified and released, and the re-inspection finds nothing: nothing is left to do.
        #expect(try run(["inspections", "release", "--unit", "0323155508", "--instrument", "FUE-000243", "--verified-on", "2026-11-17",
                         "--certificate", "V-2026-999"]).status == 0)
        let again = try run(["inspections", "plan", "--unit", "0323155508", "--date", "2026-11-17"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try run(["inspections", "start", again]).status == 0)
        #expect(try run(["inspections", "record", "fuel", again, "--instrument", "FUE-000243", "--nominal-l", "20", "--measured-l", "20.01"]).status == 0)
        #expect(try run(["inspections", "finish", again]).status == 0)
        #expect(try due().isEmpty)
        let after = try why()
        #expect(!after.contains("sealed") && !after.contains("open follow-up"), "\(after)")
    }
}
