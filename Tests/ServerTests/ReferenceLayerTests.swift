import Foundation
import GRDB
import Registry
import Testing

/// Reference layers: added from GeoJSON and GeoPackage files in one transaction (a bad value changes nothing and is
/// named), served read-only with their own queryables, bbox, CQL2, sorting, paging and CRS; removed by name only.
@Suite struct ReferenceLayerTests {
    /// Three roads of Quận 11 (lines and a polygon), with Vietnamese names, a whole number, a number and a date.
    static let roads = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"tên":"Đường Lạc Long Quân","lanes":4,"width_m":18.5,"opened":"1998-05-01"},
         "geometry":{"type":"LineString","coordinates":[[106.6420,10.7640],[106.6455,10.7700]]}},
        {"type":"Feature","properties":{"tên":"Đường Lãnh Binh Thăng","lanes":2,"width_m":12,"opened":"2003-09-02"},
         "geometry":{"type":"LineString","coordinates":[[106.6480,10.7600],[106.6530,10.7620]]}},
        {"type":"Feature","properties":{"tên":"Công viên Đầm Sen","lanes":null,"width_m":null,"opened":"1999-01-01"},
         "geometry":{"type":"Polygon","coordinates":[[[106.6340,10.7660],[106.6390,10.7660],[106.6390,10.7700],[106.6340,10.7700],[106.6340,10.7660]]]}}
        ]}
        """

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let dir = try TemporaryDirectories.make("reference")
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func geoJSONLayerIsServedWithItsQueryablesFiltersAndCRS() async throws {
        let file = try Self.temporaryFile("roads.geojson", Self.roads)
        let s = try await ReferenceServer(layers: [file])
        let ids = (try await get(s.base + "/collections").json["collections"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains("roads") && ids.contains("units"))
        let queryables = try await get(s.base + "/collections/roads/queryables").json["properties"] as? [String: [String: Any]] ?? [:]
        #expect(queryables["lanes"]?["type"] as? String == "integer")
        #expect(queryables["width_m"]?["type"] as? String == "number")
        #expect(queryables["opened"]?["format"] as? String == "date")
        #expect(queryables["geometry"] != nil)
        #expect(try await s.matched("roads", "").matched == 3)
        #expect(try await s.matched("roads", "lanes=2").matched == 1)
        #expect(try await s.matched("roads", "filter=" + FilterAndCRSTests.encoded("width_m > 12.5 OR opened < DATE('1999-06-01')")).matched == 2)
        #expect(try await s.matched("roads", "bbox=106.633,10.765,106.640,10.771").matched == 1)
        #expect(try await s.matched("roads", "filter=" + FilterAndCRSTests.encoded("S_INTERSECTS(geometry, POINT(106.636 10.768))")).matched == 1)
        let q = try await get(s.base + "/collections/roads/items?q=dam%20sen")
        #expect(q.status == 400 && (q.json["description"] as? String)?.hasPrefix("q: \"dam sen\": no q on roads, which has no name property") == true,
                "q needs a name property; this layer's is tên (the 400 named filter): \(q.text)")
        // Vietnamese text intact, sorted by a property, paged by next links to the end.
        var url: String? = s.base + "/collections/roads/items?limit=1&sortby=-tên&properties=tên,lanes"
        var names: [String] = []
        while let next = url {
            let page = try await get(next).json
            #expect(page["numberReturned"] as? Int == 1 && page["numberMatched"] as? Int == 3)
            names += (page["features"] as? [[String: Any]] ?? []).compactMap { ($0["properties"] as? [String: Any])?["tên"] as? String }
            url = (page["links"] as? [[String: Any]] ?? []).first { $0["rel"] as? String == "next" }?["href"] as? String
        }
        #expect(names == ["Đường Lạc Long Quân", "Đường Lãnh Binh Thăng", "Công viên Đầm Sen"])
        // In VN-2000 / UTM 48N the first road's first point is where PROJ puts it (cs2cs would give the same).
        let one = try await get(s.base + "/collections/roads/items/1?crs=EPSG:3405")
        #expect(one.header("Content-Crs") == "<http://www.opengis.net/def/crs/EPSG/0/3405>")
        let first = ((one.json["geometry"] as? [String: Any])?["coordinates"] as? [[Double]])?.first ?? []
        let expected = try CoordinateTransform(from: "EPSG:4326", to: "EPSG:3405").transform(x: 106.6420, y: 10.7640)!
        #expect(first.count == 2 && abs(first[0] - expected.x) < 0.001 && abs(first[1] - expected.y) < 0.001)
        #expect(try await get(s.base + "/collections/roads/items/4").status == 404)
    }

    /// GDAL copies a reference layer as it copies the registry's: every feature, by its id, with its typed values and
    /// its geometry (a layer of lines and a polygon), Vietnamese text intact.
    @Test(.enabled(if: which("ogr2ogr") != nil, "GDAL's ogr2ogr (Debian gdal-bin, installed by scripts/setup) is not on PATH"))
    func ogr2ogrCopiesAReferenceLayer() async throws {
        let file = try Self.temporaryFile("roads.geojson", Self.roads)
        let s = try await ReferenceServer(layers: [file])
        let output = s.directory.appendingPathComponent("roads-copy.gpkg").path
        let out = try await run(which("ogr2ogr")!, ["-f", "GPKG", "-preserve_fid", output, "OAPIF:" + s.base, "roads"])
        #expect(out.status == 0, "\(out.output)")
        let rows = try await DatabaseQueue(path: output).read { db in
            try Row.fetchAll(db, sql: "SELECT fid, \"tên\" AS name, lanes, width_m, opened FROM roads ORDER BY fid")
        }
        #expect(rows.map { $0["fid"] as Int64 } == [1, 2, 3])
        #expect(rows.map { $0["name"] as String } == ["Đường Lạc Long Quân", "Đường Lãnh Binh Thăng", "Công viên Đầm Sen"])
        #expect(rows.map { $0["lanes"] as Int? } == [4, 2, nil] && rows.map { $0["width_m"] as Double? } == [18.5, 12, nil])
        #expect(rows.map { $0["opened"] as String } == ["1998-05-01", "2003-09-02", "1999-01-01"])
        let info = try await run(which("ogrinfo")!, ["-ro", "-al", "-q", output])
        #expect(info.output.contains("LINESTRING (106.642 10.764,106.6455 10.77)") && info.output.contains("POLYGON ((106.634 10.766,"), "\(info.output)")
    }

    /// The catalogue and every table's definition: what "the database is unchanged" means here.
    static func schema(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path, configuration: SpatiaLite.configuration(readonly: true)).read { db in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name")
                + String.fetchAll(db, sql: "SELECT name || ' ' || feature_count FROM reference_layers ORDER BY name")
                + String.fetchAll(db, sql: "SELECT f_table_name FROM geometry_columns ORDER BY 1")
        }
    }

    @Test func aBadFileChangesNothingAndTheErrorNamesFeatureFieldValueAndExpectation() throws {
        let dir = try TemporaryDirectories.make("reference")
        let path = dir.appendingPathComponent("registry.sqlite").path
        let store = try RegistryStore(path: path)
        try ReferenceLayerImport(store: store).add(file: try Self.temporaryFile("roads.geojson", Self.roads), now: Date())
        let before = try Self.schema(path)
        let bad = Self.roads.replacingOccurrences(of: #""lanes":2"#, with: #""lanes":"hai""#)
        let badFile = try Self.temporaryFile("streets.geojson", bad)
        #expect {
            try ReferenceLayerImport(store: store).add(file: badFile, now: Date())
        } throws: { error in
            let text = "\(error)"
            return text.contains("streets.geojson") && text.contains("feature 2") && text.contains("lanes") && text.contains("\"hai\"")
                && text.contains("integer value like the property's first one (feature 1: 4)")
        }
        #expect(try Self.schema(path) == before)
        // Taken and reserved names, a GeoJSON in another CRS, and an unknown layer to remove: refused, nothing changed.
        #expect(throws: RegistryError.self) { try ReferenceLayerImport(store: store).add(file: try Self.temporaryFile("roads.geojson", Self.roads), now: Date()) }
        #expect(throws: RegistryError.self) { try ReferenceLayerImport(store: store).add(file: try Self.temporaryFile("units.geojson", Self.roads), now: Date()) }
        let unknown = Self.roads.replacingOccurrences(of: #"{"type":"FeatureCollection","#,
                                                      with: #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:999999"}},"#)
        #expect {
            try ReferenceLayerImport(store: store).add(file: try Self.temporaryFile("nowhere.geojson", unknown), now: Date())
        } throws: { "\($0)".contains("EPSG:999999") && "\($0)".contains("a CRS SpatiaLite knows") }
        #expect(throws: RegistryError.self) { try ReferenceLayers(store: store).remove("economic_units") }
        #expect(try Self.schema(path) == before)
        try ReferenceLayers(store: store).remove("roads")
        #expect(try store.read { try $0.tableExists("ref_roads") } == false)
        #expect(try ReferenceLayers(store: store).all().isEmpty)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM economic_units") } == 0)
    }

    /// An office's layers are often in VN-2000: a GeoJSON in EPSG:3405 (GeoJSON 2008's crs member) and a GeoPackage
    /// that GDAL reprojected to the city's TM (EPSG:9210) are stored in longitude/latitude, where the roads were.
    @Test(.enabled(if: which("ogr2ogr") != nil, "GDAL's ogr2ogr (Debian gdal-bin, installed by scripts/setup) is not on PATH"))
    func projectedLayersAreStoredInLongitudeLatitude() async throws {
        let source = try Self.temporaryFile("roads.geojson", Self.roads)
        let dir = URL(fileURLWithPath: source).deletingLastPathComponent()
        let toUTM = try CoordinateTransform(from: "EPSG:4326", to: "EPSG:3405")
        var utm = Self.roads.replacingOccurrences(of: #"{"type":"FeatureCollection","#,
                                                  with: #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3405"}},"#)
        for match in Self.roads.matches(of: /\[(106\.\d+),(10\.\d+)\]/) {
            let p = toUTM.transform(x: Double(match.1)!, y: Double(match.2)!)!
            utm = utm.replacingOccurrences(of: String(match.0), with: "[\(p.x),\(p.y)]")
        }
        let utmFile = dir.appendingPathComponent("roads-utm.geojson").path
        try utm.write(toFile: utmFile, atomically: true, encoding: .utf8)
        let gpkg = dir.appendingPathComponent("roads-tm3.gpkg").path
        let made = try await run(which("ogr2ogr")!, ["-f", "GPKG", gpkg, source, "-nln", "roads", "-t_srs", "EPSG:9210"])
        #expect(made.status == 0, "\(made.output)")
        let store = try RegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
        for (file, name) in [(utmFile, "utm"), (gpkg, "tm3")] {
            let added = try ReferenceLayerImport(store: store).add(file: file, name: name, now: Date())
            #expect(added.first?.featureCount == 3)
            let stored = try store.read { db in try String.fetchAll(db, sql: "SELECT AsGeoJSON(geom, 9) FROM ref_\(name) ORDER BY id").joined() }
            let original = Self.roads.matches(of: /\[(106\.\d+),(10\.\d+)\]/).map { (Double($0.1)!, Double($0.2)!) }
            let back = stored.matches(of: /\[(-?[\d.]+),(-?[\d.]+)\]/).map { (Double($0.1)!, Double($0.2)!) }
            #expect(back.count == original.count, "\(name): \(stored)")
            for (a, b) in zip(original, back) {
                #expect(abs(a.0 - b.0) < 1e-7 && abs(a.1 - b.1) < 1e-7, "\(name): \(a) came back as \(b)")
            }
        }
    }

    /// A GeoPackage made by GDAL from the roads, then one value broken in it: the import names the feature's fid,
    /// the column, the value and the declared type, and writes nothing.
    @Test(.enabled(if: which("ogr2ogr") != nil, "GDAL's ogr2ogr (Debian gdal-bin, installed by scripts/setup) is not on PATH"))
    func geoPackageValuesAreCheckedAgainstTheirDeclaredTypes() async throws {
        let source = try Self.temporaryFile("roads.geojson", Self.roads)
        let gpkg = URL(fileURLWithPath: source).deletingLastPathComponent().appendingPathComponent("roads.gpkg").path
        let made = try await run(which("ogr2ogr")!, ["-f", "GPKG", gpkg, source, "-nln", "roads"])
        #expect(made.status == 0, "\(made.output)")
        let dir = URL(fileURLWithPath: gpkg).deletingLastPathComponent()
        let store = try RegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
        let added = try ReferenceLayerImport(store: store).add(file: gpkg, name: "duong", now: Date())
        #expect(added.map(\.name) == ["duong"] && added.first?.featureCount == 3)
        #expect(added.first?.columns.map(\.type) == [.text, .integer, .real, .date])
        try await DatabaseQueue(path: gpkg, configuration: SpatiaLite.configuration()).write { try $0.execute(sql: "UPDATE roads SET lanes = 'bốn' WHERE fid = 2") }
        let before = try Self.schema(store.path)
        #expect {
            try ReferenceLayerImport(store: store).add(file: gpkg, name: "duong2", now: Date())
        } throws: { error in
            let text = "\(error)"
            return text.contains("roads.gpkg feature 2") && text.contains("field lanes") && text.contains("bốn") && text.contains("declared INTEGER")
        }
        #expect(try Self.schema(store.path) == before)
    }
}

/// Hostile names in a reference layer's file: a name that SQL or JSON could not hold is refused at import, naming it;
/// one that only looks like SQL is an ordinary property, quoted wherever it goes, and requests on it change nothing.
@Suite struct ReferenceLayerHostileNameTests {
    static func layer(_ name: String) -> String {
        let key = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"\#(key)":1,"tên":"Chợ Bình Thới"},"geometry":{"type":"Point","coordinates":[106.65,10.76]}},"#
            + #"{"type":"Feature","properties":{"\#(key)":2,"tên":"Chợ Phú Thọ"},"geometry":{"type":"Point","coordinates":[106.66,10.77]}}]}"#
    }

    @Test func namesSQLCannotHoldAreRefusedAndSQLLookingNamesStayNames() async throws {
        for bad in [#"x"; DROP TABLE economic_units; --"#, "a\\b", "ID", "geom"] {
            let file = try ReferenceLayerTests.temporaryFile("bad.geojson", Self.layer(bad))
            let store = try RegistryStore(path: URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("r.sqlite").path)
            #expect {
                try ReferenceLayerImport(store: store).add(file: file, now: Date())
            } throws: { error in "\(error)".contains("bad.geojson") && "\(error)".contains("property name") }
            #expect(try ReferenceLayers(store: store).all().isEmpty)
        }
        let odd = "a) OR (1=1"
        let s = try await ReferenceServer(layers: [try ReferenceLayerTests.temporaryFile("odd.geojson", Self.layer(odd))])
        let before = try ReferenceLayerTests.schema(s.databasePath)
        #expect(try await s.matched("odd", "filter=" + FilterAndCRSTests.encoded(#""a) OR (1=1" = 2"#)).matched == 1)
        #expect(try await s.matched("odd", FilterAndCRSTests.encoded(odd) + "=1").matched == 1)
        let sorted = try await get(s.base + "/collections/odd/items?sortby=-" + FilterAndCRSTests.encoded(odd)).json
        let first = ((sorted["features"] as? [[String: Any]])?.first?["properties"] as? [String: Any])?[odd] as? Int
        #expect(first == 2)
        for query in ["sortby=" + FilterAndCRSTests.encoded("tên; DROP TABLE ref_odd"), "properties=" + FilterAndCRSTests.encoded("tên,\"x\""),
                      "filter=" + FilterAndCRSTests.encoded("\"tên\" = 'x'' OR 1=1 --'")] {
            let r = try await get(s.base + "/collections/odd/items?" + query)
            #expect(r.status == 400 || r.json["numberMatched"] as? Int == 0, "\(query): \(r.text.prefix(200))")
        }
        #expect(try ReferenceLayerTests.schema(s.databasePath) == before)
    }
}
