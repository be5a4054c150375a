import Foundation
import GRDB
import Testing
@testable import Registry

/// `econgis report` on the demo data, its totals against independent SQL on the same database.
@Suite(.serialized) struct ReportCommandTests {
    let registry: TemporaryRegistry
    let db: String

    init() throws {
        registry = try TemporaryRegistry()
        db = registry.directory.appendingPathComponent("demo.sqlite").path
        let r = try Command.run(["init", "--demo", "--demo-today", "2026-11-15", "--geodata", InspectionsCommandTests.geodata, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        // One inspection of the new kind, with a passing and a failing test, on 2025-11-05.
        func run(_ args: [String]) throws -> String {
            let r = try Command.run(args + ["--db", db])
            #expect(r.status == 0, "\(args): \(r.err)")
            return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let id = try run(["inspections", "plan", "--unit", "0323155508", "--date", "2025-11-05", "--scope", "metrology", "--scope", "quantity"])
        _ = try run(["inspections", "start", id])
        _ = try run(["inspections", "record", "fuel", id, "--instrument", "FUE-000242", "--nominal-l", "20", "--measured-l", "19.95"])
        _ = try run(["inspections", "record", "fuel", id, "--instrument", "FUE-000243", "--nominal-l", "20", "--measured-l", "19.9"])
        _ = try run(["inspections", "finish", id])
    }

    func report(_ args: [String]) throws -> [String: Any] {
        let r = try Command.run(["report", "--format", "json", "--db", db] + args)
        #expect(r.status == 0, "\(r.err)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    }

    func sql<T: DatabaseValueConvertible>(_ query: String) throws -> T {
        let queue = try DatabaseQueue(path: db, configuration: SpatiaLite.configuration())
        return try queue.read { try T.fetchOne($0, sql: query)! }
    }

    @Test func totalsEqualIndependentCounts() throws {
        let finished = "status IN ('done', 'closed') AND inspected_on BETWEEN '2025-01-01' AND '2025-12-31'"
        let json = try report(["--period", "2025"])
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["inspections"] as? Int == (try sql("SELECT count(*) FROM inspections WHERE \(finished)") as Int))
        #expect(total["units"] as? Int == (try sql("SELECT count(DISTINCT unit_id) FROM inspections WHERE \(finished)") as Int))
        #expect(total["violations"] as? Int == (try sql("SELECT count(*) FROM violations WHERE inspection_id IN (SELECT id FROM inspections WHERE \(finished))") as Int))
        #expect(total["fines_recorded_vnd"] as? Int == (try sql("SELECT sum(fine_vnd) FROM violations WHERE inspection_id IN (SELECT id FROM inspections WHERE \(finished))") as Int))
        #expect(total["with_violations"] as? Int == (try sql("SELECT count(*) FROM inspections WHERE \(finished) AND outcome = 'violation'") as Int))
        let tests = "FROM inspection_tests WHERE inspection_id IN (SELECT id FROM inspections WHERE \(finished))"
        #expect(total["tests_passed"] as? Int == (try sql("SELECT count(*) \(tests) AND verdict = 'pass'") as Int))
        #expect(total["tests_failed"] as? Int == (try sql("SELECT count(*) \(tests) AND verdict = 'fail'") as Int))
        #expect(total["instruments"] as? Int == (try sql("SELECT count(DISTINCT instrument_id) \(tests)") as Int))
        #expect((total["tests_failed"] as? Int ?? 0) >= 1, "the day's failing test is in 2025")
        #expect(total["proposed_fine_max_vnd"] as? Int == (try sql("SELECT sum(fine_max_vnd) FROM violations WHERE inspection_id IN (SELECT id FROM inspections WHERE \(finished))") as Int))
        #expect(total["follow_ups_open"] as? Int == (try sql("""
            SELECT count(*) FROM violations WHERE inspection_id IN (SELECT id FROM inspections WHERE \(finished))
            AND follow_up_due IS NOT NULL AND (resolved_on IS NULL OR resolved_on > '2025-12-31')
            """) as Int))
        // Rows add up to the total: every inspection is in exactly one ward.
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.reduce(0) { $0 + ($1["inspections"] as! Int) } == total["inspections"] as? Int)
        #expect(rows.reduce(0) { $0 + ($1["violations"] as! Int) } == total["violations"] as? Int)
    }

    /// Across the 2025 reform each inspection is in the ward its point lay in on its date, checked here by
    /// SpatiaLite on the ward polygons rather than the stored membership the report reads.
    @Test func eachInspectionInTheWardOfItsDate() throws {
        let rows = try #require(try report(["--period", "2025"])["rows"] as? [[String: Any]])
        let counted = Dictionary(uniqueKeysWithValues: rows.map { ($0["ward"] as! String, $0["inspections"] as! Int) })
        let queue = try DatabaseQueue(path: db, configuration: SpatiaLite.configuration())
        let expected = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT w, count(*) AS n FROM (
                  SELECT i.id, (SELECT a.code || ' ' || a.name FROM admin_units a
                                WHERE a.level = 'ward' AND a.valid_from <= i.inspected_on AND (a.valid_to IS NULL OR a.valid_to >= i.inspected_on)
                                  AND ST_Intersects(a.geom, u.geom) ORDER BY a.code LIMIT 1) AS w
                  FROM inspections i JOIN economic_units u ON u.id = i.unit_id
                  WHERE i.status IN ('done', 'closed') AND i.inspected_on BETWEEN '2025-01-01' AND '2025-12-31' AND u.geom IS NOT NULL)
                GROUP BY w
                """).map { ($0["w"] as String? ?? "(no ward)", $0["n"] as Int) }
        }
        #expect(!expected.isEmpty)
        for (ward, n) in expected { #expect(counted[ward] == n, "\(ward)") }
        // Both sides of the reform appear: the ten wards of 2025-H1 and the four of 2025-07-01.
        #expect(counted.keys.contains("27232 Phường 10") && counted.keys.contains("27232 Phường Bình Thới"))
    }

    @Test func byFieldAndMonth() throws {
        let byField = try report(["--from", "2025-11-01", "--to", "2025-11-30", "--by", "field"])
        let fields = try #require(byField["rows"] as? [[String: Any]])
        let metrology = try #require(fields.first { $0["field"] as? String == "metrology" })
        let quantity = try #require(fields.first { $0["field"] as? String == "quantity" })
        // The day's fuel tests are metrology's: the inspection counts under quantity too (in its scope), its tests do not.
        #expect((metrology["tests_failed"] as? Int).map { $0 >= 1 } == true)
        #expect((quantity["inspections"] as? Int).map { $0 >= 1 } == true && quantity["tests_failed"] as? Int == 0)
        // Each violation counts in the field of its category, whatever the inspection had in scope (a label missing
        // found at an origin check is a labels finding), and each test in its own field: the field rows add up to the
        // total, and the inspection of a field with violations in it is the one with violations there.
        let year = try report(["--period", "2025", "--by", "field"])
        let yearRows = try #require(year["rows"] as? [[String: Any]]), yearTotal = try #require(year["total"] as? [String: Any])
        let finished = "i.status IN ('done', 'closed') AND i.inspected_on BETWEEN '2025-01-01' AND '2025-12-31'"
        for row in yearRows {
            let field = row["field"] as! String
            let inField = "v.category IN (SELECT c.code FROM violation_categories c WHERE c.field = '\(field)')"
            #expect(row["violations"] as? Int == (try sql("""
                SELECT count(*) FROM violations v JOIN inspections i ON i.id = v.inspection_id WHERE \(finished) AND \(inField)
                """) as Int), "\(field)")
            #expect(row["with_violations"] as? Int == (try sql("""
                SELECT count(DISTINCT i.id) FROM violations v JOIN inspections i ON i.id = v.inspection_id WHERE \(finished) AND \(inField)
                """) as Int), "\(field)")
        }
        #expect(try sql("SELECT count(*) FROM violation_categories WHERE field IS NULL") as Int == 0)
        #expect(try sql("""
            SELECT count(*) FROM violations v JOIN inspections i ON i.id = v.inspection_id JOIN violation_categories c ON c.code = v.category
            WHERE \(finished) AND NOT EXISTS (SELECT 1 FROM inspection_scopes s WHERE s.inspection_id = i.id AND s.scope = c.field)
            """) as Int > 0, "the demo has violations outside the inspection's scopes")
        for column in ["violations", "tests_passed", "tests_failed", "fines_recorded_vnd"] {
            #expect(yearRows.reduce(0) { $0 + ($1[column] as! Int) } == yearTotal[column] as? Int, "\(column)")
        }
        let byMonth = try #require(try report(["--period", "2025-H2", "--by", "month"])["rows"] as? [[String: Any]])
        #expect(byMonth.map { $0["month"] as! String }.allSatisfy { $0 >= "2025-07" && $0 <= "2025-12" })
        #expect(byMonth.reduce(0) { $0 + ($1["inspections"] as! Int) } == (try sql("SELECT count(*) FROM inspections WHERE inspected_on BETWEEN '2025-07-01' AND '2025-12-31'") as Int))
    }

    /// A ward a reform left with its code and name (27247 Phường 1 before 2025 and in 2025-H1, when it had taken in
    /// Phường 2) is two wards: over a year across the change each is its own row, named with its days, and the ward
    /// layer draws each row's counts on its own boundary, so that the rows and the layer add up to the total.
    @Test func aWardKeptByAReformIsTwoRows() throws {
        let json = try report(["--from", "2024-07-01", "--to", "2025-06-30"])
        let rows = try #require(json["rows"] as? [[String: Any]]), total = try #require(json["total"] as? [String: Any])
        let names = rows.map { $0["ward"] as! String }
        #expect(Set(names).count == names.count)
        #expect(names.filter { $0.hasPrefix("27247 Phường 1 (") }.count == 2, "\(names)")
        #expect(rows.reduce(0) { $0 + ($1["inspections"] as! Int) } == total["inspections"] as? Int)
        let path = registry.directory.appendingPathComponent("wards-across.geojson").path
        let r = try Command.run(["report", "--from", "2024-07-01", "--to", "2025-06-30", "--format", "geojson", "--output", path, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        let layer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let features = try #require(layer["features"] as? [[String: Any]])
        let drawn = features.reduce(0) { $0 + (($1["properties"] as! [String: Any])["inspections"] as! Int) }
        #expect(drawn == total["inspections"] as? Int)
    }

    /// The exported layers count as the lists and the report do: an inspection's open follow-ups are those open on
    /// the export's date (due set, not resolved by then), and an instrument's state is for the export's `--within`.
    @Test func exportsCountOnTheirDateAndWindow() throws {
        func properties(_ args: [String]) throws -> [[String: Any]] {
            let r = try Command.run(["export"] + args + ["--db", db])
            #expect(r.status == 0, "\(r.err)")
            let layer = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
            return try #require(layer["features"] as? [[String: Any]]).map { $0["properties"] as! [String: Any] }
        }
        let inspections = try properties(["inspections", "--as-of", "2025-06-30"])
        let open: Int = try sql("""
            SELECT count(*) FROM violations v JOIN inspections i ON i.id = v.inspection_id
            WHERE i.status IN ('done', 'closed') AND i.inspected_on <= '2025-06-30'
              AND v.follow_up_due IS NOT NULL AND (v.resolved_on IS NULL OR v.resolved_on > '2025-06-30')
            """)
        #expect(open > 0)
        #expect(inspections.reduce(0) { $0 + ($1["open_follow_ups"] as! Int) } == open)
        for within in [30, 120] {
            let due = try properties(["instruments", "--as-of", "2026-11-15", "--within", "\(within)"]).filter { $0["state"] as? String == "due" }.count
            // Of units of every status in both.
            let listed = try Command.run(["instruments", "list", "--as-of", "2026-11-15", "--within", "\(within)", "--state", "due", "--count", "--db", db])
            #expect(listed.status == 0, "\(listed.err)")
            #expect("\(due)" == listed.out.trimmingCharacters(in: .whitespacesAndNewlines), "--within \(within)")
        }
    }

    /// A due list of a past day knows nothing of verifications after that day: an instrument verified since is
    /// unknown then (its verification in force then is not on record), not "due in 900 days".
    @Test func aPastDueListDoesNotKnowLaterVerifications() throws {
        let serial: String = try sql("SELECT serial_no FROM measuring_instruments WHERE last_verified_on IS NOT NULL ORDER BY last_verified_on DESC LIMIT 1")
        let verified: String = try sql("SELECT last_verified_on FROM measuring_instruments WHERE serial_no = '\(serial)'")
        let dayBefore = LocalDate(iso: verified)!.adding(days: -1).description
        func row(on day: String) throws -> String? {
            let r = try Command.run(["due", "--as-of", day, "--within", "3660", "--format", "csv", "--db", db])
            #expect(r.status == 0, "\(r.err)")
            return r.out.split(separator: "\n").map(String.init).first { $0.contains(",\(serial),") }
        }
        let before = try #require(try row(on: dayBefore))
        #expect(before.contains(",unknown,") && before.contains("verified \(verified), after the list's date"), "\(before)")
        let after = try #require(try row(on: verified))
        #expect(!after.contains(",unknown,") && after.contains("verified \(verified), cycle"), "\(after)")
    }

    /// `plan --ward CODE --as-of D --date X` plans the units of the ward CODE named on D (codes are reused: 27220 was
    /// Phường 3 until 2025 and names no ward in 2026), with their instruments' states on X: the due list read the code
    /// again on X and refused, or took another ward's instruments.
    @Test func aPlanReadsTheWardOnItsAsOfDay() throws {
        let r = try Command.run(["plan", "--ward", "27220", "--as-of", "2024-12-01", "--date", "2026-11-18", "--seed", "1", "--rounds", "1",
                                 "--format", "json", "--db", db])
        #expect(r.status == 0, "\(r.err)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let stops = try #require(plan["routes"] as? [[String: Any]]).flatMap { $0["stops"] as! [[String: Any]] }
        #expect(!stops.isEmpty)
        let queue = try DatabaseQueue(path: db, configuration: SpatiaLite.configuration())
        let inWard = Set(try queue.read { try String.fetchAll($0, sql: """
            SELECT u.code FROM economic_units u JOIN unit_wards m ON m.unit_id = u.id JOIN admin_units a ON a.id = m.admin_unit_id
            WHERE a.level = 'ward' AND a.code = '27220' AND a.valid_from <= '2024-12-01' AND (a.valid_to IS NULL OR a.valid_to >= '2024-12-01')
            """) })
        #expect(stops.allSatisfy { inWard.contains($0["id"] as! String) })
        #expect(stops.contains { ($0["why"] as! String).contains("verification") }, "the units' instruments are read")
    }

    /// The HTML page gives amounts in million đồng exactly: one fine of 1 250 000 đ is 1.25 (it was rounded to 0.1
    /// million, "1.2"; a fine of 20 000 đ was 0.0).
    @Test func htmlAmountsAreExactMillions() throws {
        let copy = registry.directory.appendingPathComponent("fines.sqlite").path
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let queue = try DatabaseQueue(path: copy, configuration: SpatiaLite.configuration())
        try queue.write { db in
            let first = try Int64.fetchOne(db, sql: """
                SELECT min(v.id) FROM violations v JOIN inspections i ON i.id = v.inspection_id
                WHERE i.status IN ('done', 'closed') AND i.inspected_on BETWEEN '2025-01-01' AND '2025-12-31'
                """)!
            try db.execute(sql: "UPDATE violations SET fine_vnd = CASE WHEN id = ? THEN 1250000 END", arguments: [first])  // the rest NULL
        }
        try queue.close()
        let html = registry.directory.appendingPathComponent("fines.html").path
        let r = try Command.run(["report", "--period", "2025", "--format", "html", "--output", html, "--db", copy])
        #expect(r.status == 0, "\(r.err)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<td class=\"n\">1.25</td>") && !page.contains("<td class=\"n\">1.2</td>"))
    }

    @Test func csvForExcelAndOnePrintablePage() throws {
        let csv = try Command.run(["report", "--period", "2025", "--format", "csv", "--db", db])
        #expect(csv.out.hasPrefix("\u{FEFF}ward,inspections,"))
        #expect(csv.out.contains("27232 Phường Bình Thới,"))
        let html = registry.directory.appendingPathComponent("report.html").path
        #expect(try Command.run(["report", "--period", "2025", "--format", "html", "--output", html, "--db", db]).status == 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<h3>metrology</h3><svg") && page.contains("<h3>origin</h3><svg"))
        #expect(page.contains("<td>27232 Phường Bình Thới</td>"))
        // One A4 page: amounts in million đồng, violations by kind as one row per category with a column per ward
        // (code and name: 27226 is both Phường 11 and Phú Thọ in 2025).
        #expect(page.contains("@page{size:A4 portrait") && page.contains("Amounts in million đồng"))
        #expect(page.contains("<th>27226<br>P. 11</th>") && page.contains("<th>27226<br>P. Phú Thọ</th>"), "\(page)")
        #expect(page.contains("<tr><td>instrument unverified</td>"))
        for period in ["2025-H3", "2025-", "-2025", "2025--H1"] {
            let bad = try Command.run(["report", "--period=\(period)", "--db", db])
            #expect(bad.status != 0 && bad.err.contains("--period: \"\(period)\": a year (2026) or a half year (2026-H1, 2026-H2)"), "\(bad.err)")
        }
    }

    /// The per-ward summary layer: every ward of the period (both sides of the reform) with its counts, read by GDAL.
    @Test func wardSummaryLayerForAChoropleth() throws {
        let path = registry.directory.appendingPathComponent("wards-2025.geojson").path
        let r = try Command.run(["report", "--period", "2025", "--by", "ward", "--format", "geojson", "--output", path, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        let wards: Int = try sql("""
            SELECT count(*) FROM admin_units WHERE level = 'ward' AND valid_from <= '2025-12-31' AND (valid_to IS NULL OR valid_to >= '2025-01-01')
            """)
        #expect(wards == 14, "the ten wards of 2025-H1 and the four of 2025-07-01")
        let info = try Command.run(path: "/usr/bin/ogrinfo", ["-ro", "-al", "-so", path])
        #expect(info.status == 0, "\(info.err)")
        #expect(info.out.contains("Feature Count: \(wards)") && info.out.contains("Geometry: Multi Polygon"))
        let layer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let properties = (layer["features"] as? [[String: Any]] ?? []).map { $0["properties"] as! [String: Any] }
        let total = try #require(try report(["--period", "2025"])["total"] as? [String: Any])
        #expect(properties.reduce(0) { $0 + ($1["inspections"] as! Int) } == total["inspections"] as? Int)
        #expect(try Command.run(["report", "--period", "2025", "--by", "field", "--format", "geojson", "--db", db]).err.contains("--format geojson goes with --by ward"))
    }
}

