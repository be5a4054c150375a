import Foundation
import GRDB
import Testing

/// `datetime` intervals where a collection has dates, the temporal extent, and each collection's own parameters in /api.
@Suite struct DatetimeAndDocumentTests {
    @Test func referenceLayerDatesAnswerInstantsAndIntervals() async throws {
        let s = try await ReferenceServer(layers: [try ReferenceLayerTests.temporaryFile("roads.geojson", ReferenceLayerTests.roads)])
        #expect(try await s.matched("roads", "datetime=1998-01-01/2000-01-01").matched == 2)
        #expect(try await s.matched("roads", "datetime=../1999-01-01").matched == 2)
        #expect(try await s.matched("roads", "datetime=2000-01-01/..").matched == 1)
        #expect(try await s.matched("roads", "datetime=2003-09-02").matched == 1)
        #expect(try await s.matched("roads", "datetime=2003-09-01T12:00:00Z/2003-09-02T00:00:00Z").matched == 1, "a date is its day's first instant (UTC), as in CQL2")
        #expect(try await s.matched("roads", "datetime=../..").status == 400)
        #expect(try await s.matched("roads", "datetime=2003-02-30").status == 400)
        let collection = try await get(s.base + "/collections/roads").json
        let temporal = ((collection["extent"] as? [String: Any])?["temporal"] as? [String: Any])?["interval"] as? [[String]]
        #expect(temporal == [["1998-05-01T00:00:00Z", "2003-09-02T23:59:59Z"]], "RFC 3339 date-times, as Part 1's schema says")
        // The spatial extent: the roads' box, from the index's single-precision boxes rounded outwards (within 3e-5°, 3 m).
        let box = (((collection["extent"] as? [String: Any])?["spatial"] as? [String: Any])?["bbox"] as? [[Double]])?.first ?? []
        let roads = [106.6340, 10.7600, 106.6530, 10.7700]
        #expect(box.count == 4 && zip(box, roads).allSatisfy { abs($0 - $1) < 3e-5 }, "\(box)")
        #expect(box.count == 4 && box[0] <= roads[0] && box[1] <= roads[1] && box[2] >= roads[2] && box[3] >= roads[3], "\(box)")
        let html = try await get(s.base + "/collections/roads/items?f=html")
        #expect(html.status == 200 && html.text.contains("Đường Lãnh Binh Thăng"))
    }

    /// RFC 3339 allows an offset: a time in Vietnam (+07:00) is the UTC instant it stands for.
    @Test func timestampsWithOffsets() async throws {
        let s = try await TestServer.shared.value
        let inspections = "/collections/inspections/items?limit=1&datetime="
        let utc = try await get(s.base + inspections + "2025-01-01T00:00:00Z/2025-06-30T17:00:00Z")
        let hanoi = try await get(s.base + inspections + "2025-01-01T07:00:00%2B07:00/2025-07-01T00:00:00%2B07:00")
        let west = try await get(s.base + inspections + "2024-12-31T19:00:00-05:00/2025-06-30T12:00:00.000-05:00")
        #expect(utc.status == 200 && hanoi.status == 200 && west.status == 200, "\(hanoi.text.prefix(200)) \(west.text.prefix(200))")
        #expect(hanoi.json["numberMatched"] as? Int == utc.json["numberMatched"] as? Int)
        #expect(west.json["numberMatched"] as? Int == utc.json["numberMatched"] as? Int)
        for bad in ["2025-01-01T07:00:00%2B24:00", "2025-01-01T07:00:00%2B0700", "2025-01-01T07:00:00"] {
            #expect(try await get(s.base + inspections + bad).status == 400, "\(bad)")
        }
    }

    /// On the registry's own layers an interval reads the registry on its end; units closed before its start are left
    /// out. GDAL sends a `-where` on registered_on so (it was refused).
    @Test func intervalsOnTheRegistrysLayers() async throws {
        let s = try await TestServer.shared.value
        let (upTo2012, livedIn) = try await s.database().read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE coalesce(registered_on, '') <= '2012-01-01'")!,
             try Int.fetchOne(db, sql: """
                SELECT count(*) FROM economic_units WHERE coalesce(registered_on, '') <= '2024-06-01'
                  AND NOT (status = 'closed' AND status_since < '2020-01-01')
                """)!)
        }
        #expect(upTo2012 > 0 && livedIn > upTo2012)
        let open = try await get(s.base + "/collections/units/items?limit=1&datetime=../2012-01-01T00:00:00Z")
        #expect(open.json["numberMatched"] as? Int == upTo2012, "\(open.text.prefix(300))")
        let closed = try await get(s.base + "/collections/units/items?limit=1&datetime=2020-01-01/2024-06-01")
        #expect(closed.json["numberMatched"] as? Int == livedIn, "\(closed.text.prefix(300))")
        for collection in ["markets", "stalls", "instruments", "due", "wards"] {
            let r = try await get(s.base + "/collections/\(collection)/items?limit=1&datetime=2024-06-01/2025-03-01")
            #expect(r.status == 200, "\(collection): \(r.text.prefix(300))")
        }
        // An interval that ends before it starts, or an empty datetime, is refused (each collection answered something
        // of its own); a date ends with its day, so a timestamp of that day may start the interval.
        for (datetime, status) in [("2025-12-31/2024-01-01", 400), ("2025-01-01T10:00:00Z/2025-01-01T09:00:00Z", 400), ("", 400),
                                   ("2025-01-01T10:00:00Z/2025-01-01", 200), ("2025-01-01/2025-01-01T10:00:00Z", 200),
                                   ("2025-01-01T10:00:00Z/2025-01-01T10:00:00.5Z", 200), ("2025-01-01T10:00:00.5Z/2025-01-01T10:00:00Z", 400)] {
            for collection in ["units", "wards", "inspections", "due"] {
                let r = try await get(s.base + "/collections/\(collection)/items?limit=1&datetime=" + datetime)
                #expect(r.status == status, "\(collection) datetime=\(datetime): \(r.text.prefix(300))")
                if status == 400 { #expect((r.json["description"] as? String)?.hasPrefix("datetime: ") == true, "\(r.text.prefix(300))") }
            }
        }
    }

    /// A timestamp property as a query parameter (it was compared as text and always refused).
    @Test func timestampPropertiesAsQueryParameters() async throws {
        let s = try await TestServer.shared.value
        let (stamp, count) = try await s.database().read { db in
            let stamp = try String.fetchOne(db, sql: "SELECT updated_at FROM economic_units ORDER BY id LIMIT 1")!
            return (stamp, try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE updated_at = ?", arguments: [stamp])!)
        }
        let r = try await get(s.base + "/collections/units/items?limit=1&updated_at=" + stamp)
        #expect(r.status == 200 && r.json["numberMatched"] as? Int == count, "\(stamp): \(r.text.prefix(300))")
        let bad = try await get(s.base + "/collections/units/items?updated_at=yesterday")
        #expect(bad.status == 400 && (bad.json["description"] as? String)?.hasPrefix("updated_at") == true, "\(bad.text.prefix(300))")
    }

    /// A market is in a box its footprint crosses, though its point is outside (the box the review found).
    @Test func marketsAreInABoxTheirFootprintCrosses() async throws {
        let s = try await TestServer.shared.value
        let market = try #require(try await s.database().read { db in
            try Row.fetchOne(db, sql: """
                SELECT code, MbrMinX(footprint) AS x1, MbrMinY(footprint) AS y1, ST_X(geom) AS x, ST_Y(geom) AS y
                FROM economic_units WHERE kind = 'market' AND footprint IS NOT NULL ORDER BY id LIMIT 1
                """)
        })
        let (x1, y1, x, y): (Double, Double, Double, Double) = (market["x1"], market["y1"], market["x"], market["y"])
        // The footprint's south-west corner, a tenth of the way to the point: the point itself is outside.
        let box = [x1 - 0.0001, y1 - 0.0001, x1 + (x - x1) / 10, y1 + (y - y1) / 10].map { String($0) }.joined(separator: ",")
        let page = try await get(s.base + "/collections/markets/items?bbox=\(box)&properties=code")
        let codes = (page.json["features"] as? [[String: Any]])?.compactMap { ($0["properties"] as? [String: Any])?["code"] as? String }
        #expect(codes?.contains(market["code"] as String) == true, "\(page.text.prefix(300))")
    }

    /// An HTML page's next link and each feature's link stay in HTML and on the page's day.
    @Test func htmlLinksKeepTheFormatAndTheDay() async throws {
        let s = try await TestServer.shared.value
        let page = try await get(s.base + "/collections/wards/items?f=html&limit=2&datetime=2024-06-01").text
        let next = try #require(page.firstMatch(of: #/<a href="([^"]*)">Next page</a>/#)).1
        #expect(next.contains("f=html"), "\(next)")
        let item = try #require(page.firstMatch(of: #/<a href="(/collections/wards/items/[0-9]+[^"]*)">/#)).1
        let target = String(item).replacingOccurrences(of: "&amp;", with: "&")
        #expect(target.contains("datetime=2024-06-01"), "\(target)")
        #expect(try await get(s.base + target).status == 200)
    }

    @Test func inspectionsOfAnIntervalAreThoseItsDaysHold() async throws {
        let s = try await TestServer.shared.value
        let (inFirstHalf, after) = try await s.database().read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM inspections WHERE inspected_on BETWEEN '2025-01-01' AND '2025-06-30' AND status IN ('done', 'closed')")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM inspections WHERE inspected_on >= '2025-07-01' AND inspected_on <= ? AND status IN ('done', 'closed')", arguments: [TestServer.today.description])!)
        }
        #expect(inFirstHalf > 0 && after > 0)
        let first = try await get(s.base + "/collections/inspections/items?limit=1&datetime=2025-01-01/2025-06-30")
        #expect(first.json["numberMatched"] as? Int == inFirstHalf, "\(first.text.prefix(300))")
        let open = try await get(s.base + "/collections/inspections/items?limit=1&datetime=2025-07-01/..")
        #expect(open.json["numberMatched"] as? Int == after, "\(open.text.prefix(300))")
        // The temporal extent: the first and last inspection; wards from the first period on, open-ended; units below.
        let (firstDay, lastDay) = try await s.database().read { db in
            (try String.fetchOne(db, sql: "SELECT min(inspected_on) FROM inspections WHERE status IN ('done', 'closed')")!, try String.fetchOne(db, sql: "SELECT max(inspected_on) FROM inspections WHERE status IN ('done', 'closed')")!)
        }
        func interval(_ id: String) async throws -> [Any]? {
            let extent = try await get(s.base + "/collections/\(id)").json["extent"] as? [String: Any]
            return ((extent?["temporal"] as? [String: Any])?["interval"] as? [[Any]])?.first
        }
        let inspections = try await interval("inspections")
        #expect(inspections?.first as? String == firstDay + "T00:00:00Z" && inspections?.last as? String == lastDay + "T23:59:59Z")
        #expect(try await interval("wards")?.last is NSNull)
        // Units: from the first registration to the day of the last change.
        let (registered, changed) = try await s.database().read { db in
            (try String.fetchOne(db, sql: "SELECT min(registered_on) FROM economic_units")!, try String.fetchOne(db, sql: "SELECT max(updated_at) FROM economic_units")!)
        }
        let units = try #require(try await interval("units"))
        #expect(units.first as? String == registered + "T00:00:00Z" && units.last as? String == changed.prefix(10) + "T23:59:59Z", "\(units)")
        #expect(try await interval("markets") == nil)
        // An interval on units reads the registry on its end (intervalsOnTheRegistrysLayers).
        #expect(try await get(s.base + "/collections/units/items?datetime=2025-01-01/2025-06-30").status == 200)
    }

    /// The document's `q` allowed ASCII letters only: a client checking its request against /api refused "Chợ Bình Thới",
    /// the search the server exists for.
    @Test func theSearchParameterTakesVietnamese() async throws {
        let s = try await TestServer.shared.value
        let document = try await get(s.base + "/api?f=json").json
        let q = ((document["components"] as? [String: Any])?["parameters"] as? [String: Any])?["q"] as? [String: Any]
        let pattern = try #require((q?["schema"] as? [String: Any])?["pattern"] as? String)
        let regex = try NSRegularExpression(pattern: pattern)
        func encoded(_ text: String) -> String {  // every byte beyond ASCII letters and digits percent-encoded
            text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))!
        }
        func matches(_ text: String) -> Bool {
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        for text in ["Chợ Bình Thới", "ĐƯỜNG Lạc Long Quân", "cho binh thoi", "Sạp A-8, thịt heo", "ỹ",
                     "Chợ Bình Thới".decomposedStringWithCanonicalMapping, "12/3 Lạc Long Quân",
                     "Hộ Bà Hai (chợ)", "O'Brien & Co.", "“Sạp #12”: rau; củ!", "Lô A–B", "vàng 100%", "Chợ\u{A0}Thiếc"] {
            #expect(matches(text), "\(text)")
            let answer = try await get(s.base + "/collections/units/items?limit=1&q=" + encoded(text))
            #expect(answer.status == 200, "\(text): \(answer.status)")
        }
        #expect(try await get(s.base + "/collections/units/items?limit=1&q=" + encoded("Chợ Bình Thới")).json["numberMatched"] as? Int ?? 0 >= 1)
        for text in ["", " , . -", "×", "÷"] {
            #expect(!matches(text), "\(text)")
            #expect(try await get(s.base + "/collections/units/items?limit=1&q=" + encoded(text)).status == 400, "\(text)")
        }
        // Named as the client sent it: q, not the library's "search".
        for text in ["%", "*", "\""] {
            let r = try await get(s.base + "/collections/units/items?limit=1&q=" + encoded(text))
            #expect(r.status == 400 && (r.json["description"] as? String)?.hasPrefix("q: ") == true, "\(text): \(r.text.prefix(300))")
        }
    }

    @Test func eachCollectionsItemsPathListsItsPropertyFilters() async throws {
        let s = try await TestServer.shared.value
        let paths = try await get(s.base + "/api?f=json").json["paths"] as? [String: [String: Any]] ?? [:]
        func parameters(_ id: String) -> [String: [String: Any]] {
            let list = (paths["/collections/\(id)/items"]?["get"] as? [String: Any])?["parameters"] as? [[String: Any]] ?? []
            return Dictionary(list.compactMap { p in (p["name"] as? String).map { ($0, p) } }) { a, _ in a }
        }
        let units = parameters("units")
        #expect((units["kind"]?["schema"] as? [String: Any])?["pattern"] as? String != nil)
        #expect((units["version"]?["schema"] as? [String: Any])?["type"] as? String == "integer")
        #expect((parameters("wards")["area_km2"]?["schema"] as? [String: Any])?["type"] as? String == "number")
        #expect(parameters("inspections")["fine_vnd"] != nil && parameters("inspections")["kind"] != nil)
        // And the filter the document offers is the one the server applies.
        let byParameter = try await get(s.base + "/collections/units/items?limit=1&kind=market,market_stall").json["numberMatched"] as? Int
        let byFilter = try await get(s.base + "/collections/units/items?limit=1&filter=" + FilterAndCRSTests.encoded("kind IN ('market','market_stall')")).json["numberMatched"] as? Int
        #expect(byParameter != nil && byParameter == byFilter)
    }
}
