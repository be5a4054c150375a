import Foundation
import GRDB
import Testing
@testable import Registry

/// What makes a bulk import fast must not change what it decides or leaves behind.
@Suite struct ImportScaleTests {
    let header = "code,name,kind,lon,lat,registered_on\n"

    /// Codes that pass the enterprise check digit: the valid ones of 0100000000… in order.
    static func enterpriseCodes(_ n: Int) -> [String] {
        var codes: [String] = []
        var k = 100_000_000
        while codes.count < n {
            let code = String(format: "%010d", k)
            if TaxCode.problem(code, form: .enterprise) == nil { codes.append(code) }
            k += 1
        }
        return codes
    }

    func unitsCSV(_ codes: [String], lon: (Int) -> Double = { 106.641 + Double($0 % 80) * 0.0001 }) -> String {
        header + codes.enumerated().map { i, c in "\(c),Cửa hàng \(i),enterprise,\(lon(i)),\(10.761 + Double(i / 80) * 0.0001),2024-01-10" }
            .joined(separator: "\n") + "\n"
    }

    func schema(_ r: TemporaryRegistry) throws -> [String] {
        try r.store.read { try String.fetchAll($0, sql: "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name") }
    }

    /// The stored memberships, and SpatiaLite's own answer (ST_Intersects on every unit and ward), as "unit ward" lines.
    func memberships(_ r: TemporaryRegistry) throws -> (stored: [String], truth: [String]) {
        try r.store.read { db in
            (try String.fetchAll(db, sql: "SELECT unit_id || ' ' || admin_unit_id FROM unit_wards ORDER BY unit_id, admin_unit_id"),
             try String.fetchAll(db, sql: """
                SELECT u.id || ' ' || w.id FROM economic_units u, admin_units w
                WHERE w.level = 'ward' AND ST_Intersects(w.geom, u.geom) = 1 ORDER BY u.id, w.id
                """))
        }
    }

    @Test func aLargeImportLeavesThePlainIndexesAsTheyWereAndAFailedOneLeavesAll() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let before = try schema(r)
        var options = ImportOptions()
        options.deferIndexesFrom = 50  // the indexes go after the first 64-row insert
        let codes = Self.enterpriseCodes(300)
        let report = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", unitsCSV(codes)), options: options)
        #expect(report.inserted == 300)
        #expect(try schema(r) == before)
        #expect(try r.store.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        // The rebuilt indexes hold every unit: counted through each of them.
        let counts = try r.store.read { db in
            try ["economic_units_registered", "economic_units_updated", "economic_units_kind_status", "economic_units_code_registered"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units INDEXED BY \($0) WHERE \($0 == "economic_units_updated" ? "updated_at" : $0 == "economic_units_kind_status" ? "kind" : $0 == "economic_units_code_registered" ? "code" : "registered_on") IS NOT NULL")!
            }
        }
        #expect(counts == [300, 300, 300, 300])
        // The memberships' ward index, kept row by row as they went in, holds the 600 (two wards each).
        #expect(try r.store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit_wards INDEXED BY unit_wards_ward WHERE admin_unit_id > 0") } == 600)

        // A second large import with one bad row at its end: nothing written, the schema as it was.
        let rows = try r.snapshot("economic_units"), memberships = try r.snapshot("unit_wards")
        #expect(memberships.count == 600)  // two wards each, one of 2024 and the one of 2025
        let more = Self.enterpriseCodes(600).suffix(300)
        let bad = unitsCSV(Array(more)) + "\(more.first!)9,Sai mã,enterprise,106.642,10.762,2024-01-10\n"
        #expect(throws: RegistryError.self) {
            try Importer(store: r.store, now: Date()).importUnits(path: try r.file("bad.csv", bad), options: options)
        }
        #expect(try schema(r) == before)
        #expect(try r.snapshot("economic_units") == rows)
        #expect(try r.snapshot("unit_wards") == memberships)  // the failed import's were written as it went
    }

    /// A units import writes through a rollback journal when nothing else has the registry open (RollbackJournal),
    /// and the registry is in WAL mode again afterwards, whether the import committed or was refused; with another
    /// connection open it stays in WAL throughout. The search index, merged once when the import writes most of
    /// it (DeferredSearchIndex), holds every unit and keeps its own merge settings.
    @Test func aUnitsImportLeavesTheRegistryInWALAndItsSearchIndexWhole() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        func journal() throws -> String? {
            // A connection of its own, opened after the import: the mode the file is in.
            let queue = try DatabaseQueue(path: r.store.path)
            defer { try? queue.close() }
            return try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        }
        func searchSettings() throws -> [String] {
            try r.store.read { try String.fetchAll($0, sql: "SELECT k || '=' || v FROM unit_search_config ORDER BY k") }
        }
        let settings = try searchSettings()
        let codes = Self.enterpriseCodes(900)
        var journalSeen: [String] = []
        var options = ImportOptions()
        options.finishing = { stage in
            // The registry's journal as the import writes it: its -journal file exists during a rollback-journal write.
            if stage == .searchIndex { journalSeen.append(FileManager.default.fileExists(atPath: r.store.path + "-journal") ? "rollback" : "wal") }
        }
        let first = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("a.csv", unitsCSV(Array(codes.prefix(300)))), options: options)
        #expect(first.inserted == 300)
        #expect(try journal() == "wal")
        #expect(try searchSettings() == settings)
        #expect(try r.store.write { db in
            try db.execute(sql: "INSERT INTO unit_search (unit_search) VALUES ('integrity-check')")
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM unit_search WHERE unit_search MATCH 'cua AND hang AND 299'")
        } == 1)

        // Refused (a bad code at the end): nothing written, WAL again.
        let bad = unitsCSV(Array(codes[300..<600])) + "\(codes[300])9,Sai mã,enterprise,106.642,10.762,2024-01-10\n"
        #expect(throws: RegistryError.self) {
            try Importer(store: r.store, now: Date()).importUnits(path: try r.file("bad.csv", bad), options: options)
        }
        #expect(try journal() == "wal")
        #expect(try r.count("economic_units") == 300)

        // Another connection reading the registry: the import stays in WAL and that reader keeps its snapshot.
        let other = try DatabasePool(path: r.store.path)
        defer { try? other.close() }
        let snapshot = try other.makeSnapshot()
        let third = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("c.csv", unitsCSV(Array(codes[600...]))), options: options)
        #expect(third.inserted == 300)
        #expect(try snapshot.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM economic_units") } == 300)
        #expect(try other.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM economic_units") } == 600)
        #expect(journalSeen == ["rollback", "wal"])
        #expect(try journal() == "wal")
        #expect(try searchSettings() == settings)
    }

    /// A registry made now has the store's larger pages; one whose file was made with SQLite's default pages (an
    /// older EconGIS's) keeps them through migration and an import that switches journals, and stays whole.
    @Test func aNewRegistryHasLargePagesAndAnOlderFileKeepsItsOwn() throws {
        let r = try TemporaryRegistry()
        func pageSize(_ store: RegistryStore) throws -> Int? { try store.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } }
        #expect(try pageSize(r.store) == RegistryStore.pageSize)
        #expect(RegistryStore.pageSize == 16_384)

        let path = r.directory.appendingPathComponent("older.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096")
            try db.execute(sql: "CREATE TABLE t (a)")
            try db.execute(sql: "DROP TABLE t")  // a database with no table yet, which a store makes a registry
        }
        try queue.close()
        let older = try RegistryStore(path: path)
        #expect(try pageSize(older) == 4096)
        var options = ImportOptions()
        options.deferIndexesFrom = 50
        let csv = try r.file("older.csv", unitsCSV(Self.enterpriseCodes(300)))
        #expect(try Importer(store: older, now: Date()).importUnits(path: csv, options: options).inserted == 300)
        #expect(try pageSize(older) == 4096)
        #expect(try older.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        #expect(try older.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM economic_units") } == 300)
        try older.close()
    }

    /// A units import that packs its R*Tree (through a temporary table) in a rollback journal leaves a store that
    /// closes: after that temporary table and the return to WAL, SQLite refused the closing checkpoint of every schema
    /// ("database table is locked", as the sqlite3 shell does too) until some other write came; the store checkpoints
    /// its main schema only.
    @Test func aStoreClosesAfterAUnitsImport() throws {
        let r = try TemporaryRegistry()
        var options = ImportOptions()
        options.deferIndexesFrom = 50
        let csv = try r.file("u.csv", unitsCSV(Self.enterpriseCodes(300)))
        #expect(try Importer(store: r.store, now: Date()).importUnits(path: csv, options: options).inserted == 300)
        try r.store.close()
        #expect(!FileManager.default.fileExists(atPath: r.store.path + "-wal"))
    }

    /// A write cut short in a rollback journal leaves the file part written: a registry opened for reading (the
    /// CLI's lists, the server) reads it as it was before that write, never the part written. The crash is
    /// copied from a live one: the files of a transaction whose pages spilled into the database, mid-write.
    @Test func aWriteCutShortInARollbackJournalIsReadAsBefore() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", unitsCSV(Self.enterpriseCodes(400))))
        let names = try r.store.read { try String.fetchAll($0, sql: "SELECT name FROM economic_units ORDER BY id") }
        let live = r.directory.appendingPathComponent("live.sqlite").path, crashed = r.directory.appendingPathComponent("crashed.sqlite").path
        try r.store.readOneStatement { try $0.execute(sql: "VACUUM INTO ?", arguments: [live]) }
        let queue = try DatabaseQueue(path: live, configuration: SpatiaLite.configuration())
        try queue.writeWithoutTransaction { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete")
            try db.execute(sql: "PRAGMA cache_size = 2")  // pages spill into the file as the update goes
            try db.inTransaction {
                try db.execute(sql: "UPDATE economic_units SET name = 'cut short ' || id, search_text = 'x'")
                for suffix in ["", "-journal"] { try FileManager.default.copyItem(atPath: live + suffix, toPath: crashed + suffix) }
                return .rollback
            }
        }
        try queue.close()
        #expect(FileManager.default.fileExists(atPath: crashed + "-journal"))
        let reading = try RegistryStore.openForReading(path: crashed)
        #expect(try reading.read { try String.fetchAll($0, sql: "SELECT name FROM economic_units ORDER BY id") } == names)
        #expect(try reading.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
    }

    /// When a units import packs the R*Tree of the units' points again, it packs the box cells from the same sorted
    /// rows (BoxCellRepacking): each cell must be as `UnitBoxCells.packStale` packs it from `unit_box_points`, the old
    /// cell of a unit the import moves included, and a cell holding a unit that cannot be packed must stay stale.
    @Test func aLargeImportPacksTheBoxCellsAsTheirViewDoes() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let codes = Self.enterpriseCodes(400)
        let start = Date()
        _ = try Importer(store: r.store, now: start).importUnits(path: try r.file("a.csv", unitsCSV(Array(codes.prefix(40)))))
        // A registration day that cannot be packed, written outside the importer: that unit's cell stays stale.
        try r.store.write { try $0.execute(sql: "UPDATE economic_units SET registered_on = '2024' WHERE code = ?", arguments: [codes[3]]) }
        #expect(try r.count("unit_box_stale") == 1)
        // 360 new units at the same places as the first 40 and further north, and the sixth unit moved to the east end
        // of the first row (another cell): 361 of 400 rows written, so the R*Tree is packed again.
        let moved = "\(codes[5]),Cửa hàng 5,enterprise,106.6489,10.761,2024-01-10\n"
        let report = try Importer(store: r.store, now: start + 1).importUnits(path: try r.file("b.csv", unitsCSV(Array(codes.suffix(360))) + moved))
        #expect(report.inserted == 360 && report.updated == 1)
        func cells(_ db: Database) throws -> [String] {
            try String.fetchAll(db, sql: "SELECT cell || ' ' || hex(points) FROM unit_box_cells ORDER BY cell")
                + String.fetchAll(db, sql: "SELECT 'stale ' || cell FROM unit_box_stale ORDER BY cell")
        }
        let packed = try r.store.read(cells)
        #expect(packed.count > 20)
        #expect(try r.store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit_box_stale") } == 1)
        // Every cell packed again from the view.
        let fromView = try r.store.write { db in
            try db.execute(sql: "DELETE FROM unit_box_cells; INSERT OR IGNORE INTO unit_box_stale (cell) SELECT cell FROM unit_box_points")
            try UnitBoxCells.packStale(db)
            return try cells(db)
        }
        #expect(packed.count == fromView.count)
        // The cells whose packed units differ, by number.
        #expect(zip(packed, fromView).filter { $0 != $1 }.map { $0.0.prefix { $0 != " " } } == [])
    }

    /// Units an import moves get the wards of their new place, whether the import places them one by one
    /// (a few of many) or ward by ward through the cells (a large share): every membership is SpatiaLite's
    /// ST_Intersects and every flag is the declared ward's disagreement, the units the import inserted included.
    @Test func movedUnitsGetTheWardsOfTheirNewPlace() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let codes = Self.enterpriseCodes(40)
        // All in the west ward (Phường 9, 27232) and declaring it, four rows of ten.
        func csv(_ movedEast: Int) -> String {
            "code,name,kind,lon,lat,registered_on,ward_code\n" + codes.enumerated().map { i, c in
                "\(c),Cửa hàng \(i),enterprise,\(i < movedEast ? 106.6461 : 106.6411),\(10.7611 + Double(i / 10) * 0.001),2024-01-10,27232"
            }.joined(separator: "\n") + "\n"
        }
        func check() throws -> [String] {
            let (stored, truth) = try memberships(r)
            #expect(stored == truth)
            return try r.store.read {
                try String.fetchAll($0, sql: "SELECT code FROM economic_units WHERE ward_flag LIKE 'declared ward 27232%' ORDER BY code")
            }
        }
        // Each import at its own time: a unit written twice by one operation is a duplicate in its file.
        let start = Date()
        func importer(_ second: Double) -> Importer { Importer(store: r.store, now: start + second) }
        _ = try importer(0).importUnits(path: try r.file("a.csv", csv(0)))
        #expect(try check() == [])
        // One of forty moves east: placed by itself (fewer than an eighth of the registry).
        var report = try importer(1).importUnits(path: try r.file("b.csv", csv(1)))
        #expect(report.updated == 1 && report.unchanged == 39 && report.flagged == 1)
        #expect(try check() == [codes[0]])
        // Ten more move east (a quarter): placed through the cells; one more unit is new.
        let extra = Self.enterpriseCodes(41).last!
        report = try importer(2).importUnits(path: try r.file("c.csv", csv(11) + "\(extra),Cửa hàng mới,enterprise,106.6462,10.7645,2024-01-10,27232\n"))
        #expect(report.updated == 10 && report.inserted == 1 && report.flagged == 11)
        #expect(try check() == Array(codes.prefix(11) + [extra]).sorted())
    }

    /// New units go in 64 to a statement, and the ids a statement gave are worked out, not returned: a
    /// statement some rows of which were left out (a code taken by a unit in the registry, or by an earlier
    /// row of the same statement) must still give each new unit its own id, seen here through the wards
    /// stored with it (each unit of this file has its own place) and the status history.
    @Test func aStatementWithTakenCodesGivesEachNewUnitItsOwnId() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let codes = Self.enterpriseCodes(200)
        func line(_ i: Int, _ code: String) -> String {
            "\(code),Cửa hàng \(i),enterprise,\(106.6402 + Double(i % 50) * 0.0002),\(10.7602 + Double(i / 50) * 0.001),2024-01-10\n"
        }
        let start = Date()
        _ = try Importer(store: r.store, now: start).importUnits(path: try r.file("a.csv", header + (0..<20).map { line($0, codes[$0]) }.joined()))
        // Rows 20…199 are new but for row 30 (a code already in the registry, moved) and row 40 (the code
        // of row 35 again): the first statement leaves two of its 64 rows out, the next ones none.
        var body = ""
        for i in 20..<200 { body += line(i, i == 30 ? codes[3] : i == 40 ? codes[35] : codes[i]) }
        var options = ImportOptions(skipInvalid: true)
        options.deferIndexesFrom = 50
        let report = try Importer(store: r.store, now: start + 1).importUnits(path: try r.file("b.csv", header + body), options: options)
        #expect(report.inserted == 178 && report.updated == 1 && report.rejected == 1)
        let (stored, truth) = try memberships(r)
        #expect(stored == truth)
        #expect(try r.store.read { try Int.fetchOne($0, sql: "SELECT count(DISTINCT unit_id) FROM unit_status_history") } == 198)
        #expect(try r.count("economic_units") == 198)
    }

    @Test func importsStampTheCallersClockAndTakeTodayFromIt() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        // 2031-03-11 10:00 in Vietnam: a registration on 2031-03-10 is not after today.
        let now = Date(timeIntervalSince1970: 1_930_964_400)
        let report = try Importer(store: r.store, now: now).importUnits(
            path: try r.file("u.csv", header + "0100233488,Công ty A,enterprise,106.642,10.762,2031-03-10\n"))
        #expect(report.inserted == 1 && report.errorCount == 0)
        let stamps = try r.store.read { try Row.fetchOne($0, sql: "SELECT created_at, updated_at FROM economic_units")! }
        #expect(stamps[0] as String == "2031-03-11T03:00:00.000Z" && stamps[1] as String == "2031-03-11T03:00:00.000Z")
        let history = try r.store.read { try String.fetchOne($0, sql: "SELECT recorded_at FROM unit_status_history") }
        #expect(history == "2031-03-11T03:00:00.000Z")
    }

    /// The jurisdiction's cells answer most points without SpatiaLite; every answer must still be
    /// SpatiaLite's ST_Intersects, checked on the real outline of Quận 11 over a grid that crosses its
    /// edge, and on its vertices.
    @Test func jurisdictionCellsAnswerAsSpatiaLiteDoes() throws {
        guard ReferenceData.available else { return }
        let r = try TemporaryRegistry()
        let districts = try JSONSerialization.jsonObject(with: Data(contentsOf: ReferenceData.root
            .appendingPathComponent("hcmc-districts-gischinhphu/hcmc_districts_gis_chinhphu.geojson"))) as! [String: Any]
        let q11 = (districts["features"] as! [[String: Any]]).first { ($0["properties"] as! [String: Any])["id"] as? String == "772" }!
        let outline = try r.file("q11.geojson", String(decoding: try JSONSerialization.data(withJSONObject: ["type": "Feature", "properties": [:], "geometry": q11["geometry"]!]), as: UTF8.self))
        try AdminImport(store: r.store).importJurisdiction(path: outline, name: "Quận 11")
        let (jurisdiction, geoJSON) = try r.store.read { db in
            (try ValidationContext.load(db, today: LocalDate(iso: "2026-11-15")!).jurisdiction!,
             try String.fetchOne(db, sql: "SELECT AsGeoJSON(geom, 15) FROM jurisdiction")!)
        }
        // Every vertex of the outline (MultiPolygon: polygons, rings, positions).
        let polygons = (try JSONSerialization.jsonObject(with: Data(geoJSON.utf8)) as! [String: Any])["coordinates"] as! [[[[Double]]]]
        let vertices = polygons.flatMap { $0.flatMap { $0.map { ($0[0], $0[1]) } } }
        var points: [(Double, Double)] = []
        for j in 0..<160 {
            for i in 0..<160 { points.append((106.6335 + Double(i) * 0.000185, 10.7528 + Double(j) * 0.000165)) }
        }
        points += vertices
        points += [(106.648864, 10.774046)]
        let answers = points.map { jurisdiction.contains($0.0, $0.1) }
        let truth = try r.store.read { db in
            try points.map { try Bool.fetchOne(db, sql: "SELECT ST_Intersects(geom, MakePoint(?, ?, 4326)) FROM jurisdiction", arguments: [$0.0, $0.1])! }
        }
        let disagreements = zip(points, zip(answers, truth)).filter { $1.0 != $1.1 }.map(\.0)
        #expect(disagreements.count == 0, "\(disagreements.count) points, e.g. \(disagreements.prefix(3))")
        #expect(answers.contains(true) && answers.contains(false))
    }
}
