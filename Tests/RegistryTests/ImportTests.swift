import Foundation
import GRDB
import Testing
@testable import Registry

@Suite struct ImportTests {
    let header = "code,name,kind,vsic,owner,address,ward_code,lon,lat,status,registered_on,market_code,stall_no\n"

    @Test func aBadRowImportsNothingAndNamesEveryProblem() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let good = try r.file("good.csv", header + "0100233488,Công ty A,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n")
        _ = try Importer(store: r.store, now: Date()).importUnits(path: good)
        let before = try r.snapshot("economic_units")
        let bad = try r.file("bad.csv", header
            + "0100233488,Công ty A đổi tên,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"
            + "0100233487,Công ty B,enterprise,4730,,,,106.643,10.762,active,2024-01-10,,\n"
            + "41L8012345,Hộ C,household_business,4722,,,,106.643,10.762,active,2024-02-30,,\n"
            // Valid by themselves, refused by the writer: after the errors above, they must be named too.
            + "0100233488,Công ty A lần hai,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"
            + ",Sạp 9,market_stall,,,,,106.643,10.762,active,2024-01-10,CHO-Z,A-9\n")
        #expect {
            try Importer(store: r.store, now: Date()).importUnits(path: bad)
        } throws: { error in
            let text = "\(error)"
            return text.contains("bad.csv line 3: field code: \"0100233487\"") && text.contains("bad.csv line 4: field registered_on")
                && text.contains("bad.csv line 5: field code: \"0100233488\": a code that appears once in the file")
                && text.contains("bad.csv line 6: field market_code: \"CHO-Z\"")
                && text.contains("bad.csv: 4 invalid values; nothing was written")
        }
        #expect(try r.snapshot("economic_units") == before)
        #expect(try r.count("unit_status_history") == 1)
    }

    @Test func skipInvalidImportsTheRestAndWritesRejects() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let file = try r.file("mixed.csv", header
            + "0100233488,Công ty A,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"
            + "0100233487,Công ty B,enterprise,4730,,,,106.643,10.762,active,2024-01-10,,\n")
        let rejects = r.directory.appendingPathComponent("rejects.csv").path
        let report = try Importer(store: r.store, now: Date()).importUnits(path: file, options: ImportOptions(skipInvalid: true, rejectsPath: rejects))
        #expect(report.inserted == 1 && report.rejected == 1)
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.hasPrefix("line,code,name"))
        #expect(text.contains("3,0100233487,Công ty B") && text.contains("check digit"))
    }

    /// Rejected records stream to the rejects file as they come (memory keeps a count and the first
    /// problems only): every one of thousands is in it, in file order, with its line and reason, under
    /// the header; no temporary file is left beside it; and a failed import writes no rejects file.
    @Test func rejectsStreamToTheirFileAndAFailedImportLeavesNone() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        var csv = header
        var bad: [Int] = []
        for i in 0..<3000 {
            let line = i + 2
            if i % 5 == 0 {
                csv += "0100233487,Công ty \(i),enterprise,4730,,,,106.643,10.762,active,2024-01-10,,\n"  // check digit
                bad.append(line)
            } else {
                csv += "M\(i),Chợ \(i),market,,,,,106.643,10.762,active,2024-01-10,,\n"
            }
        }
        let rejects = r.directory.appendingPathComponent("out/rejects.csv").path
        try FileManager.default.createDirectory(atPath: (rejects as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let report = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("many.csv", csv),
                                                              options: ImportOptions(skipInvalid: true, rejectsPath: rejects))
        #expect(report.inserted == 2400 && report.rejected == 600 && report.rejectsFile == rejects)
        #expect(report.errors.count == ImportReport.shownLimit && report.errorCount == 600)
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.hasPrefix("line,code,name,kind") == true && lines.first?.hasSuffix(",reject_reason") == true)
        #expect(lines.dropFirst().map { Int($0.prefix { $0 != "," })! } == bad)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",0100233487,Công ty ") && $0.contains("check digit") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: (rejects as NSString).deletingLastPathComponent) == ["rejects.csv"])

        // The same rows, then a quoted field left open: the file cannot be read, nothing is written.
        let before = try r.snapshot("economic_units")
        try FileManager.default.removeItem(atPath: rejects)
        let broken = try r.file("broken.csv", csv.replacingOccurrences(of: "M", with: "N") + "\"0302259802,unclosed\n")
        #expect(throws: RegistryError.self) {
            try Importer(store: r.store, now: Date()).importUnits(path: broken, options: ImportOptions(skipInvalid: true, rejectsPath: rejects))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: (rejects as NSString).deletingLastPathComponent) == [])
        #expect(try r.snapshot("economic_units") == before)
    }

    /// GeoJSON rejects stream as features of one FeatureCollection that GDAL opens.
    @Test func geoJSONRejectsAreOneCollection() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let features = (0..<300).map { i in
            let (code, kind) = i % 3 == 0 ? ("0100233487", "enterprise") : ("M\(i)", "market")  // a bad check digit, a market
            return #"{"type":"Feature","geometry":{"type":"Point","coordinates":[106.643,10.762]},"properties":{"code":"\#(code)","name":"Chợ \#(i)","kind":"\#(kind)"}}"#
        }
        let file = try r.file("u.geojson", #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}")
        let rejects = r.directory.appendingPathComponent("rejects.geojson").path
        let report = try Importer(store: r.store, now: Date()).importUnits(path: file, options: ImportOptions(skipInvalid: true, rejectsPath: rejects))
        #expect(report.rejected == 100 && report.inserted == 200)
        let info = try run("ogrinfo", ["-ro", "-al", "-so", rejects])
        #expect(info.contains("Feature Count: 100"), "\(info)")
        #expect(info.contains("reject_reason"))
    }

    @Test func upsertByNaturalKeyBumpsVersionOnlyOnChange() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let row = "0100233488,Công ty A,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"
        let a = try r.file("a.csv", header + row)
        let first = try Importer(store: r.store, now: Date()).importUnits(path: a)
        let again = try Importer(store: r.store, now: Date()).importUnits(path: a)
        #expect(first.inserted == 1 && again.unchanged == 1)
        let changed = try r.file("b.csv", header + row.replacingOccurrences(of: "active", with: "suspended"))
        #expect(try Importer(store: r.store, now: Date()).importUnits(path: changed).updated == 1)
        let (unit, _, history) = try UnitQuery(store: r.store).show("0100233488", asOf: .today())
        #expect(unit.unit.version == 2 && unit.unit.status == .suspended)
        #expect(history.map(\.0) == ["active", "suspended"])
    }

    /// The steps after the last record are reported in the order they run (a terminal shows them while a large
    /// import finishes): the wards of changed units only when some changed; none for an import that is rolled back
    /// for its errors, which skips them.
    @Test func finishingStepsAreReportedInOrder() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let row = "0100233488,Công ty A,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"
        var stages: [ImportStage] = []
        var options = ImportOptions()
        options.finishing = { stages.append($0) }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("a.csv", header + row), options: options)
        #expect(stages == [.tableIndexes, .statusHistory, .spatialIndex, .searchIndex, .boxCells, .commit])
        #expect(try r.count("unit_box_cells") == 1)

        stages = []
        let changed = try r.file("b.csv", header + row.replacingOccurrences(of: "106.642", with: "106.643")
            + "0100233487,Công ty B,enterprise,4730,,,,106.643,10.762,active,2024-01-10,,\n")  // a bad check digit
        #expect(throws: RegistryError.self) { try Importer(store: r.store, now: Date()).importUnits(path: changed, options: options) }
        #expect(stages == [])

        stages = []
        options.skipInvalid = true
        #expect(try Importer(store: r.store, now: Date()).importUnits(path: changed, options: options).updated == 1)
        #expect(stages == [.tableIndexes, .statusHistory, .spatialIndex, .searchIndex, .updatedUnitsWards, .boxCells, .commit])
        #expect(try r.count("unit_box_stale") == 0)
    }

    /// An import that updates units finds the wards of those whose point moved again, and makes the flag of every
    /// updated unit again (a declared ward or a registration day may change it): memberships and flags are then
    /// those of SpatiaLite's ST_Intersects and of a fresh registry given the same file.
    @Test func updatesPlaceMovedUnitsAgainAndFlagEveryUpdatedUnit() throws {
        let options = ImportOptions(today: LocalDate(iso: "2026-11-15")!)
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        // West of 106.645 lies Phường 9 (27232) until 2025, east Phường 10 (27223).
        let first = try r.file("first.csv", header
            + "0100000010,Tây rồi đông,enterprise,4730,,,27232,106.642,10.762,active,2024-01-10,,\n"
            + "0100000028,Đông,enterprise,4730,,,27223,106.648,10.762,active,2024-01-10,,\n"
            + "0100000003,Tây,enterprise,4730,,,27232,106.643,10.762,active,2024-01-10,,\n"
            + "0100000035,Tây khai đông,enterprise,4730,,,27223,106.641,10.763,active,2024-01-10,,\n")
        #expect(try Importer(store: r.store, now: Date()).importUnits(path: first, options: options).inserted == 4)
        // The first moves east (still declaring the west), the second is renamed, the third declares the east,
        // the fourth the west it lies in.
        let text = header
            + "0100000010,Tây rồi đông,enterprise,4730,,,27232,106.647,10.761,active,2024-01-10,,\n"
            + "0100000028,Đông mới,enterprise,4730,,,27223,106.648,10.762,active,2024-01-10,,\n"
            + "0100000003,Tây,enterprise,4730,,,27223,106.643,10.762,active,2024-01-10,,\n"
            + "0100000035,Tây khai đông,enterprise,4730,,,27232,106.641,10.763,active,2024-01-10,,\n"
        #expect(try Importer(store: r.store, now: Date()).importUnits(path: try r.file("second.csv", text), options: options).updated == 4)
        let fresh = try TemporaryRegistry()
        try fresh.loadSmallWards()
        #expect(try Importer(store: fresh.store, now: Date()).importUnits(path: try fresh.file("second.csv", text), options: options).inserted == 4)

        func memberships(_ registry: TemporaryRegistry, spatiaLite: Bool = false) throws -> [String] {
            try registry.store.read { db in
                try String.fetchAll(db, sql: """
                    SELECT u.code || ' ' || w.code || ' ' || w.valid_from FROM economic_units u JOIN admin_units w
                    ON \(spatiaLite ? "w.level = 'ward' AND ST_Intersects(w.geom, u.geom) = 1"
                                    : "w.id IN (SELECT m.admin_unit_id FROM unit_wards m WHERE m.unit_id = u.id)")
                    ORDER BY 1
                    """)
            }
        }
        func flags(_ registry: TemporaryRegistry) throws -> [String] {
            try registry.store.read { try String.fetchAll($0, sql: "SELECT code || ' ' || coalesce(ward_flag, '-') FROM economic_units ORDER BY code") }
        }
        #expect(try memberships(r) == memberships(r, spatiaLite: true))
        #expect(try memberships(r).contains("0100000010 27223 2000-01-01"))
        #expect(try memberships(r) == memberships(fresh))
        #expect(try flags(r) == flags(fresh))
        #expect(try flags(r).filter { !$0.hasSuffix(" -") }.map { $0.prefix(10) } == ["0100000003", "0100000010"])
    }

    /// Bulk import replaces SpatiaLite's per-row triggers with set-based work; afterwards the spatial
    /// index must match the table (SpatiaLite's own CheckSpatialIndex), moved units must be found at
    /// their new place only, and the triggers must be back, also after a failed import.
    @Test func bulkImportKeepsTheSpatialIndexAndTriggersRight() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        func triggers() throws -> [String] {
            try r.store.read { try String.fetchAll($0, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'economic_units' ORDER BY name") }
        }
        func indexIsValid() throws -> Bool {
            try r.store.write { try Int.fetchOne($0, sql: "SELECT CheckSpatialIndex('economic_units', 'geom')") } == 1
        }
        func idsInBox(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) throws -> [String] {
            try r.store.read {
                try String.fetchAll($0, sql: """
                    SELECT u.code FROM economic_units u JOIN idx_economic_units_geom i ON i.pkid = u.id
                    WHERE i.xmin <= ? AND i.xmax >= ? AND i.ymin <= ? AND i.ymax >= ? ORDER BY u.code
                    """, arguments: [maxX, minX, maxY, minY])
            }
        }
        let before = try triggers()
        #expect(before.count >= 10)
        let a = try r.file("a.csv", header
            + "0100233488,Công ty A,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"
            + "0302259802,Công ty D,enterprise,4730,,,,106.648,10.763,active,2024-01-10,,\n")
        _ = try Importer(store: r.store, now: Date()).importUnits(path: a)
        #expect(try triggers() == before)
        #expect(try indexIsValid())
        #expect(try idsInBox(106.640, 10.760, 106.645, 10.765) == ["0100233488"])
        // Move A east; D unchanged.
        let moved = try r.file("b.csv", header
            + "0100233488,Công ty A,enterprise,4730,,,,106.647,10.761,active,2024-01-10,,\n"
            + "0302259802,Công ty D,enterprise,4730,,,,106.648,10.763,active,2024-01-10,,\n")
        let report = try Importer(store: r.store, now: Date()).importUnits(path: moved)
        #expect(report.updated == 1 && report.unchanged == 1)
        #expect(try indexIsValid())
        #expect(try idsInBox(106.640, 10.760, 106.645, 10.765) == [])
        #expect(try idsInBox(106.645, 10.760, 106.650, 10.765) == ["0100233488", "0302259802"])
        #expect(try r.count("unit_status_history") == 2)
        // A failed import rolls back the dropped triggers too.
        let bad = try r.file("c.csv", header + "0100233487,Công ty B,enterprise,4730,,,,106.643,10.762,active,2024-01-10,,\n")
        #expect(throws: RegistryError.self) { try Importer(store: r.store, now: Date()).importUnits(path: bad) }
        #expect(try triggers() == before)
        #expect(try indexIsValid())
        // A unit added later through the triggers (not the bulk path) is indexed by them.
        _ = try UnitEditor(store: r.store, today: .today(), now: Date()).add(fields: ["code": "0301234562", "name": "Công ty E", "kind": "enterprise",
                                                        "lon": "106.641", "lat": "10.764", "registered_on": "2024-01-10"])
        #expect(try idsInBox(106.640, 10.760, 106.645, 10.765) == ["0301234562"])
        #expect(try indexIsValid())
    }

    /// A large import packs the R*Tree in one pass (PackedRTree) instead of inserting entry by entry.
    /// SQLite's rtreecheck() must find the tree sound, its boxes must be exactly those SQLite's own
    /// insertion stores (same float32 rounding), and box queries must return the same units as a scan.
    /// A small import onto a large table takes the per-entry path; both must leave a sound index.
    @Test func packedSpatialIndexMatchesSQLitesOwn() throws {
        let r = try TemporaryRegistry()
        var rng = SystemRandomNumberGenerator()
        var codes = Set<String>()
        func rows(_ n: Int) -> String {
            var out = header
            while codes.count < n {
                let digits = [0, 3] + (0..<7).map { _ in Int.random(in: 0...9, using: &rng) }
                guard let check = TaxCode.checkDigit(digits) else { continue }
                let code = digits.map(String.init).joined() + String(check)
                guard codes.insert(code).inserted else { continue }
                let lon = 106.6360 + Double.random(in: 0..<0.024, using: &rng), lat = 10.7540 + Double.random(in: 0..<0.022, using: &rng)
                out += "\(code),Công ty \(codes.count),enterprise,4730,,,,\(lon),\(lat),active,2024-01-10,,\n"
            }
            return out
        }
        func check(_ db: Database) throws {
            #expect(try String.fetchOne(db, sql: "SELECT rtreecheck('idx_economic_units_geom')") == "ok")
            #expect(try Int.fetchOne(db, sql: "SELECT CheckSpatialIndex('economic_units', 'geom')") == 1)
            try db.execute(sql: """
                DROP TABLE IF EXISTS temp.reference;
                CREATE VIRTUAL TABLE temp.reference USING rtree(pkid, xmin, xmax, ymin, ymax);
                INSERT INTO temp.reference SELECT id, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM economic_units;
                """)
            let differing = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT * FROM idx_economic_units_geom EXCEPT SELECT * FROM temp.reference
                                      UNION ALL SELECT * FROM temp.reference EXCEPT SELECT * FROM idx_economic_units_geom)
                """)
            #expect(differing == 0)
            for _ in 0..<20 {
                let x = 106.6360 + Double.random(in: 0..<0.024, using: &rng), y = 10.7540 + Double.random(in: 0..<0.022, using: &rng)
                let w = Double.random(in: 0.0005...0.006, using: &rng)
                let viaIndex = try Int64.fetchAll(db, sql: """
                    SELECT u.id FROM economic_units u JOIN idx_economic_units_geom i ON i.pkid = u.id
                    WHERE i.xmin <= ?2 AND i.xmax >= ?1 AND i.ymin <= ?4 AND i.ymax >= ?3
                      AND ST_X(u.geom) BETWEEN ?1 AND ?2 AND ST_Y(u.geom) BETWEEN ?3 AND ?4 ORDER BY u.id
                    """, arguments: [x, x + w, y, y + w])
                let byScan = try Int64.fetchAll(db, sql: """
                    SELECT id FROM economic_units WHERE ST_X(geom) BETWEEN ?1 AND ?2 AND ST_Y(geom) BETWEEN ?3 AND ?4 ORDER BY id
                    """, arguments: [x, x + w, y, y + w])
                #expect(viaIndex == byScan)
            }
        }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: r.file("big.csv", rows(6000)))
        let nodes = try r.store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM idx_economic_units_geom_node")! }
        #expect(nodes <= 6000 / 51 + 12, "a packed tree of 6000 entries in nodes of 51 has about 120 leaves and 3 inner nodes")
        try r.store.write(check)
        // 40 more: fewer than 1/8 of the table, so added entry by entry.
        let report = try Importer(store: r.store, now: Date()).importUnits(path: r.file("more.csv", rows(6040)))
        #expect(report.inserted == 40)
        try r.store.write(check)
    }

    /// The R*Tree packing at the sizes where its shape changes: empty, a root leaf, exactly one full
    /// node, one more (two leaves under a root), one full level of leaves and one more, and several
    /// STR slices. Each must pass SQLite's rtreecheck() and hold exactly the boxes SQLite's own
    /// insertion stores.
    @Test func packedRTreeAtItsBoundaries() throws {
        let r = try TemporaryRegistry()
        var rng = SystemRandomNumberGenerator()
        try r.store.write { db in
            try db.execute(sql: """
                CREATE TABLE boxes (id INTEGER PRIMARY KEY, x REAL, y REAL, w REAL);
                CREATE VIRTUAL TABLE packed USING rtree(pkid, xmin, xmax, ymin, ymax);
                CREATE VIRTUAL TABLE reference USING rtree(pkid, xmin, xmax, ymin, ymax);
                """)
            for n in [0, 1, 50, 51, 52, 2601, 2602, 7000] {
                try db.execute(sql: "DELETE FROM boxes; DELETE FROM reference")
                for i in 0..<n {
                    try db.execute(sql: "INSERT INTO boxes (id, x, y, w) VALUES (?, ?, ?, ?)", arguments: [
                        3 * i + 1, Double.random(in: 106.6...106.7, using: &rng), Double.random(in: 10.7...10.8, using: &rng),
                        i % 3 == 0 ? 0 : Double.random(in: 0...0.001, using: &rng)])
                }
                try PackedRTree.rebuild(db, rtree: "packed", count: n, source: "SELECT id, x AS xmin, x + w AS xmax, y AS ymin, y + w AS ymax FROM boxes")
                try db.execute(sql: "INSERT INTO reference SELECT id, x, x + w, y, y + w FROM boxes")
                #expect(try String.fetchOne(db, sql: "SELECT rtreecheck('packed')") == "ok", "\(n) boxes")
                let differing = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM (SELECT * FROM packed EXCEPT SELECT * FROM reference
                                          UNION ALL SELECT * FROM reference EXCEPT SELECT * FROM packed)
                    """)
                #expect(differing == 0, "\(n) boxes")
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM packed") == n)
                #expect(try Bool.fetchOne(db, sql: "SELECT count(*) = 0 FROM sqlite_temp_master WHERE name = 'econgis_rtree_leaf'") == true)
            }
        }
    }

    /// Units go in 64 to a statement, yet each record keeps its own outcome: the second record with
    /// a code is refused (in the same statement as the first), a stall finds its market written
    /// earlier in the same statement or later in the file, a market with a footprint goes in on its
    /// own, and units already in the registry are updated or left alone. The points are SpatiaLite's
    /// own blobs, foreign keys are checked and enforced again afterwards.
    @Test func unitsWrittenManyToAStatementKeepTheirOwnOutcomes() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        var rng = SystemRandomNumberGenerator()
        var codes: [String] = []
        while codes.count < 200 {
            let digits = [0, 3] + (0..<7).map { _ in Int.random(in: 0...9, using: &rng) }
            guard let check = TaxCode.checkDigit(digits) else { continue }
            let code = digits.map(String.init).joined() + String(check)
            if !codes.contains(code) { codes.append(code) }
        }
        func unit(_ code: String, _ name: String) -> String {
            "\(code),\(name),enterprise,4730,,,27232,106.642,10.762,active,2024-01-10,,\n"
        }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: r.file("before.csv", header + unit(codes[0], "Công ty 0") + unit(codes[1], "Công ty 1")))
        var text = header + unit(codes[0], "Công ty 0") + unit(codes[1], "Công ty Một")  // unchanged, updated
        text += "CHO-X,Chợ X,market,,,,,106.643,10.763,active,2024-01-10,,\n"  // line 4
        text += ",Sạp 1,market_stall,,,,,106.643,10.763,active,2024-01-10,CHO-X,A-1\n"  // its market is in the same statement
        text += ",Sạp 2,market_stall,,,,,106.643,10.763,active,2024-01-10,CHO-Y,B-1\n"  // its market comes later
        for i in 2..<200 {
            text += unit(codes[i], "Công ty \(i)")
            if i == 7 { text += unit(codes[5], "Công ty 5 lần hai") }  // line 13: a code given twice, in the statement of the first
        }
        let market = "CHO-Y,Chợ Y,market,,,,,,,active,2024-01-10,,"
        let units = try r.file("u.csv", text + market + "\n")
        let report = try Importer(store: r.store, now: Date()).importUnits(path: units, options: ImportOptions(skipInvalid: true))
        #expect(report.inserted == 198 + 2 + 2, "198 enterprises, 2 markets, 2 stalls")
        #expect(report.updated == 1 && report.unchanged == 1 && report.rejected == 1)
        #expect(report.errors.map(\.description) == ["u.csv line 13: field code: \"\(codes[5])\": a code that appears once in the file; an earlier record has it"])
        try r.store.read { db in
            #expect(try String.fetchOne(db, sql: "SELECT name FROM economic_units WHERE code = ?", arguments: [codes[1]]) == "Công ty Một")
            #expect(try String.fetchOne(db, sql: "SELECT name FROM economic_units WHERE code = ?", arguments: [codes[5]]) == "Công ty 5")
            let stalls = try Row.fetchAll(db, sql: """
                SELECT s.code, m.code AS market FROM economic_units s JOIN economic_units m ON m.id = s.market_id ORDER BY s.code
                """).map { "\($0["code"] as String) in \($0["market"] as String)" }
            #expect(stalls == ["CHO-X/A-1 in CHO-X", "CHO-Y/B-1 in CHO-Y"])
            // A stall whose market waits in the same statement is written after it, in file order (the statement goes
            // first), not left to the end with the stalls whose market comes later.
            #expect(try Int64.fetchOne(db, sql: """
                SELECT s.id - m.id FROM economic_units s JOIN economic_units m ON m.id = s.market_id WHERE s.code = 'CHO-X/A-1'
                """) == 1)
            // 200 enterprises declare 27232; CHO-X and the stalls are in a ward by their point; CHO-Y is in none.
            #expect(try String.fetchAll(db, sql: """
                SELECT code FROM economic_units u WHERE u.declared_ward_id IS NULL AND NOT EXISTS (SELECT 1 FROM unit_wards m WHERE m.unit_id = u.id)
                """) == ["CHO-Y"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM unit_status_history") == 204)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE geom IS NOT MakePoint(ST_X(geom), ST_Y(geom), 4326)") == 0)
        }
        #expect(try r.store.write { try Int.fetchOne($0, sql: "SELECT CheckSpatialIndex('economic_units', 'geom')") } == 1)
        #expect(try r.store.write { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") } == 1)
    }

    /// Foreign keys left to the end of a write are checked there, on the rows the write says it wrote: a broken
    /// one names the table, row, column and parent, and nothing is written. A broken key in a row the write did
    /// not touch (written with enforcement off) does not refuse it, as with SQLite's own enforcement.
    @Test func foreignKeysCheckedAtTheEndStillRefuse() throws {
        let r = try TemporaryRegistry()
        let written = [WrittenRows("economic_units", condition: "x.updated_at = ?", arguments: ["now"])]
        #expect {
            try r.store.write(checkingForeignKeysAtEndOf: written) { db in
                try db.execute(sql: """
                    INSERT INTO economic_units (id, code, kind, name, search_text, created_at, updated_at, declared_ward_id)
                    VALUES (7, '0100233488', 'enterprise', 'Công ty A', 'x', 'now', 'now', 987654)
                    """)
            }
        } throws: { "\($0)".contains("economic_units row 7: declared_ward_id refers to no row of admin_units") }
        #expect {
            try r.store.write(checkingForeignKeysAtEndOf: written) { db in
                try db.execute(sql: """
                    INSERT INTO economic_units (id, code, kind, name, search_text, created_at, updated_at, market_id, stall_no)
                    VALUES (8, 'CHO-X/1', 'market_stall', 'Sạp 1', 'x', 'now', 'now', 424242, '1')
                    """)
            }
        } throws: { "\($0)".contains("economic_units row 8: market_id refers to no row of economic_units") }
        #expect(try r.count("economic_units") == 0)
        #expect(try r.store.write { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") } == 1)
        // Row 900's key is broken (written with enforcement off); an import of another unit checks the row it writes
        // and leaves row 900 as it was. (Above, the rows checked were the whole table, read through; here they are
        // one row in 900 ids, read through the index of the condition.)
        try r.store.write(checkingForeignKeysAtEndOf: []) { db in
            try db.execute(sql: """
                INSERT INTO economic_units (id, code, kind, name, search_text, created_at, updated_at, declared_ward_id)
                VALUES (900, '0100233488', 'enterprise', 'Công ty A', 'x', 'before', 'before', 987654)
                """)
        }
        let file = try r.file("u.csv", header + "0302259802,Công ty B,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n")
        let report = try Importer(store: r.store, now: Date()).importUnits(path: file)
        #expect(report.inserted == 1)
        #expect(try r.store.write { try Int64.fetchOne($0, sql: "SELECT declared_ward_id FROM economic_units WHERE id = 900") } == 987654)
        // Rows written that are many (a first import) are read with the whole table: row 900 is still not the write's.
        try r.store.write(checkingForeignKeysAtEndOf: [WrittenRows("economic_units", condition: "x.updated_at = ?", arguments: ["many"])]) { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                INSERT INTO economic_units (code, kind, name, search_text, created_at, updated_at)
                SELECT 'X' || i, 'enterprise', 'Công ty ' || i, 'x', 'many', 'many' FROM n
                """)
        }
        #expect(try r.count("economic_units") == 202)
    }

    @Test func inspectionsAndViolationsImportWithTheirRules() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", header
            + "0100233488,Công ty A,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"))
        let head = "unit_code,inspected_on,scope,outcome,violation,fine_vnd,follow_up,follow_up_due,resolved_on\n"
        let bad = try r.file("bad.csv", head
            + "0100233488,2025-03-01,metrology,violation,instrument_unverified,5.000.000,re-verify,2025-04-01,\n"
            + "0100233488,2025-03-02,weather,,,,,,\n"
            + "0100233488,2025-03-03,prices,,bribery,,,,\n"
            + "0100233488,2025-03-04,prices,,,1000,,,\n")
        #expect {
            try Importer(store: r.store, now: Date()).importInspections(path: bad)
        } throws: { error in
            let t = "\(error)"
            return t.contains("bad.csv line 3: field scope: \"weather\"") && t.contains("line 4: field violation: \"bribery\"")
                && t.contains("line 5: field fine_vnd")
        }
        #expect(try r.count("inspections") == 0)
        let stranger = try r.file("stranger.csv", head + "9999999999,2025-03-05,prices,compliant,,,,,\n")
        #expect {
            try Importer(store: r.store, now: Date()).importInspections(path: stranger)
        } throws: { "\($0)".contains("stranger.csv line 2: field unit_code: \"9999999999\": the code of a unit in the registry") }
        // Nor before the unit was registered (2024-01-10).
        let early = try r.file("early.csv", head + "0100233488,2024-01-09,prices,compliant,,,,,\n")
        #expect {
            try Importer(store: r.store, now: Date()).importInspections(path: early)
        } throws: { "\($0)".contains("early.csv line 2: field inspected_on: \"2024-01-09\": a date on or after 2024-01-10, when unit 0100233488 was registered") }
        #expect(try r.count("inspections") == 0)
        // Two findings of one inspection are two lines; the second import of the same file changes nothing.
        let good = try r.file("good.csv", head
            + "0100233488,2025-03-01,metrology,violation,instrument_unverified,5.000.000,re-verify,2025-04-01,\n"
            + "0100233488,2025-03-01,metrology,,Không niêm yết giá,,,,\n"
            + "0100233488,2024-01-15,general,đạt,,,,,\n")
        let report = try Importer(store: r.store, now: Date()).importInspections(path: good)
        #expect(report.inserted == 2 && report.updated == 1)
        _ = try Importer(store: r.store, now: Date()).importInspections(path: good)
        #expect(try r.count("inspections") == 2)
        #expect(try r.count("violations") == 2)
        let fine = try r.store.read { try Int.fetchOne($0, sql: "SELECT fine_vnd FROM violations WHERE category = 'instrument_unverified'") }
        #expect(fine == 5_000_000)
    }

    @Test func vietnameseHeadersSemicolonsBOMAndStallsBeforeTheirMarket() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let text = "\u{FEFF}Mã số;Tên;Loại;Kinh độ;Vĩ độ;Mã chợ;Số sạp;Ngày đăng ký\n"
            + ";Sạp rau;sạp;106.6421;10.7621;CHO-A;a-1;2020-05-01\n"
            + "CHO-A;Chợ A;chợ;106.642;10.762;;;2015-01-01\n"
        let file = try r.file("vn.csv", text)
        let report = try Importer(store: r.store, now: Date()).importUnits(path: file)
        #expect(report.inserted == 2, "\(report.errors)")
        let (stall, _, _) = try UnitQuery(store: r.store).show("CHO-A/A-1", asOf: .today())
        #expect(stall.unit.kind == .market_stall && stall.unit.marketCode == "CHO-A")
        #expect(stall.ward?.code == "27232")
    }

    @Test func geoJSONAndSequenceImport() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let fc = try r.file("u.geojson", """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","geometry":{"type":"Point","coordinates":[106.6421,10.7621]},"properties":{"code":"0100233488","name":"A","kind":"enterprise"}},
             {"type":"Feature","geometry":{"type":"Point","coordinates":[106.6471,10.7621]},"properties":{"code":"41L8000001","name":"B","kind":"household_business","ward_code":"27232"}}
            ]}
            """)
        #expect(try Importer(store: r.store, now: Date()).importUnits(path: fc).inserted == 2)
        let seq = try r.file("u.geojsonl", """
            {"type":"Feature","geometry":{"type":"Point","coordinates":[106.6431,10.7631]},"properties":{"code":"41L8000002","name":"C","kind":"household_business"}}
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[106.6431,10.7631],[106.644,10.764]]},"properties":{"code":"41L8000003","name":"D","kind":"household_business"}}
            """)
        #expect { try Importer(store: r.store, now: Date()).importUnits(path: seq) } throws: { "\($0)".contains("u.geojsonl feature 2 line 2: field geometry") }
        #expect(try r.count("economic_units") == 2)
    }

    /// An inspection can be planned with a scope that an import of its results refused (conformity): the import takes
    /// every planned scope, and general for several.
    @Test func importTakesEveryScopeAnInspectionIsPlannedWith() throws {
        #expect(InspectionScope.allCases.allSatisfy { InspectionDraft.Scope(rawValue: $0.rawValue) != nil })
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", header
            + "0100233488,Công ty A,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"))
        let lines = try r.file("c.csv", "unit_code,inspected_on,scope,outcome\n0100233488,2025-03-01,conformity,compliant\n0100233488,2025-03-02,Sự phù hợp,compliant\n")
        #expect(try Importer(store: r.store, now: Date()).importInspections(path: lines).inserted == 2)
        #expect(try r.store.read { try String.fetchAll($0, sql: "SELECT DISTINCT scope FROM inspections") } == ["conformity"])
    }

    /// A point moved in QGIS keeps its old lon/lat attributes, and a property named x or y may be anything: the
    /// geometry is where the unit is (the properties moved it back, or refused the feature).
    @Test func aPointGeometryWinsOverLonLatProperties() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let fc = try r.file("moved.geojson", """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","geometry":{"type":"Point","coordinates":[106.6471,10.7621]},"properties":{"code":"0100233488","name":"A","kind":"enterprise","lon":106.6421,"lat":10.7621}},
             {"type":"Feature","geometry":{"type":"Point","coordinates":[106.6431,10.7631]},"properties":{"code":"41L8000001","name":"B","kind":"household_business","x":"kho 2","y":7}},
             {"type":"Feature","geometry":{"type":"Point","coordinates":[106.6441,10.7641]},"properties":{"code":"41L8000002","name":"C","kind":"household_business","lon":106.6441,"lat":10.7641}}
            ]}
            """)
        let report = try Importer(store: r.store, now: Date()).importUnits(path: fc)
        #expect(report.inserted == 3)
        #expect(try r.store.read { try String.fetchAll($0, sql: "SELECT code || ' ' || round(ST_X(geom), 4) || ' ' || round(ST_Y(geom), 4) FROM economic_units ORDER BY code") }
                == ["0100233488 106.6471 10.7621", "41L8000001 106.6431 10.7631", "41L8000002 106.6441 10.7641"])
        // The one whose properties disagree is named; the others are not.
        let warned = report.warnings.filter { $0.field == "lon/lat" }.map { "\($0)" }
        #expect(warned.count == 1 && warned[0].contains("feature 1") && warned[0].contains("106.6421"), "\(report.warnings)")
    }

    @Test(arguments: ["not json at all", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\"", "", "{\"type\":\"Topology\"}"])
    func unreadableFilesFailClearlyAndWriteNothing(text: String) throws {
        let r = try TemporaryRegistry()
        let file = try r.file("broken.geojson", text)
        #expect { try Importer(store: r.store, now: Date()).importUnits(path: file) } throws: { "\($0)".contains("broken.geojson") }
        #expect(try r.count("economic_units") == 0)
    }

    @Test func instrumentsNeedTheirUnitAndValidValues() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: r.file("u.csv", header + "0100233488,Cây xăng,enterprise,4730,,,,106.642,10.762,active,2024-01-10,,\n"))
        let head = "unit_code,type,serial_no,max_capacity,scale_interval,measure_unit,last_verified_on\n"
        let bad = try r.file("i.csv", head + "0100233488,fuel_dispenser,F1,,,,2025-01-01\n" + "0999999999,fuel_dispenser,F2,,,,2025-01-01\n"
                             + "0100233488,cân bay,F3,,,,2025-01-01\n" + "0100233488,counter_scale,C1,30,40,kg,2025-01-01\n"
                             + "0100233488,counter_scale,C2,1e308,0.005,kg,2025-01-01\n" + "0100233488,counter_scale,C3,30,1e-9,kg,2025-01-01\n"
                             + "0100233488,counter_scale,C4,0x10,0x1p-3,kg,2025-01-01\n")
        #expect { try Importer(store: r.store, now: Date()).importInstruments(path: bad) } throws: { e in
            let t = "\(e)"
            return t.contains("i.csv line 3: field unit_code") && t.contains("i.csv line 4: field type") && t.contains("i.csv line 5: field scale_interval")
                && t.contains("i.csv line 6: field max_capacity: \"1e308\": a number from 0.000001 to 1000000000")
                && t.contains("i.csv line 7: field scale_interval: \"1e-9\"")
                && t.contains("i.csv line 8: field max_capacity: \"0x10\": a number") && t.contains("i.csv line 8: field scale_interval: \"0x1p-3\"")
        }
        #expect(try r.count("measuring_instruments") == 0)
        // Valid values the writer refuses: a unit not in the registry, an instrument given twice.
        let refused = try r.file("k.csv", head + "0100233488,fuel_dispenser,F1,,,,2025-01-01\n" + "0302259802,fuel_dispenser,F9,,,,2025-01-01\n"
                                 + "0100233488,fuel_dispenser,F1,,,,2025-02-01\n")
        #expect(throws: RegistryError.self) { try Importer(store: r.store, now: Date()).importInstruments(path: refused) }
        #expect(try r.count("measuring_instruments") == 0)
        let report = try Importer(store: r.store, now: Date()).importInstruments(path: refused, options: ImportOptions(skipInvalid: true))
        let errors = report.errors.map { "\($0)" }.joined(separator: "\n")
        #expect(report.inserted == 1 && report.rejected == 2)
        #expect(errors.contains("k.csv line 3: field unit_code: \"0302259802\": the code of a unit in the registry (import units first)"))
        #expect(errors.contains("k.csv line 4: field serial_no: \"F1\": an instrument (unit, type, serial_no) given once in the file"))
        try r.store.write { try $0.execute(sql: "DELETE FROM measuring_instruments") }
        let good = try r.file("j.csv", head + "0100233488,Cột đo xăng dầu,F1,,,,2025-01-01\n")
        #expect(try Importer(store: r.store, now: Date()).importInstruments(path: good).inserted == 1)
    }

    @Test func everySQLConstantPreparesOnAFreshDatabase() throws {
        let r = try TemporaryRegistry()
        try r.store.read { db in
            for sql in [UnitWriter.findSQL, UnitWriter.marketSQL, UnitWriter.insertSQL, UnitWriter.fullBatchInsertSQL, UnitWriter.updateSQL, UnitWriter.historySQL,
                        UnitReference.sql, InstrumentWriter.findSQL, InstrumentWriter.insertSQL, InstrumentWriter.updateSQL,
                        AdminImport.upsertSQL, UnitQuery.selectSQL,
                        InspectionWriter.findSQL, InspectionWriter.upsertInspectionSQL, InspectionWriter.upsertViolationSQL] {
                _ = try db.makeStatement(sql: sql)
            }
        }
    }
}

/// The two-thread import frame on its own: order kept, the reading side's error reaches the writing
/// side, and a writing side that stops early ends the reading thread instead of leaving it blocked.
@Suite struct ImportPipelineTests {
    struct Broken: Error, Equatable { let at: Int }

    @Test func keepsOrderAndEndsCleanly() throws {
        let pipeline = ImportPipeline<Int>(batchSize: 7, maxBatches: 2)
        pipeline.start { send in for i in 0..<10_000 { guard send(i) else { return } } }
        var seen: [Int] = []
        while let batch = try pipeline.next() { seen += batch }
        pipeline.finish()
        #expect(seen == Array(0..<10_000))
    }

    @Test func readingErrorReachesTheWriterAfterTheRecordsBeforeIt() {
        let pipeline = ImportPipeline<Int>(batchSize: 4, maxBatches: 2)
        pipeline.start { send in
            for i in 0..<10 { _ = send(i) }
            throw Broken(at: 10)
        }
        var seen: [Int] = []
        #expect(throws: Broken(at: 10)) {
            while let batch = try pipeline.next() { seen += batch }
        }
        pipeline.finish()
        #expect(seen == Array(0..<8), "the two full batches arrive; the partial one is dropped with the error")
    }

    @Test func writerStoppingEarlyStopsTheReader() throws {
        let pipeline = ImportPipeline<Int>(batchSize: 10, maxBatches: 2)
        let sent = Counter()
        pipeline.start { send in
            for i in 0..<1_000_000 {
                guard send(i) else { return }
                sent.add()
            }
        }
        _ = try pipeline.next()
        pipeline.finish()  // returns only once the reading thread has ended
        #expect(sent.value < 100, "the reader stops at the bounded queue, not at the end of its input")
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.lock(); n += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }
}
