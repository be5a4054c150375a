import Foundation
import GRDB
import Testing
@testable import Registry

@Suite struct ReprojectionTests {
    static let wgs84LonLat = "+proj=longlat +datum=WGS84 +no_defs +type=crs"

    /// cs2cs's answer for points from `srs` to `target` (lon/lat order for WGS 84 given as above).
    func cs2cs(_ srs: String, _ points: [(Double, Double)], to target: String = wgs84LonLat) throws -> [(Double, Double)] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/cs2cs")
        p.arguments = ["-f", "%.10f"] + srs.split(separator: " ").map(String.init) + ["+to"] + target.split(separator: " ").map(String.init)
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(points.map { "\($0.0) \($0.1)\n" }.joined().data(using: .utf8)!)
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text.split(separator: "\n").map { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            return (f[0], f[1])
        }
    }

    func metres(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let dy = (a.1 - b.1) * 110_574, dx = (a.0 - b.0) * 111_320 * cos(a.1 * .pi / 180)
        return (dx * dx + dy * dy).squareRoot()
    }

    @Test(arguments: [("EPSG:3405", 670_000.0, 1_189_000.0), (CoordinateTransform.hcmcVN2000, 598_000.0, 1_189_500.0)])
    func agreesWithCs2csWithinACentimetre(srs: String, x0: Double, y0: Double) throws {
        let points = (0..<25).map { i in (x0 + Double(i % 5) * 700, y0 + Double(i / 5) * 650) }
        let expected = try cs2cs(srs, points)
        let t = try CoordinateTransform(from: srs)
        for (p, e) in zip(points, expected) {
            let ours = try #require(t.toWGS84(x: p.0, y: p.1))
            #expect(metres((ours.lon, ours.lat), e) < 0.01, "\(p): ours \(ours) cs2cs \(e)")
            // Inside the former Quận 11's neighbourhood: the systems are the right way round.
            #expect((106.5...106.8).contains(ours.lon) && (10.6...10.9).contains(ours.lat))
        }
    }

    @Test func unknownSystemsAreRejectedByName() {
        #expect { try CoordinateTransform(from: "EPSG:999999") } throws: { error in
            let e = error as? RegistryError
            return e?.kind == .invalidInput && e?.field == "srs" && e?.value == "EPSG:999999" && e?.expected?.contains("PROJ") == true
        }
    }

    @Test func importReprojectsVN2000() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let xy = try cs2cs(Self.wgs84LonLat, [(106.6421, 10.7621)], to: "EPSG:3405")[0]
        let file = try r.file("vn2000.csv", "code,name,kind,x,y\n0100233488,A,enterprise,\(xy.0),\(xy.1)\n")
        _ = try Importer(store: r.store, now: Date()).importUnits(path: file, options: ImportOptions(srs: "EPSG:3405"))
        let u = try UnitQuery(store: r.store).show("0100233488", asOf: .today()).0.unit
        #expect(abs(u.location!.x - 106.6421) < 1e-7 && abs(u.location!.y - 10.7621) < 1e-7)
    }
}

@Suite struct WardAssignmentTests {
    @Test func asOfQueriesAcrossTheReform() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        // Registered in 2024 in old Phường 9 (code 27232 then), east side unit in old Phường 10.
        let file = try r.file("u.csv", "code,name,kind,ward_code,lon,lat,registered_on\n"
            + "0100233488,Tiệm A,enterprise,27232,106.642,10.762,2024-03-01\n"
            + "0301043769,Tiệm B,enterprise,27223,106.648,10.762,2024-03-01\n")
        _ = try Importer(store: r.store, now: Date()).importUnits(path: file)
        let q = UnitQuery(store: r.store)
        func codes(_ ward: String, _ date: String) throws -> [String] {
            var f = UnitFilter(asOf: LocalDate(iso: date)!)
            f.wardCode = ward
            return try q.list(f).items.map(\.unit.code)
        }
        #expect(try codes("27232", "2024-06-01") == ["0100233488"])  // old Phường 9
        #expect(try codes("27223", "2024-06-01") == ["0301043769"])  // old Phường 10
        #expect(try codes("27232", "2026-11-15") == ["0100233488", "0301043769"])  // Bình Thới today
        #expect { try codes("27223", "2026-11-15") } throws: { "\($0)".contains("27232 Phường Bình Thới") }
        // The unit keeps the ward it declared for its registration, and is in today's ward by its point.
        #expect(try q.show("0100233488", asOf: LocalDate(iso: "2024-06-01")!).0.unit.declaredWardCode == "27232")
        #expect(try q.show("0301043769", asOf: LocalDate(iso: "2026-11-15")!).0.ward?.name == "Phường Bình Thới")
        #expect(try codes("27232", "2023-01-01") == [])  // not yet registered then
    }

    @Test func reusedCodesCannotOverlapInTime() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let file = try r.file("w.geojson", """
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.640,10.760],[106.645,10.760],[106.645,10.765],[106.640,10.760]]]},"properties":{"code":"27232","name":"X"}}
            """)
        let before = try r.snapshot("admin_units")
        #expect { try AdminImport(store: r.store).importWards(path: file, options: .init(validFrom: LocalDate(iso: "2020-01-01")!, today: LocalDate(iso: "2026-11-15")!)) } throws: {
            "\($0)".contains("w.geojson feature 1 line 1: field valid_from") && "\($0)".contains("overlap")
        }
        #expect(try r.snapshot("admin_units") == before)
    }

    /// A property named for the code (or the name) that a feature lacks fell back to `code` (`name`): a mistyped
    /// --code-field loaded the wrong column's values.
    @Test func aNamedCodeOrNameFieldIsTheOnlyOneRead() throws {
        let r = try TemporaryRegistry()
        let file = try r.file("gso.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.64,10.76],[106.645,10.76],[106.645,10.765],[106.64,10.76]]]},
             "properties":{"code":"1","ma_px":"27232","name":"P9","ten_px":"Phường 9"}}
            ]}
            """)
        func options(code: String, name: String) -> AdminImport.WardOptions {
            .init(validFrom: LocalDate(iso: "2020-01-01")!, codeField: code, nameField: name, today: LocalDate(iso: "2026-11-15")!)
        }
        #expect { try AdminImport(store: r.store).importWards(path: file, options: options(code: "ma_phuong", name: "ten_phuong")) } throws: {
            "\($0)".contains("gso.geojson feature 1 line 2: field ma_phuong: (empty): the unit's GSO code in property ma_phuong")
                && "\($0)".contains("field ten_phuong: (empty): the unit's name in property ten_phuong")
        }
        #expect(try r.count("admin_units") == 0)
        _ = try AdminImport(store: r.store).importWards(path: file, options: options(code: "MA_PX", name: "ten_px"))
        #expect(try r.store.read { try String.fetchAll($0, sql: "SELECT code || ' ' || name FROM admin_units") } == ["27232 Phường 9"])
    }

    @Test func invalidPolygonsAreRejectedWithSpatiaLitesReason() throws {
        let r = try TemporaryRegistry()
        let bowtie = try r.file("bowtie.geojson", """
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106,10],[107,11],[107,10],[106,11],[106,10]]]},"properties":{"code":"1","name":"X"}}
            """)
        #expect { try AdminImport(store: r.store).importWards(path: bowtie, options: .init(validFrom: LocalDate(iso: "2020-01-01")!, today: LocalDate(iso: "2026-11-15")!)) } throws: {
            "\($0)".contains("SpatiaLite says")
        }
        #expect(try r.count("admin_units") == 0)
    }
}

@Suite struct SearchAndListTests {
    func loaded() throws -> TemporaryRegistry {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let file = try r.file("u.csv", "code,name,kind,address,lon,lat,vsic\n"
            + "CHO-BT,Chợ Bình Thới,market,Đường Bình Thới,106.642,10.762,4781\n"
            + "0100233488,Cửa hàng xăng dầu số 1,enterprise,12 Đường Lạc Long Quân,106.6425,10.762,4730\n"
            + "41L8000001,Tiệm vàng Kim Hoa,household_business,5 Lê Đại Hành,106.648,10.7635,47732\n")
        _ = try Importer(store: r.store, now: Date()).importUnits(path: file)
        return r
    }

    func list(_ r: TemporaryRegistry, _ configure: (inout UnitFilter) -> Void) throws -> [String] {
        var f = UnitFilter(asOf: .today())
        configure(&f)
        return try UnitQuery(store: r.store).list(f, sort: Sorting(.code)).items.map(\.unit.code)
    }

    @Test func searchIgnoresDiacriticsAndCase() throws {
        let r = try loaded()
        #expect(try list(r) { $0.search = "cho binh thoi" } == ["CHO-BT"])
        #expect(try list(r) { $0.search = "CHỢ BÌNH" } == ["CHO-BT"])
        #expect(try list(r) { $0.search = "duong" } == ["0100233488", "CHO-BT"])
        #expect(try list(r) { $0.search = "kim hoa vang" } == ["41L8000001"])
        #expect(try list(r) { $0.search = "100%" } == [])
    }

    @Test func filtersByKindVsicBoxAndTrueMetres() throws {
        let r = try loaded()
        #expect(try list(r) { $0.vsicPrefix = "477" } == ["41L8000001"])
        #expect(try list(r) { $0.kinds = [.market, .enterprise] } == ["0100233488", "CHO-BT"])
        #expect(try list(r) { $0.bbox = try! BoundingBox(minLon: 106.641, minLat: 10.761, maxLon: 106.6422, maxLat: 10.763) } == ["CHO-BT"])
        // 0.0005° of longitude at 10.76° N is about 54.7 m.
        #expect(try list(r) { $0.near = try! Proximity(lon: 106.642, lat: 10.762, radius: 50) } == ["CHO-BT"])
        #expect(try list(r) { $0.near = try! Proximity(lon: 106.642, lat: 10.762, radius: 60) } == ["0100233488", "CHO-BT"])
        // Nearest first unless another order is asked for.
        var near = UnitFilter(asOf: .today())
        near.near = try Proximity(lon: 106.642, lat: 10.762, radius: 60)
        #expect(try UnitQuery(store: r.store).list(near).items.map(\.unit.code) == ["CHO-BT", "0100233488"])
    }

    @Test func optimisticLockingRejectsAStaleVersion() throws {
        let r = try loaded()
        let editor = UnitEditor(store: r.store, today: LocalDate(iso: "2026-11-15")!, now: Date())
        let u = try editor.update(key: "0100233488", changes: ["name": "Cửa hàng xăng dầu số 2"], expectedVersion: 1)
        #expect(u.version == 2)
        let before = try r.snapshot("economic_units")
        #expect { try editor.update(key: "0100233488", changes: ["name": "X"], expectedVersion: 1) } throws: { "\($0)".contains("version 2") }
        #expect { try editor.update(key: "0100233488", changes: ["lon": "999"], expectedVersion: nil) } throws: { "\($0)".contains("lon/lat") }
        #expect(try r.snapshot("economic_units") == before)
        let closed = try editor.close(key: "0100233488", on: LocalDate(iso: "2026-10-01")!, note: "giải thể", expectedVersion: 2)
        #expect(closed.status == .closed && closed.version == 3)
    }
}

@Suite struct DueListTests {
    @Test func expiredDueAndUnknownAgainstTheRuleTable() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: r.file("u.csv", "code,name,kind,lon,lat\n0100233488,Cây xăng,enterprise,106.642,10.762\n0301043769,Đóng,enterprise,106.643,10.762\n"))
        _ = try UnitEditor(store: r.store, today: LocalDate(iso: "2026-11-15")!, now: Date()).close(key: "0301043769", on: LocalDate(iso: "2026-01-01")!, note: nil, expectedVersion: nil)
        let head = "unit_code,type,serial_no,last_verified_on\n"
        _ = try Importer(store: r.store, now: Date()).importInstruments(path: r.file("i.csv", head
            + "0100233488,fuel_dispenser,EXP,2025-10-01\n"  // 12 months: due 2026-10-01, 45 days over on 2026-11-15
            + "0100233488,fuel_dispenser,DUE,2025-12-01\n"  // due 2026-12-01: in 16 days
            + "0100233488,fuel_dispenser,OK,2026-06-01\n"
            + "0100233488,spring_dial_scale,SPR,2025-01-01\n"  // 24 months: fine
            + "0100233488,fuel_dispenser,UNK,\n"
            + "0301043769,fuel_dispenser,CLOSED,2020-01-01\n"))
        var ward = UnitFilter(asOf: LocalDate(iso: "2026-11-15")!)
        ward.wardCode = "27232"
        let list = DueList(store: r.store)
        let items = try list.items(DueFilter(units: ward))
        let summary = try list.summary(DueFilter(units: ward))
        #expect(items.map(\.instrument?.serialNo) == ["EXP", "UNK", "DUE"])
        #expect(items[0].daysOverdue == 45 && items[0].dueOn?.description == "2026-10-01")
        #expect(summary.expired == 1 && summary.due == 1 && summary.unknown == 1 && summary.instruments == 5)
        // Rules are data: a shorter cycle in the table changes the answer without code.
        try r.store.write { try $0.execute(sql: "UPDATE verification_rules SET cycle_months = 6 WHERE instrument_type = 'spring_dial_scale'") }
        let after = try list.items(DueFilter(units: UnitFilter(asOf: LocalDate(iso: "2026-11-15")!)))
        #expect(after.contains { $0.instrument?.serialNo == "SPR" && $0.state == .expired })
    }
}
