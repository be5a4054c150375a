import Foundation
import GRDB
import Registry
import Testing

/// `econgis export ward-summary`: the wards of the period's last day with the period's inspections, read back by GDAL,
/// and every count equal to one made independently with SpatiaLite's point-in-polygon across the 2025 reforms.
@Suite struct WardSummaryExportTests {
    @Test func acrossBothReformsTheCountsMatchPointInPolygon() throws {
        let demo = try DemoDatabase()
        let db = demo.path
        let directory = demo.directory
        // 2024-07-01 to 2026-06-30 spans the 16 wards to 2024, the 10 of 2025-H1 and the 4 from 2025-07-01.
        let path = directory.appendingPathComponent("ward-summary.geojson").path
        let made = try Command.run(["export", "ward-summary", "--from", "2024-07-01", "--to", "2026-06-30", "--output", path, "--db", db])
        #expect(made.status == 0 && made.err.contains("wrote 4 ward_summary features"), "\(made.err)")
        let summary = try Command.run(path: "/usr/bin/ogrinfo", ["-ro", "-al", "-so", path])
        #expect(summary.out.contains("Layer name: ward_summary") && summary.out.contains("Feature Count: 4") && summary.out.contains("Geometry: Multi Polygon"),
                "\(summary.out)\(summary.err)")

        // The features as GDAL reads them: code → property → value.
        let info = try Command.run(path: "/usr/bin/ogrinfo", ["-ro", "-al", "-geom=NO", path])
        var features: [String: [String: String]] = [:]
        for block in info.out.components(separatedBy: "OGRFeature(").dropFirst() {
            var f: [String: String] = [:]
            for line in block.split(separator: "\n") where line.hasPrefix("  ") && line.contains(") = ") {
                f[String(line.dropFirst(2).prefix { $0 != " " })] = String(line[line.range(of: ") = ")!.upperBound...])
            }
            features[f["code"] ?? "?"] = f
        }
        #expect(features.keys.sorted() == ["27211", "27226", "27232", "27238"])

        let store = try RegistryStore.openForReading(path: db)
        let period = "i.status IN ('done', 'closed') AND i.inspected_on BETWEEN '2024-07-01' AND '2026-06-30'"
        // An inspection's ward, independently: the ward of 2026-06-30 whose polygon holds the unit's point.
        let inWard = "EXISTS (SELECT 1 FROM economic_units u WHERE u.id = i.unit_id AND ST_Within(u.geom, w.geom))"
        func count(_ sql: String, _ code: String) throws -> Int {
            try store.read { db in
                try Int.fetchOne(db, sql: "SELECT \(sql) FROM admin_units w WHERE w.level = 'ward' AND w.code = ? AND w.valid_to IS NULL",
                                 arguments: [code])!
            }
        }
        for (code, f) in features {
            #expect(f["inspections"] == String(try count("(SELECT count(*) FROM inspections i WHERE \(period) AND \(inWard))", code)), "\(code)")
            #expect(f["with_violations"] == String(try count("(SELECT count(*) FROM inspections i WHERE \(period) AND \(inWard) AND i.outcome = 'violation')", code)))
            #expect(f["violations"] == String(try count("(SELECT count(*) FROM inspections i JOIN violations v ON v.inspection_id = i.id WHERE \(period) AND \(inWard))", code)))
            #expect(f["proposed_fine_max_vnd"] == String(try count("""
                (SELECT coalesce(sum(v.fine_max_vnd), 0) FROM inspections i JOIN violations v ON v.inspection_id = i.id WHERE \(period) AND \(inWard))
                """, code)))
            #expect(f["follow_ups_open"] == String(try count("""
                (SELECT count(*) FROM inspections i JOIN violations v ON v.inspection_id = i.id WHERE \(period) AND \(inWard)
                   AND v.follow_up_due IS NOT NULL AND (v.resolved_on IS NULL OR v.resolved_on > '2026-06-30'))
                """, code)))
            #expect(f["tests_failed"] == String(try count("(SELECT count(*) FROM inspections i JOIN inspection_tests t ON t.inspection_id = i.id WHERE \(period) AND \(inWard) AND t.verdict = 'fail')", code)))
            // The wards those inspections were in on their own dates, by point in polygon too.
            let dateWards: [String] = try store.read { db in
                try String.fetchAll(db, sql: """
                    SELECT DISTINCT x.code FROM admin_units w, inspections i JOIN economic_units u ON u.id = i.unit_id JOIN admin_units x
                      ON x.level = 'ward' AND x.valid_from <= i.inspected_on AND (x.valid_to IS NULL OR x.valid_to >= i.inspected_on) AND ST_Within(u.geom, x.geom)
                    WHERE w.level = 'ward' AND w.code = ? AND w.valid_to IS NULL AND \(period) AND ST_Within(u.geom, w.geom) ORDER BY x.code
                    """, arguments: [code])
            }
            #expect(f["date_wards"] == dateWards.joined(separator: " "), "\(code)")
        }
        #expect(features["27232"]?["date_wards"]?.split(separator: " ").count ?? 0 > 1, "Bình Thới took in wards of earlier periods")
        // Every inspection of the period is in one of the four wards (no unit of the demo lacks a point).
        let total: Int = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM inspections i WHERE \(period)")! }
        #expect(features.values.reduce(0) { $0 + Int($1["inspections"]!)! } == total)
        #expect(total > 300)

        let csv = try Command.run(["export", "ward-summary", "--from", "2024-07-01", "--to", "2026-06-30", "--format", "csv", "--db", db])
        #expect(csv.out.hasPrefix("id,code,name,valid_from,valid_to,inspections,"), "\(csv.err)")
        let refused = try Command.run(["export", "ward-summary", "--from", "2026-07-01", "--db", db])
        #expect(refused.status != 0 && refused.err.contains("ward-summary: give the period with --from DATE --to DATE"), "\(refused.err)")
        // The summary counts every unit's inspections: a unit filter would not narrow it, so it is refused, not ignored.
        for filter in [["--kind", "market"], ["--status", "closed"], ["--search", "cho"], ["--flagged"]] {
            let narrowed = try Command.run(["export", "ward-summary", "--from", "2024-07-01", "--to", "2026-06-30", "--format", "csv", "--db", db] + filter)
            #expect(narrowed.status == 64 && narrowed.out.isEmpty && narrowed.err.contains("\(filter[0]): ward-summary counts the inspections of every unit"),
                    "\(filter): \(narrowed.status) \(narrowed.err)")
        }
    }
}
