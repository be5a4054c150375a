import Foundation
import GRDB
import Planning
import Testing
@testable import Registry

/// A bulk import finds each new unit's wards and flag on its reading thread (WardLocator) instead of
/// in a statement after the write: what it stores must be what SpatiaLite and the set-based
/// statement (WardMembership.place) decide, on the points where a shortcut would go wrong.
@Suite struct WardLocatorTests {
    /// The demo's wards of all three periods (geodata/admin_units.geojson, in the checkout). Units on
    /// every vertex (shared ones included), on the middle of every edge, on the corners and sides of
    /// every cell a boundary crosses, and at random; each declares, for a date in one of the periods
    /// or none (today), the ward it lies in, another one, or none.
    @Test func importedMembershipsAndFlagsAreSpatiaLitesOnEdgesVerticesAndCellSides() throws {
        let r = try TemporaryRegistry()
        let today = LocalDate(iso: "2026-11-15")!
        let wardsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("geodata/admin_units.geojson").path
        _ = try AdminImport(store: r.store).importWards(path: wardsFile, options: .init(validFrom: LocalDate(iso: "2000-01-01")!, today: today))
        let (wards, outlines, cells) = try r.store.read { db in
            (try Row.fetchAll(db, sql: "SELECT code, valid_from, valid_to FROM admin_units WHERE level = 'ward' AND geom IS NOT NULL ORDER BY id")
                .map { (code: $0[0] as String, from: $0[1] as String, to: $0[2] as String?) },
             try String.fetchAll(db, sql: "SELECT AsGeoJSON(geom, 15) FROM admin_units WHERE level = 'ward' AND geom IS NOT NULL"),
             try Row.fetchAll(db, sql: "SELECT minx, miny, maxx, maxy FROM ward_cells WHERE NOT inside")
                .map { (x0: $0[0] as Double, y0: $0[1] as Double, x1: $0[2] as Double, y1: $0[3] as Double) })
        }
        let periods = Array(Set(wards.map(\.from))).sorted()
        #expect(periods.count == 3)

        var points: [(Double, Double)] = []
        for outline in outlines {
            let polygons = (try JSONSerialization.jsonObject(with: Data(outline.utf8)) as! [String: Any])["coordinates"] as! [[[[Double]]]]
            for ring in polygons.flatMap({ $0 }) {
                for (a, b) in zip(ring, ring.dropFirst()) {
                    points.append((a[0], a[1]))
                    points.append(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
                }
            }
        }
        for c in cells {
            points += [(c.x0, c.y0), (c.x1, c.y1), (c.x0, (c.y0 + c.y1) / 2), ((c.x0 + c.x1) / 2, c.y1)]
        }
        var rng = SplitMix64(seed: 9)
        let (x0, y0, x1, y1) = (cells.map(\.x0).min()!, cells.map(\.y0).min()!, cells.map(\.x1).max()!, cells.map(\.y1).max()!)
        for _ in 0..<3000 {
            points.append((x0 - 0.001 + rng.nextDouble() * (x1 - x0 + 0.002), y0 - 0.001 + rng.nextDouble() * (y1 - y0 + 0.002)))
        }

        var csv = "code,name,kind,lon,lat,registered_on,ward_code\n"
        for (i, (lon, lat)) in points.enumerated() {
            let period = Int(rng.next() % 4)  // 3: no date, so today
            let date = period < 3 ? periods[period] : ""
            let inForce = wards.filter { period < 3 ? $0.from == periods[period] : ($0.from <= today.description && ($0.to ?? "9") >= today.description) }
            let declared = rng.next() % 3 == 0 ? "" : inForce[Int(rng.next() % UInt64(inForce.count))].code
            csv += "M\(i),Unit \(i),market,\(lon),\(lat),\(date),\(declared)\n"
        }
        var options = ImportOptions(today: today)
        options.deferIndexesFrom = 50
        let report = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv), options: options)
        #expect(report.inserted == points.count && report.errorCount == 0)

        func stored(_ db: Database) throws -> (memberships: [String], flags: [String]) {
            (try String.fetchAll(db, sql: "SELECT unit_id || ' ' || admin_unit_id FROM unit_wards ORDER BY unit_id, admin_unit_id"),
             try String.fetchAll(db, sql: "SELECT id || ' ' || coalesce(ward_flag, '-') FROM economic_units ORDER BY id"))
        }
        let imported = try r.store.read(stored)
        // SpatiaLite, pair by pair.
        let truth = try r.store.read { db in
            try String.fetchAll(db, sql: """
                SELECT u.id || ' ' || w.id FROM economic_units u, admin_units w
                WHERE w.level = 'ward' AND ST_Intersects(w.geom, u.geom) = 1 ORDER BY u.id, w.id
                """)
        }
        /// What one list has that the other lacks, both ways (printed short when not empty).
        func differences(_ a: [String], _ b: [String]) -> [String] {
            Array(Set(a).symmetricDifference(b)).sorted()
        }
        let notSpatiaLites = differences(imported.memberships, truth)
        #expect(notSpatiaLites.isEmpty, "\(notSpatiaLites.count) memberships differ from ST_Intersects, e.g. \(notSpatiaLites.prefix(3))")
        // The set-based statement, through the cells, for every unit from scratch.
        let placed = try r.store.write { db in
            try WardMembership.place(db, units: "1", many: true, today: today)
            return try stored(db)
        }
        let notPlaced = differences(imported.memberships, placed.memberships)
        #expect(notPlaced.isEmpty, "\(notPlaced.count) memberships differ from the set-based statement's, e.g. \(notPlaced.prefix(3))")
        let differing = zip(imported.flags, placed.flags).filter { $0 != $1 }
        #expect(differing.count == 0, "\(differing.count) flags differ, e.g. \(differing.prefix(3))")
        #expect(report.flagged == placed.flags.filter { !$0.hasSuffix(" -") }.count)
        // Not an empty comparison: shared edges put points in two wards of a period, some units are
        // flagged for each reason, and the cells' sides were crossed.
        #expect(Dictionary(grouping: truth, by: { $0.split(separator: " ")[0] }).values.contains { $0.count > 3 })
        #expect(placed.flags.contains { $0.contains("declared ward") } && placed.flags.contains { $0.contains("lies in no ward") })
    }
}
