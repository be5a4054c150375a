import Foundation
import GRDB
import GeoJSON
import Output
import Planning
import Testing
@testable import Registry

/// Runs a command and returns its standard output (the GDAL clients).
func run(_ tool: String, _ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite struct WardMembershipTests {
    /// Random points over the district; the stored membership of every unit in every ward of both
    /// periods equals SpatiaLite's own answer on the real boundaries (GADM before 2025, OSM after),
    /// through the bulk path (an import), the single-unit path (an edit) and a re-import of wards.
    @Test func storedMembershipEqualsSpatiaLiteOnRealBoundaries() throws {
        guard ReferenceData.available else {
            print("skipped: ../shared/reference-data is not beside this checkout (real ward boundaries)")
            return
        }
        let r = try TemporaryRegistry()
        let gadm = try ReferenceData.gadmWardsWithCodes(in: r.directory)
        _ = try AdminImport(store: r.store).importWards(path: gadm, options: .init(
            validFrom: LocalDate(iso: "2000-01-01")!, validTo: LocalDate(iso: "2024-12-31")!, nameField: "NAME_3", today: LocalDate(iso: "2026-11-15")!))
        let osm = ReferenceData.root.appendingPathComponent("osm-q11-wards-2025/q11_wards_2025-07-01_osm.geojson").path
        _ = try AdminImport(store: r.store).importWards(path: osm, options: .init(validFrom: LocalDate(iso: "2025-07-01")!, today: LocalDate(iso: "2026-11-15")!))
        var rng = SplitMix64(seed: 11)
        var csv = "code,name,kind,lon,lat\n"
        for i in 0..<3000 {
            let lon = 106.6330 + rng.nextDouble() * 0.0300, lat = 10.7505 + rng.nextDouble() * 0.0290
            csv += "M\(i),Unit \(i),market,\(lon),\(lat)\n"
        }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv))
        let editor = UnitEditor(store: r.store, today: .today(), now: Date())
        for i in 0..<25 {
            _ = try editor.add(fields: ["code": "E\(i)", "name": "Edit \(i)", "kind": "market",
                                        "lon": "\(106.6342 + rng.nextDouble() * 0.0273)", "lat": "\(10.7534 + rng.nextDouble() * 0.0244)"])
        }
        func compare() throws {
            try r.store.read { db in
                let pairs = try Row.fetchAll(db, sql: """
                    SELECT u.id AS u, w.id AS w, ST_Intersects(w.geom, u.geom) AS touches, ST_Contains(w.geom, u.geom) AS contains,
                           EXISTS (SELECT 1 FROM unit_wards m WHERE m.unit_id = u.id AND m.admin_unit_id = w.id) AS stored
                    FROM economic_units u, admin_units w WHERE w.level = 'ward'
                    """)
                #expect(pairs.count == 3025 * 20)
                var stored = 0, differ = 0
                for p in pairs {
                    let s: Bool = p["stored"], t: Bool = p["touches"], c: Bool = p["contains"]
                    if s { stored += 1 }
                    if s != t || (c && !s) { differ += 1 }
                }
                #expect(differ == 0)
                #expect(stored > 2000)  // about half the box is the district, in both periods: the comparison is not all empty
            }
        }
        try compare()
        // New boundaries for the 2025 wards: their memberships are found again, the old ones stay.
        _ = try AdminImport(store: r.store).importWards(path: osm, options: .init(validFrom: LocalDate(iso: "2025-07-01")!, today: LocalDate(iso: "2026-11-15")!))
        try compare()
    }

    @Test func aMovedUnitChangesWardAndAMismatchIsFlagged() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let editor = UnitEditor(store: r.store, today: LocalDate(iso: "2026-11-15")!, now: Date())
        _ = try editor.add(fields: ["code": "0100233488", "name": "A", "kind": "enterprise", "lon": "106.642", "lat": "10.762",
                                    "registered_on": "2024-03-01", "ward_code": "27232"])
        var old = UnitFilter(asOf: LocalDate(iso: "2024-06-01")!)
        old.wardCode = "27223"
        #expect(try UnitQuery(store: r.store).count(old) == 0)
        let moved = try editor.update(key: "0100233488", changes: ["lon": "106.648", "ward_code": "27232"], expectedVersion: nil)
        #expect(try UnitQuery(store: r.store).count(old) == 1)
        #expect(moved.wardFlag?.contains("declared ward 27232") == true)
    }

    /// Flagged units are read through their partial index (v17), whatever the order and the other filters: each list
    /// of them is the same list without the flag filter kept to its flagged units, and so is each page of it.
    @Test func flaggedUnitsListAsTheWholeListKeptToTheFlagged() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        // Declared in 27232 in 2024, when the east half (from 106.645) was 27223: the east half is flagged.
        var csv = "code,name,kind,lon,lat,registered_on,ward_code\n"
        for i in 0..<60 {
            csv += "M\(String(format: "%03d", (i * 37) % 60)),Chợ \(i % 7),market,\(106.6405 + Double(i % 36) * 0.00025),10.762,2024-03-01,27232\n"
        }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv))
        let flagged = try r.store.read { try String.fetchAll($0, sql: "SELECT code FROM economic_units WHERE ward_flag IS NOT NULL ORDER BY code") }
        #expect(flagged.count > 10 && flagged.count < 50)
        let q = UnitQuery(store: r.store)
        var ward = UnitFilter(asOf: LocalDate(iso: "2024-06-01")!)
        ward.wardCode = "27223"
        var search = UnitFilter(asOf: .today())
        search.search = "cho 3"
        var near = UnitFilter(asOf: .today())
        near.near = try Proximity(lon: 106.645, lat: 10.762, radius: 250)
        for (filter, sort) in [(UnitFilter(asOf: .today()), nil), (UnitFilter(asOf: .today()), try Sorting<UnitSortKey>(parsing: "-name")),
                               (ward, nil), (search, nil), (near, nil)] {
            let all = try q.list(filter, sort: sort).items.filter { $0.unit.wardFlag != nil }.map(\.unit.code)
            #expect(all.count >= 2, "every filter keeps flagged units to page through")
            var only = filter
            only.flaggedOnly = true
            #expect(try q.list(only, sort: sort).items.map(\.unit.code) == all)
            #expect(try q.count(only) == all.count)
            var paged: [String] = []
            var after: PageCursor?
            repeat {
                let page = try q.list(only, sort: sort, page: try PageRequest(limit: 4, after: after))
                paged += page.items.map(\.unit.code)
                after = page.next
            } while after != nil && paged.count <= all.count
            #expect(paged == all)
        }
        #expect(try q.list({ var f = UnitFilter(asOf: .today()); f.flaggedOnly = true; return f }()).items.map(\.unit.code) == flagged)

        // The units layer's pages (ids chosen first, then their rows read) and single features: the flagged units too.
        let flaggedIds = try r.store.read { try Int64.fetchAll($0, sql: "SELECT id FROM economic_units WHERE ward_flag IS NOT NULL ORDER BY id") }
        let unflagged = try #require(try r.store.read { try Int64.fetchOne($0, sql: "SELECT min(id) FROM economic_units WHERE ward_flag IS NULL") })
        var onlyFlagged = UnitFilter(asOf: .today())
        onlyFlagged.flaggedOnly = true
        let layers = FeatureLayers(store: r.store)
        #expect(try Self.unitPages(layers, onlyFlagged, limit: 4, atMost: flaggedIds.count) == flaggedIds)
        #expect(try Self.unitFeature(layers, onlyFlagged, id: flaggedIds[0]) == [flaggedIds[0]])
        #expect(try Self.unitFeature(layers, onlyFlagged, id: unflagged) == [])
    }

    /// The ids of the units layer's pages of `limit`, cursor after cursor, until the last page or past `atMost` ids.
    static func unitPages(_ layers: FeatureLayers, _ filter: UnitFilter, limit: Int, atMost: Int) throws -> [Int64] {
        var ids: [Int64] = []
        var cursor: PageCursor?
        repeat {
            var selection = FeatureSelection()
            selection.page = try PageRequest(limit: limit, after: cursor)
            cursor = try layers.page(.units, filter: filter, selection: selection, begin: { _, _ in }) { ids.append($0.int64(0)) }
        } while cursor != nil && ids.count <= atMost
        return ids
    }

    /// The ids the units layer gives for the feature `id` under `filter`: it alone, or none.
    static func unitFeature(_ layers: FeatureLayers, _ filter: UnitFilter, id: Int64) throws -> [Int64] {
        var selection = FeatureSelection()
        selection.featureId = id
        var found: [Int64] = []
        _ = try layers.page(.units, filter: filter, selection: selection, counting: false, begin: { _, _ in }) { found.append($0.int64(0)) }
        return found
    }

    /// A text search's pages of the units layer take their ids from the search index, in its rowid order: by cursor
    /// and by feature id they give the units the whole layer gives (which sorts the matches by id), in that order.
    @Test func searchPagesOfTheUnitsLayerFollowTheIdOrder() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        var csv = "code,name,kind,lon,lat\n"
        for i in 0..<60 { csv += "M\(String(format: "%03d", (i * 37) % 60)),Chợ \(i % 7),market,\(106.6405 + Double(i % 36) * 0.00025),10.762\n" }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv))
        var filter = UnitFilter(asOf: .today())
        filter.search = "cho 3"
        let layers = FeatureLayers(store: r.store)
        var all: [Int64] = []
        try layers.stream(.units, filter: filter, begin: { _ in }) { all.append($0.int64(0)) }
        let expected = try r.store.read { try Int64.fetchAll($0, sql: "SELECT id FROM economic_units WHERE name = 'Chợ 3' ORDER BY id") }
        #expect(all == expected && all.count >= 8)
        #expect(try Self.unitPages(layers, filter, limit: 3, atMost: all.count) == all)
        let other = try #require(try r.store.read { try Int64.fetchOne($0, sql: "SELECT min(id) FROM economic_units WHERE name <> 'Chợ 3'") })
        #expect(try Self.unitFeature(layers, filter, id: all[1]) == [all[1]])
        #expect(try Self.unitFeature(layers, filter, id: other) == [])
    }
}

@Suite struct PagingTests {
    func registry(_ n: Int) throws -> TemporaryRegistry {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        var csv = "code,name,kind,lon,lat\n"
        for i in 0..<n { csv += "M\(String(format: "%04d", i * 2)),Chợ \(i),market,\(106.641 + Double(i % 80) * 0.0001),10.762\n" }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv))
        return r
    }

    /// Keyset pages by any key, while units are added before and after the cursor, return every unit
    /// that was there at the start exactly once.
    @Test(arguments: ["code", "-code", "name", "-registered_on", "updated_at", "owner", "-stall_no", "ward_name", "-lat", "version"])
    func cursorPagesLoseAndRepeatNothingWhileUnitsAreAdded(sort: String) throws {
        let r = try registry(300)
        let q = UnitQuery(store: r.store)
        let editor = UnitEditor(store: r.store, today: .today(), now: Date())
        var seen: [String] = []
        var after: PageCursor?
        var added = 0
        repeat {
            let page = try q.list(UnitFilter(asOf: .today()), sort: try Sorting(parsing: sort), page: try PageRequest(limit: 37, after: after))
            seen += page.items.map(\.unit.code)
            after = page.next
            // While the first pages are read, one code sorts before the cursor and one after (a bounded
            // number: units added faster than pages are read would make any list endless).
            if added < 5 {
                _ = try editor.add(fields: ["code": "A\(added)", "name": "Chợ mới \(added)", "kind": "market", "lon": "106.642", "lat": "10.762"])
                _ = try editor.add(fields: ["code": "Z\(added)", "name": "Chợ mới \(added)", "kind": "market", "lon": "106.642", "lat": "10.762"])
                added += 1
            }
        } while after != nil && seen.count < 1000
        let original = seen.filter { $0.hasPrefix("M") }
        #expect(original.count == 300 && Set(original).count == 300)
        #expect(Set(seen).count == seen.count)
    }

    /// Offset pages in an order new units only append to (updated_at) lose and repeat nothing either.
    @Test func offsetPagesInAnAppendOnlyOrder() throws {
        let r = try registry(120)
        let q = UnitQuery(store: r.store)
        var seen: [String] = []
        var offset = 0
        while true {
            let page = try q.list(UnitFilter(asOf: .today()), sort: Sorting(.updated_at), page: try PageRequest(limit: 25, offset: offset))
            if page.items.isEmpty { break }
            seen += page.items.map(\.unit.code)
            offset += page.items.count
            if offset < 100 {
                _ = try UnitEditor(store: r.store, today: .today(), now: Date()).add(fields: ["code": "A\(offset)", "name": "X", "kind": "market", "lon": "106.642", "lat": "10.762"])
            }
            if offset > 1000 { break }
        }
        #expect(seen.filter { $0.hasPrefix("M") }.count == 120 && Set(seen).count == seen.count)
        #expect(try q.count(UnitFilter(asOf: .today())) == seen.count)
    }

    /// A page found by offset (the skipped rows read through ids alone, then the page's rows joined)
    /// holds the rows at those places of the whole list, with the same ward and distance, and its
    /// cursor goes on from its last row: for every sort, both directions, ties, and the filters that
    /// join (ward, search, near).
    @Test(arguments: ["code", "-code", "-name", "updated_at", "distance", "-distance", "relevance", "ward", "-owner", "lon"])
    func anOffsetPageIsThatSliceOfTheWholeList(sort: String) throws {
        let r = try registry(240)
        let q = UnitQuery(store: r.store)
        var filter = UnitFilter(asOf: LocalDate(iso: "2024-06-01")!)
        var sorting: Sorting<UnitSortKey>?
        switch sort {
        case "distance", "-distance": filter.near = try Proximity(lon: 106.644, lat: 10.762, radius: 900)  // ties: 80 longitudes
        case "relevance": filter.search = "cho"
        case "ward": filter.wardCode = "27232"
        default: break
        }
        if sort != "ward" { sorting = try Sorting(parsing: sort) }
        let whole = try q.list(filter, sort: sorting).items
        #expect(whole.count > 60)
        func described(_ items: [ListedUnit]) -> [String] {
            items.map { "\($0.unit.code) \($0.ward?.code ?? "-") \($0.distance.map { String(format: "%.3f", $0) } ?? "-")" }
        }
        for offset in [1, 23, whole.count - 4, whole.count, whole.count + 3] {
            let page = try q.list(filter, sort: sorting, page: PageRequest(limit: 10, offset: offset))
            let expected = Array(whole.dropFirst(offset).prefix(10))
            #expect(described(page.items) == described(expected), "offset \(offset)")
            if offset + 10 < whole.count {
                let next = try q.list(filter, sort: sorting, page: PageRequest(limit: 1, after: page.next))
                #expect(next.items.map(\.unit.code) == [whole[offset + 10].unit.code], "after the page at \(offset)")
            } else {
                #expect(page.next == nil, "offset \(offset)")
            }
        }
    }

    /// The ward a list shows (the date's wards read first and ranked by code, UnitStatement.wardId(_:on:))
    /// is the general rule's (wardId(on:)) for every unit on every date; a point on the edge of two wards
    /// is in the one with the lower code, and a unit without a point in the ward it declares.
    @Test func aListsWardIsTheGeneralRulesOnEveryDate() throws {
        let r = try registry(120)
        let editor = UnitEditor(store: r.store, today: LocalDate(iso: "2026-11-15")!, now: Date())
        _ = try editor.add(fields: ["code": "EDGE", "name": "Chợ cạnh", "kind": "market", "lon": "106.645", "lat": "10.762"])
        _ = try editor.add(fields: ["code": "NOPOINT", "name": "Chợ không điểm", "kind": "market", "ward_code": "27223",
                                    "registered_on": "2024-01-10"])
        for date in ["1999-12-31", "2024-06-01", "2025-07-01"] {
            let d = LocalDate(iso: date)!
            let rows = try r.store.read { db in
                try Row.fetchAll(db, SQLRequest<Row>(literal: """
                    SELECT u.code, \(try UnitStatement.wardId(db, on: d)) AS listed, \(UnitStatement.wardId(on: d)) AS general FROM economic_units u
                    """))
            }
            #expect(rows.count == 122)
            #expect(rows.allSatisfy { ($0["listed"] as Int64?) == ($0["general"] as Int64?) }, "\(date)")
            #expect(rows.contains { ($0["listed"] as Int64?) != nil } == (date != "1999-12-31"), "\(date)")
        }
        var filter = UnitFilter(asOf: LocalDate(iso: "2024-06-01")!)
        filter.search = "cho canh"
        #expect(try UnitQuery(store: r.store).list(filter).items.map { $0.ward?.code } == ["27223"])
        filter.search = "khong diem"
        #expect(try UnitQuery(store: r.store).list(filter).items.map { $0.ward?.code } == ["27223"])
    }

    @Test func badFiltersNameTheFieldAndWhatWasExpected() throws {
        let r = try registry(3)
        let before = try r.snapshot("economic_units")
        func check(_ field: String, _ body: () throws -> Void) {
            #expect { try body() } throws: { error in
                // The one error value: its kind, the canonical field, the value given and what was expected,
                // with no command-line flag in it.
                guard let e = error as? RegistryError, e.kind == .invalidInput, e.field == field, e.value != nil,
                      let expected = e.expected, !expected.isEmpty, e.underlying == nil else { return false }
                return !"\(e)".contains("--") && !"\(e)".contains("econgis")
            }
        }
        check("bbox") { _ = try BoundingBox(parsing: "106.64,10.76,106.65") }
        check("bbox") { _ = try BoundingBox(parsing: "106.65,10.76,106.64,10.77") }
        check("radius") { _ = try Proximity(lon: 106.64, lat: 10.76, radius: -5) }
        check("sort") { _ = try Sorting<UnitSortKey>(parsing: "colour") }
        check("cursor") { _ = try PageCursor(encoded: "not a cursor") }
        check("sort") { _ = try UnitQuery(store: r.store).list(UnitFilter(asOf: .today()), sort: Sorting(.distance)) }
        check("sort") { _ = try Sorting<InstrumentSortKey>(parsing: "colour") }
        check("within") {
            var f = InstrumentFilter(units: UnitFilter(asOf: .today()))
            f.within = -1
            _ = try InstrumentList(store: r.store).count(f)
        }
        check("type") {
            var f = InstrumentFilter(units: UnitFilter(asOf: .today()))
            f.types = ["kettle"]
            _ = try InstrumentList(store: r.store).list(f)
        }
        #expect(try r.snapshot("economic_units") == before)
    }

    @Test func searchFindsWordsAndTheirBeginningsWithoutDiacritics() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", "code,name,kind,address,lon,lat\n"
            + "CHO-BT,Chợ Bình Thới,market,,106.642,10.762\n"
            + "0100233488,Cửa hàng xăng dầu số 1,enterprise,12 Đường Lạc Long Quân,106.6425,10.762\n"))
        func found(_ text: String) throws -> [String] {
            var f = UnitFilter(asOf: .today())
            f.search = text
            return try UnitQuery(store: r.store).list(f).items.map(\.unit.code)
        }
        for text in ["cho binh thoi", "CHO BINH", "binh thoi", "Chợ Bình Thới", "bin th", "bin", "cho-bt", "thới chợ"] {
            #expect(try found(text) == ["CHO-BT"], "\(text)")
        }
        #expect(try found("duong") == ["0100233488"])
        #expect(try found("đường lạc") == ["0100233488"])
        #expect(try found("01002334") == ["0100233488"])
        #expect(try found("inh") == [])  // words are found by their beginning, not from the middle
        #expect(try found("xyz") == [])
        // An English possessive is the name's: its s does not have to begin a word of the unit's.
        #expect(try found("Chợ Bình Thới's") == ["CHO-BT"])
        #expect(try found("Bình Thới\u{2019}s chợ") == ["CHO-BT"])
        #expect(try found("thoi s") == [])  // a word s typed on its own still must begin one
    }
}

@Suite struct ExportTests {
    /// Every layer written as RFC 7946 GeoJSON opens in GDAL with the database's feature count and
    /// properties, and keeps the RFC's rules: no crs member, counter-clockwise outer rings, integer
    /// ids, typed properties, Vietnamese text as UTF-8.
    @Test(arguments: FeatureLayer.allCases)
    func layerOpensInGDALWithTheDatabasesCount(layer: FeatureLayer) throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", "code,name,kind,address,lon,lat,market_code,stall_no\n"
            + "CHO-BT,Chợ Bình Thới,market,\"Số 1, Đường \"\"Bình Thới\"\"\",106.642,10.762,,\n"
            + ",Sạp rau,market_stall,,106.6421,10.7621,CHO-BT,A-1\n"
            + "0100233488,Cửa hàng xăng dầu số 1,enterprise,,106.6425,10.762,,\n"))
        _ = try Importer(store: r.store, now: Date()).importInstruments(path: try r.file("i.csv", "unit_code,type,serial_no,last_verified_on\n"
            + "0100233488,fuel_dispenser,F1,2025-01-01\n0100233488,fuel_dispenser,F2,\nCHO-BT/A-1,counter_scale,C1,2026-06-01\n"))
        _ = try Importer(store: r.store, now: Date()).importInspections(path: try r.file("n.csv", "unit_code,inspected_on,scope,outcome\n"
            + "0100233488,2026-01-05,metrology,compliant\n"))
        let layers = FeatureLayers(store: r.store)
        var filter = UnitFilter(asOf: .today())
        if layer == .wards { filter.asOf = LocalDate(iso: "2024-06-01")! }
        let (path, written) = try r.export(layer, filter: filter, to: "export-\(layer.rawValue).geojson")
        let expected = try layers.count(layer, filter: filter)
        #expect(expected > 0)
        #expect(written == expected)
        let info = try run("ogrinfo", ["-ro", "-so", "-al", path])
        #expect(info.contains("Feature Count: \(expected)"), "\(info)")

        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let json = try JSONText.decode(Array(bytes))
        guard case .object(let top) = json, case .array(let features)? = top.first(where: { $0.0 == "features" })?.1 else {
            Issue.record("not a FeatureCollection")
            return
        }
        #expect(!top.contains { $0.0 == "crs" })
        for case .object(let f) in features {
            guard case .int = f.first(where: { $0.0 == "id" })?.1 else { Issue.record("id is not an integer"); continue }
            let geometry = try GeoJSONDecoding.geometry(f.first { $0.0 == "geometry" }!.1)
            for polygon in geometry.polygons ?? [] {
                let ring = polygon[0].positions
                let area = zip(ring, ring.dropFirst()).reduce(0.0) { $0 + ($1.0.x * $1.1.y - $1.1.x * $1.0.y) }
                #expect(area > 0, "outer ring not counter-clockwise")
            }
        }
        // With --bbox-member, every feature with a geometry has the box of its positions (points and polygons alike).
        var options = FeatureWriter.Options()
        options.bboxMember = true
        let (boxed, _) = try r.export(layer, filter: filter, options: options, to: "boxed-\(layer.rawValue).geojson")
        guard case .object(let boxedTop) = try JSONText.decode(Array(try Data(contentsOf: URL(fileURLWithPath: boxed)))),
              case .array(let boxedFeatures)? = boxedTop.first(where: { $0.0 == "features" })?.1 else {
            Issue.record("not a FeatureCollection")
            return
        }
        #expect(boxedFeatures.count == expected)
        for case .object(let f) in boxedFeatures {
            guard case let g? = f.first(where: { $0.0 == "geometry" })?.1, g != .null else { continue }
            let positions = try GeoJSONDecoding.geometry(g).positions
            let want = [positions.map(\.x).min()!, positions.map(\.y).min()!, positions.map(\.x).max()!, positions.map(\.y).max()!]
            guard case .array(let box)? = f.first(where: { $0.0 == "bbox" })?.1 else { Issue.record("\(layer): a feature without bbox"); continue }
            #expect(box.map(\.doubleValue) == want.map(Optional.some), "\(layer): bbox \(box) for positions spanning \(want)")
        }
        if layer == .units {
            #expect(String(decoding: bytes, as: UTF8.self).contains("\"name\":\"Chợ Bình Thới\""))
            #expect(String(decoding: bytes, as: UTF8.self).contains(#""address":"Số 1, Đường \"Bình Thới\"""#))
            let props = try run("ogrinfo", ["-ro", "-al", "-q", "-where", "code = 'CHO-BT'", path])
            #expect(props.contains("name (String) = Chợ Bình Thới") && props.contains("ward_code (String) = 27232"), "\(props)")
            #expect(props.contains("version (Integer) = 1"), "\(props)")
        }
    }

    /// The instruments layer has what `instruments list` has: the instruments of units of every status (a closed
    /// unit's scales stay on record) unless the filter names a status. The due layer leaves closed units out.
    @Test func theInstrumentsLayerHasEveryUnitsInstrumentsAsTheListHas() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", "code,name,kind,status,status_since,lon,lat\n"
            + "0100233488,Cửa hàng A,enterprise,active,,106.6425,10.762\n0100233488-001,Cửa hàng B,branch,closed,2026-01-01,106.6426,10.762\n"))
        _ = try Importer(store: r.store, now: Date()).importInstruments(path: try r.file("i.csv", "unit_code,type,serial_no,last_verified_on\n"
            + "0100233488,counter_scale,A1,2025-01-01\n0100233488-001,counter_scale,B1,2025-01-01\n"))
        let layers = FeatureLayers(store: r.store), list = InstrumentList(store: r.store)
        var filter = UnitFilter(asOf: LocalDate(iso: "2026-06-01")!)
        #expect(try r.export(.instruments, filter: filter, to: "all.geojson").written == 2)
        #expect(try layers.count(.instruments, filter: filter) == 2)
        #expect(try list.count(InstrumentFilter(units: filter)) == 2)
        #expect(try layers.count(.due, filter: filter) == 1)  // both expired; B's unit is closed
        filter.statuses = [.closed]
        #expect(try r.export(.instruments, filter: filter, to: "closed.geojson").written == 1)
        #expect(try list.count(InstrumentFilter(units: filter)) == 1)
    }

    @Test func csvAndSequencesOpenInGDALToo() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", "code,name,kind,lon,lat\nCHO-BT,Chợ Bình Thới,market,106.642,10.762\nCHO-2,\"Chợ, hai\",market,106.643,10.762\n"))
        for (format, rs, name) in [(FeatureWriter.Format.geojsonseq, true, "u.geojsons"), (.geojsonseq, false, "u.geojsonl"), (.csv, false, "u.csv")] {
            var options = FeatureWriter.Options()
            options.format = format
            options.recordSeparator = rs
            let (path, _) = try r.export(options: options, to: "out-" + name)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            if rs { #expect(text.split(separator: "\n").allSatisfy { $0.first == "\u{1E}" }) }
            let info = try run("ogrinfo", ["-ro", "-so", "-al"] + (format == .csv ? ["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"] : []) + [path])
            #expect(info.contains("Feature Count: 2"), "\(name): \(info)")
        }
    }

    @Test func anExistingFileIsNotReplacedUnlessAsked() throws {
        let r = try TemporaryRegistry()
        let path = try r.file("mine.geojson", "precious")
        #expect { _ = try OutputTarget(path: path, overwrite: false) } throws: { "\($0)".contains("output") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
        #expect { _ = try OutputTarget(path: r.directory.path, overwrite: true) } throws: { "\($0)".contains("directory") }
        #expect { _ = try OutputTarget(path: r.directory.path + "/nodir/x.geojson", overwrite: true) } throws: { "\($0)".contains("folder") }
    }
}
