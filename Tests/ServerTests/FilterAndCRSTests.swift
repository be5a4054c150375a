import Foundation
import GRDB
import Testing

/// Part 3 (CQL2 filters and queryables) and Part 2 (CRS) over HTTP, against independent counts and PROJ's cs2cs.
@Suite struct FilterAndCRSTests {
    func matched(_ s: TestServer, _ query: String, collection: String = "units") async throws -> Int? {
        let r = try await get(s.base + "/collections/\(collection)/items?limit=1&" + query)
        #expect(r.status == 200, "\(query): \(r.text.prefix(300))")
        return r.json["numberMatched"] as? Int
    }

    static func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test func cql2TextAndJSONCountLikeSQL() async throws {
        let s = try await TestServer.shared.value
        let date = TestServer.today.description
        let (enterprisesSince2020, nameLike) = try await s.database().read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE kind = 'enterprise' AND registered_on >= '2020-01-01' AND registered_on <= ?", arguments: [date])!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE name GLOB '*Cửa hàng*' AND (registered_on IS NULL OR registered_on <= ?)", arguments: [date])!)
        }
        let text = "kind = 'enterprise' AND registered_on >= DATE('2020-01-01')"
        #expect(try await matched(s, "filter=" + Self.encoded(text)) == enterprisesSince2020)
        let json = #"{"op":"and","args":[{"op":"=","args":[{"property":"kind"},"enterprise"]},{"op":">=","args":[{"property":"registered_on"},{"date":"2020-01-01"}]}]}"#
        #expect(try await matched(s, "filter-lang=cql2-json&filter=" + Self.encoded(json)) == enterprisesSince2020)
        #expect(try await matched(s, "filter=" + Self.encoded("name LIKE '%Cửa hàng%'")) == nameLike)
        #expect(nameLike > 0 && enterprisesSince2020 > 0)
        // Accent-insensitive: the same units without diacritics in the pattern.
        #expect(try await matched(s, "filter=" + Self.encoded("ACCENTI(name) LIKE ACCENTI('%Cua hang%')")) ?? 0 >= nameLike)
    }

    @Test func spatialFilterMatchesBBox() async throws {
        let s = try await TestServer.shared.value
        let box = "106.64,10.75,106.66,10.77"
        let byBBox = try await matched(s, "bbox=" + box)
        let byFilter = try await matched(s, "filter=" + Self.encoded("S_INTERSECTS(geometry, BBOX(\(box)))"))
        #expect(byBBox == byFilter)
        #expect((byBBox ?? 0) > 0)
    }

    @Test func queryablesListEveryProperty() async throws {
        let s = try await TestServer.shared.value
        let q = try await get(s.base + "/collections/units/queryables")
        #expect(q.header("Content-Type") == "application/schema+json")
        let props = q.json["properties"] as? [String: Any] ?? [:]
        #expect(props["name"] != nil && props["geometry"] != nil && props["registered_on"] != nil)
    }

    /// EPSG:4326 answers latitude, longitude and reads its bbox that way; the count is CRS84's.
    @Test func epsg4326IsLatitudeFirst() async throws {
        let s = try await TestServer.shared.value
        let crs84 = try await get(s.base + "/collections/units/items?limit=1&bbox=106.64,10.75,106.66,10.77").json
        let r = try await get(s.base + "/collections/units/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/4326"
                              + "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326&bbox=10.75,106.64,10.77,106.66")
        #expect(r.header("Content-Crs") == "<http://www.opengis.net/def/crs/EPSG/0/4326>")
        #expect(r.json["numberMatched"] as? Int == crs84["numberMatched"] as? Int)
        let a = ((crs84["features"] as? [[String: Any]])?.first?["geometry"] as? [String: Any])?["coordinates"] as? [Double]
        let b = ((r.json["features"] as? [[String: Any]])?.first?["geometry"] as? [String: Any])?["coordinates"] as? [Double]
        #expect(a != nil && b != nil && a![0] == b![1] && a![1] == b![0])
    }

    /// filter-crs: a filter's boxes and geometries are read in the CRS it names, as bbox-crs reads a bbox. EPSG:4326
    /// latitude first; in EPSG:3405 a box and the polygon of its corners find what the same bbox-crs box finds.
    @Test func filterCRSReadsTheFiltersGeometriesInIt() async throws {
        let s = try await TestServer.shared.value
        let epsg = "http://www.opengis.net/def/crs/EPSG/0/"
        let crs84 = try await matched(s, "bbox=106.64,10.75,106.66,10.77")
        #expect((crs84 ?? 0) > 0)
        #expect(try await matched(s, "filter-crs=\(epsg)4326&filter=" + Self.encoded("S_INTERSECTS(geometry, BBOX(10.75,106.64,10.77,106.66))")) == crs84)
        let polygon = "POLYGON((10.75 106.64, 10.75 106.66, 10.77 106.66, 10.77 106.64, 10.75 106.64))"
        #expect(try await matched(s, "filter-crs=\(epsg)4326&filter=" + Self.encoded("S_INTERSECTS(geometry, \(polygon))")) == crs84)
        // The same numbers read as CRS84 are far out at sea: nothing.
        #expect(try await matched(s, "filter=" + Self.encoded("S_INTERSECTS(geometry, BBOX(10.75,106.64,10.77,106.66))")) == 0)

        let features = try await get(s.base + "/collections/units/items?limit=20&crs=\(epsg)3405").json["features"] as? [[String: Any]] ?? []
        let points = features.compactMap { ($0["geometry"] as? [String: Any])?["coordinates"] as? [Double] }
        #expect(points.count == 20)
        let (x1, y1) = (points.map { $0[0] }.min()! - 1, points.map { $0[1] }.min()! - 1)
        let (x2, y2) = (points.map { $0[0] }.max()! + 1, points.map { $0[1] }.max()! + 1)
        let byBBox = try await matched(s, "bbox-crs=\(epsg)3405&bbox=\(x1),\(y1),\(x2),\(y2)")
        let box = "S_INTERSECTS(geometry, BBOX(\(x1), \(y1), \(x2), \(y2)))"
        let ring = "S_INTERSECTS(geometry, POLYGON((\(x1) \(y1), \(x2) \(y1), \(x2) \(y2), \(x1) \(y2), \(x1) \(y1))))"
        #expect((byBBox ?? 0) >= 20)
        #expect(try await matched(s, "filter-crs=\(epsg)3405&filter=" + Self.encoded(box)) == byBBox)
        #expect(try await matched(s, "filter-crs=" + Self.encoded("[EPSG:3405]") + "&filter=" + Self.encoded(ring)) == byBBox)
        let json = #"{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[\#(x1),\#(y1),\#(x2),\#(y2)]}]}"#
        #expect(try await matched(s, "filter-lang=cql2-json&filter-crs=\(epsg)3405&filter=" + Self.encoded(json)) == byBBox)
        // A point PROJ cannot bring back to longitude, latitude is the filter's fault: a 400 that says so.
        let far = try await get(s.base + "/collections/units/items?filter-crs=\(epsg)3405&filter=" + Self.encoded("S_INTERSECTS(geometry, POINT(1e12 1e12))"))
        #expect(far.status == 400 && far.text.contains("filter-crs"), "\(far.status) \(far.text.prefix(300))")
    }

    /// EPSG:3405 and the HCMC local TM (EPSG:9210) coordinates equal cs2cs's within 1 cm.
    @Test(arguments: ["3405", "9210"]) func projectedMatchesCs2cs(epsg: String) async throws {
        guard let cs2cs = which("cs2cs") else {
            toolMissing("cs2cs (Debian proj-bin) is not installed; scripts/setup installs it")
            return
        }
        let s = try await TestServer.shared.value
        let lonlat = try await get(s.base + "/collections/units/items?limit=20").json["features"] as? [[String: Any]] ?? []
        let projected = try await get(s.base + "/collections/units/items?limit=20&crs=http://www.opengis.net/def/crs/EPSG/0/\(epsg)")
        #expect(projected.header("Content-Crs") == "<http://www.opengis.net/def/crs/EPSG/0/\(epsg)>")
        let features = projected.json["features"] as? [[String: Any]] ?? []
        #expect(features.count == lonlat.count && !features.isEmpty)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("cs2cs-\(UUID().uuidString).txt")
        let points = lonlat.map { ($0["geometry"] as? [String: Any])?["coordinates"] as? [Double] ?? [] }
        try points.map { "\($0[0]) \($0[1])" }.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        // "+proj=longlat" reads longitude first, as the CRS84 features have it.
        let ll = try await run(cs2cs, ["-f", "%.4f", "+proj=longlat", "+datum=WGS84", "+to", "EPSG:\(epsg)", input.path])
        let expected = ll.output.split(separator: "\n").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) } }
        for (f, e) in zip(features, expected) {
            let c = (f["geometry"] as? [String: Any])?["coordinates"] as? [Double] ?? []
            #expect(c.count == 2 && e.count >= 2 && abs(c[0] - e[0]) < 0.01 && abs(c[1] - e[1]) < 0.01, "\(c) vs cs2cs \(e)")
        }
        // A box in the projected CRS around those points finds at least them.
        let xs = features.compactMap { (($0["geometry"] as? [String: Any])?["coordinates"] as? [Double])?[0] }
        let ys = features.compactMap { (($0["geometry"] as? [String: Any])?["coordinates"] as? [Double])?[1] }
        let bbox = "\(xs.min()! - 1),\(ys.min()! - 1),\(xs.max()! + 1),\(ys.max()! + 1)"
        let inBox = try await get(s.base + "/collections/units/items?limit=1&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/\(epsg)&bbox=\(bbox)")
        #expect(inBox.status == 200 && (inBox.json["numberMatched"] as? Int ?? 0) >= features.count, "\(inBox.text.prefix(200))")
    }
}
