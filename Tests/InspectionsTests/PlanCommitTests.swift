import Foundation
import Testing

/// `econgis plan --commit`: the day sheet's visits become planned inspections, all or none.
@Suite struct PlanCommitTests {
    @Test func theDaysVisitsBecomePlannedInspectionsOnce() throws {
        let demo = try DemoDatabase()
        let run = demo.run
        func planned() throws -> [[String: Any]] {
            let r = try run(["inspections", "list", "--status", "planned", "--format", "json"])
            return try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        }
        let before = try planned().count
        // Seeded, so the same request routes the same visits with and without --commit.
        let args = ["plan", "--ward", "27232", "--date", "2026-11-18", "--teams", "2", "--seed", "1", "--rounds", "100", "--format", "json"]
        let sheet = try run(args)
        #expect(sheet.status == 0, "\(sheet.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sheet.out.utf8)) as? [String: Any])
        let routes = try #require(json["routes"] as? [[String: Any]])
        var visits: [String: String] = [:]  // unit → team
        for r in routes { for s in r["stops"] as! [[String: Any]] { visits[s["id"] as! String] = "team \(r["team"]!)" } }
        #expect(visits.count > 10)

        let committed = try run(args + ["--commit"])
        #expect(committed.status == 0, "\(committed.err)")
        #expect(committed.out == sheet.out, "the same day sheet")
        #expect(committed.err.contains("\(visits.count) planned inspections written"), "\(committed.err)")
        let rows = try planned()
        #expect(rows.count == before + visits.count)
        let made = rows.filter { $0["date"] as? String == "2026-11-18" }
        #expect(Dictionary(uniqueKeysWithValues: made.map { ($0["unit_code"] as! String, $0["team"] as! String) }) == visits)

        // Again: every unit already has its inspection that day; refused, nothing more written, no day sheet.
        let again = try run(args + ["--commit"])
        #expect(again.status != 0)
        #expect(again.err.contains("--date: \"2026-11-18\": a day without another inspection of unit "), "\(again.err)")
        #expect(again.out.isEmpty)
        #expect(try planned().count == rows.count)
    }
}
