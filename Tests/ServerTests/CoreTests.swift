import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Registry
@testable import Server
import Synchronization
import Testing

/// Part 1 Core over HTTP: the documents, paging with numberMatched and next links, limits, ids, ETags.
@Suite struct CoreTests {
    @Test func landingConformanceAndCollections() async throws {
        let s = try await TestServer.shared.value
        let landing = try await get(s.base + "/")
        #expect(landing.status == 200)
        let rels = (landing.json["links"] as? [[String: Any]] ?? []).compactMap { $0["rel"] as? String }
        #expect(Set(rels).isSuperset(of: ["self", "service-desc", "conformance", "data"]))
        let conformance = try await get(s.base + "/conformance").json["conformsTo"] as? [String] ?? []
        #expect(conformance.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"))
        #expect(conformance.contains("http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter"))
        let collections = try await get(s.base + "/collections").json["collections"] as? [[String: Any]] ?? []
        #expect(collections.compactMap { $0["id"] as? String } == ["units", "markets", "stalls", "instruments", "due", "wards", "inspections"])
        let units = try await get(s.base + "/collections/units").json
        #expect(units["storageCrs"] as? String == "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
        #expect((units["crs"] as? [String])?.contains("http://www.opengis.net/def/crs/EPSG/0/3405") == true)
        let html = try await get(s.base + "/collections?f=html")
        #expect(html.header("Content-Type")?.hasPrefix("text/html") == true && html.text.contains("<a href=\"/collections/units?f=html\">"))
    }

    /// OGC's test suite: numberMatched equals the features over all next links, numberReturned each page's features,
    /// timeStamp present; and the total equals the database's own count of units registered by the date. Each page's prev link
    /// leads back to the page before it.
    @Test(arguments: ["units", "wards", "instruments", "inspections"])
    func nextLinksCoverNumberMatched(collection: String) async throws {
        let s = try await TestServer.shared.value
        var url: String? = s.base + "/collections/\(collection)/items?limit=250&sortby=-name"
        if collection != "units" && collection != "wards" { url = s.base + "/collections/\(collection)/items?limit=250" }
        var ids = Set<Int>()
        var matched: Int?
        var pages = 0
        var total = 0
        var previousIds: [Int]?
        while let u = url {
            let page = try await get(u)
            #expect(page.status == 200, "\(u): \(page.text.prefix(300))")
            let json = page.json
            let features = json["features"] as? [[String: Any]] ?? []
            #expect(json["numberReturned"] as? Int == features.count)
            #expect(json["timeStamp"] is String)
            if matched == nil { matched = json["numberMatched"] as? Int } else { #expect(json["numberMatched"] as? Int == matched) }
            for f in features { ids.insert(f["id"] as! Int) }
            total += features.count
            // The prev link (an offset) leads back to the page before, feature for feature; the first page has none.
            let links = json["links"] as? [[String: Any]] ?? []
            let prev = links.first { $0["rel"] as? String == "prev" }?["href"] as? String
            let pageIds = features.map { $0["id"] as! Int }
            if let before = previousIds {
                let back = try await get(try #require(prev, "page \(pages + 1) of \(collection) has no prev link"))
                #expect((back.json["features"] as? [[String: Any]] ?? []).map { $0["id"] as! Int } == before, "\(prev ?? "")")
            } else {
                #expect(prev == nil)
            }
            previousIds = pageIds
            url = links.first { $0["rel"] as? String == "next" }?["href"] as? String
            pages += 1
            if pages > 100 { break }
        }
        #expect(ids.count == matched && total == matched)
        let expected = try await s.database().read { db -> Int in
            switch collection {
            case "units": try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE registered_on IS NULL OR registered_on <= ?", arguments: [TestServer.today.description])!
            case "wards": try Int.fetchOne(db, sql: "SELECT count(*) FROM admin_units WHERE level = 'ward' AND valid_from <= ?1 AND (valid_to IS NULL OR valid_to >= ?1)", arguments: [TestServer.today.description])!
            case "inspections": try Int.fetchOne(db, sql: """
                SELECT count(*) FROM inspections i JOIN economic_units u ON u.id = i.unit_id
                WHERE i.inspected_on <= ? AND i.status IN ('done', 'closed')
                """, arguments: [TestServer.today.description])!  // past inspections only: planned and cancelled ones found nothing
            default: try Int.fetchOne(db, sql: """
                SELECT count(*) FROM measuring_instruments i JOIN economic_units u ON u.id = i.unit_id
                WHERE u.registered_on IS NULL OR u.registered_on <= ?
                """, arguments: [TestServer.today.description])!  // of units of every status, as `instruments list`
            }
        }
        #expect(matched == expected)
        #expect(expected > 0)
    }

    @Test func limitAboveTheMaximumAnswersTheMaximum() async throws {
        let s = try await TestServer.shared.value
        let page = try await get(s.base + "/collections/units/items?limit=20000&properties=code")
        #expect(page.status == 200)
        let returned = page.json["numberReturned"] as? Int ?? -1
        let matched = page.json["numberMatched"] as? Int ?? -1
        #expect(returned == min(10_000, matched))
        let huge = try await get(s.base + "/collections/units/items?limit=99999999999999999999999&properties=code")
        #expect(huge.status == 200 && huge.json["numberReturned"] as? Int == returned)
        let dflt = try await get(s.base + "/collections/units/items")
        #expect(dflt.json["numberReturned"] as? Int == 10)
    }

    @Test func featureById() async throws {
        let s = try await TestServer.shared.value
        let first = (try await get(s.base + "/collections/units/items?limit=1").json["features"] as? [[String: Any]])?.first
        let id = try #require(first?["id"] as? Int)
        let one = try await get(s.base + "/collections/units/items/\(id)")
        #expect(one.status == 200)
        #expect(one.json["type"] as? String == "Feature" && one.json["id"] as? Int == id)
        #expect((one.json["properties"] as? [String: Any])?["code"] as? String == (first?["properties"] as? [String: Any])?["code"] as? String)
        #expect(try await get(s.base + "/collections/units/items/999999999").status == 404)
        #expect(try await get(s.base + "/collections/nothing/items").status == 404)
        // A path as a client may encode it (RFC 3986 §2.1): the same feature; escapes that are not UTF-8 name nothing.
        let digits = String(id).unicodeScalars.map { "%3" + String($0) }.joined()
        let encoded = try await get(s.base + "/collections/unit%73/items/" + digits)
        #expect(encoded.status == 200 && encoded.json["id"] as? Int == id, "\(encoded.status)")
        #expect(try await get(s.base + "/collections/unit%73/items").status == 200)
        #expect(try await get(s.base + "/collections/units/items/%FF").status == 400)
        #expect(try await get(s.base + "/collections/%FF/items").status == 404)
    }

    @Test func propertyFiltersSortAndProperties() async throws {
        let s = try await TestServer.shared.value
        let page = try await get(s.base + "/collections/units/items?kind=market&sortby=-code&properties=code,kind&limit=100")
        let features = page.json["features"] as? [[String: Any]] ?? []
        let props = features.compactMap { $0["properties"] as? [String: Any] }
        #expect(!props.isEmpty && props.allSatisfy { $0["kind"] as? String == "market" && $0.count == 2 })
        let codes = props.compactMap { $0["code"] as? String }
        #expect(codes == codes.sorted(by: >))
        let marketCount = try await s.database().read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE kind = 'market' AND (registered_on IS NULL OR registered_on <= ?)",
                             arguments: [TestServer.today.description])!
        }
        #expect(page.json["numberMatched"] as? Int == marketCount)
    }

    /// q ignores diacritics and case: "cho" finds the Chợ (market) names.
    @Test func searchIgnoresDiacritics() async throws {
        let s = try await TestServer.shared.value
        let plain = try await get(s.base + "/collections/markets/items?q=CHO&limit=100").json
        let accented = try await get(s.base + "/collections/markets/items?q=ch%E1%BB%A3&limit=100").json
        #expect((plain["numberMatched"] as? Int ?? 0) > 0)
        #expect(plain["numberMatched"] as? Int == accented["numberMatched"] as? Int)
    }

    @Test func eTagAnswers304() async throws {
        let s = try await TestServer.shared.value
        let first = try await get(s.base + "/collections/units/items?limit=5")
        let etag = try #require(first.header("ETag"))
        let again = try await get(s.base + "/collections/units/items?limit=5", headers: ["If-None-Match": etag])
        #expect(again.status == 304)
        let other = try await get(s.base + "/collections/units/items?limit=6", headers: ["If-None-Match": etag])
        #expect(other.status == 200)
        // Compared weakly (RFC 9110 §13.1.2): the tag without W/ matches too. The 304 varies as the 200 did.
        let strong = try await get(s.base + "/collections/units/items?limit=5", headers: ["If-None-Match": String(etag.dropFirst(2))])
        #expect(strong.status == 304)
        #expect(strong.header("Vary")?.contains("Accept-Encoding") == true, "\(strong.headers)")
        // Without `f` the Accept header chooses HTML or JSON: every answer says so to caches.
        for path in ["/collections", "/collections/units/items?limit=1"] {
            let r = try await get(s.base + path, headers: ["Accept": "text/html"])
            #expect(r.header("Content-Type")?.hasPrefix("text/html") == true && r.header("Vary")?.contains("Accept") == true, "\(path): \(r.headers)")
        }
    }

    /// A request without `datetime` reads today's registry: on a new day its tag and its count are new, even with
    /// the database unchanged.
    @Test func aNewDayIsANewVersion() async throws {
        let s = try await TestServer.shared.value
        let day = Mutex(TestServer.today)
        let (port, task) = try await TestServer.startOwn(ServerSettings(databasePath: s.databasePath, port: 0, today: { day.withLock { $0 } }))
        defer { task.cancel() }
        // The units registered by a day: the last registration day of the demo, then the day before it.
        let last = try #require(try await get(s.base + "/collections/units/items?limit=1&sortby=-registered_on&properties=registered_on")
            .json["features"].flatMap { ($0 as? [[String: Any]])?.first?["properties"] as? [String: Any] }?["registered_on"] as? String)
        let lastDay = try #require(LocalDate(iso: last))
        let url = "http://127.0.0.1:\(port)/collections/units/items?limit=1"
        day.withLock { $0 = lastDay }
        let first = try await get(url)
        let etag = try #require(first.header("ETag"))
        day.withLock { $0 = lastDay.adding(days: -1) }
        let next = try await get(url, headers: ["If-None-Match": etag])
        #expect(next.status == 200 && next.header("ETag") != etag)
        let before = try #require(first.json["numberMatched"] as? Int), after = try #require(next.json["numberMatched"] as? Int)
        #expect(after < before, "numberMatched \(before) on \(lastDay), \(after) the day before")
    }

    /// Clients that hang up during a 10 000-feature page stop its read; the server goes on answering.
    @Test func clientsLeavingMidStream() async throws {
        let s = try await TestServer.shared.value
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await offThePool { try hangUpAfterFirstBytes(port: s.port, target: "/collections/units/items?limit=10000") }
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .seconds(1))
        let after = try await get(s.base + "/collections/units/items?limit=3")
        #expect(after.status == 200 && after.json["numberReturned"] as? Int == 3)
    }

    /// 32 full pages at once all complete, each with every feature.
    @Test func concurrentLargePagesAllComplete() async throws {
        let s = try await TestServer.shared.value
        let returned = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<32 {
                group.addTask {
                    let page = try await get(s.base + "/collections/units/items?limit=10000&properties=code,name&sortby=\(i % 2 == 0 ? "" : "-")code")
                    return page.json["numberReturned"] as? Int ?? -1
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let matched = try await get(s.base + "/collections/units/items?limit=1").json["numberMatched"] as? Int
        #expect(returned.count == 32 && returned.allSatisfy { $0 == matched })
    }

    @Test func corsForBrowsers() async throws {
        let s = try await TestServer.shared.value
        let origin = ["Origin": "https://geojson.io"]
        let r = try await get(s.base + "/collections/units/items?limit=1", headers: origin)
        #expect(r.header("Access-Control-Allow-Origin") == "*")
        // A script may read the CRS and the tag (the Fetch standard reads this header from the response itself).
        #expect(r.header("Access-Control-Expose-Headers")?.contains("Content-Crs") == true, "\(r.headers)")
        // Refusals keep their status and OGC body for a browser too, with the header that lets its script read them.
        for (path, status) in [("/collections/nope/items", 404), ("/collections/units/items?limit=abc", 400),
                               ("/collections/units/items/99999999", 404), ("/nothing", 404)] {
            let e = try await get(s.base + path, headers: origin)
            #expect(e.status == status && e.json["code"] is String, "\(path): \(e.status) \(e.text.prefix(200))")
            #expect(e.header("Access-Control-Allow-Origin") == "*", "\(path): \(e.headers)")
        }
        // The preflight a browser sends before a conditional request (If-None-Match is not a safelisted header).
        var preflight = URLRequest(url: URL(string: s.base + "/collections/units/items?limit=1")!)
        preflight.httpMethod = "OPTIONS"
        preflight.setValue("https://geojson.io", forHTTPHeaderField: "Origin")
        preflight.setValue("GET", forHTTPHeaderField: "Access-Control-Request-Method")
        preflight.setValue("if-none-match", forHTTPHeaderField: "Access-Control-Request-Headers")
        let (_, response) = try await URLSession.shared.data(for: preflight)
        let http = response as! HTTPURLResponse
        #expect((200..<300).contains(http.statusCode), "preflight: \(http.statusCode)")
        #expect(http.value(forHTTPHeaderField: "Access-Control-Allow-Origin") == "*")
        #expect(http.value(forHTTPHeaderField: "Access-Control-Allow-Methods")?.contains("GET") == true)
        #expect(http.value(forHTTPHeaderField: "Access-Control-Allow-Headers")?.lowercased().contains("if-none-match") == true)
    }
}

/// Large pages go gzipped to clients that accept it, and read back as the same features.
@Suite struct CompressionTests {
    @Test func largePagesAreGzipped() async throws {
        let s = try await TestServer.shared.value
        let url = s.base + "/collections/units/items?limit=500&properties=code,name"
        let plain = try await get(url, headers: ["Accept-Encoding": "identity"])
        let zipped = try await get(url, headers: ["Accept-Encoding": "gzip"])
        #expect(plain.header("Content-Encoding") == nil)
        // A quality of 0 refuses a coding (RFC 9110 §12.5.3); `*` stands for codings not named.
        for (accept, gzipped) in [("gzip;q=0, identity", false), ("br, *;q=0.5", true), ("*;q=0", false), ("deflate, GZIP;q=0.3", true)] {
            let r = try await get(url, headers: ["Accept-Encoding": accept])
            #expect((r.header("Content-Encoding") == "gzip") == gzipped, "\(accept): \(r.headers)")
        }
        #expect(zipped.header("Content-Encoding") == "gzip")
        let a = (plain.json["features"] as? [[String: Any]])?.map { $0["id"] as? Int }
        let b = (zipped.json["features"] as? [[String: Any]])?.map { $0["id"] as? Int }
        #expect(a != nil && a?.count == 500 && a! == b!)
    }

    /// A page within one chunk of the reading thread goes whole, with its length; a longer one is streamed chunk
    /// by chunk. Gzipped or not, each reads back as the same complete page (its timeStamp aside).
    @Test func pagesGoWholeOrStreamedAndReadTheSameGzipped() async throws {
        let s = try await TestServer.shared.value
        let stamp = #/"timeStamp":"[^"]*"/#
        for (limit, streamed) in [(100, false), (10_000, true)] {
            let url = s.base + "/collections/units/items?limit=\(limit)"
            let plain = try await get(url, headers: ["Accept-Encoding": "identity"])
            let zipped = try await get(url, headers: ["Accept-Encoding": "gzip"])
            #expect(zipped.header("Content-Encoding") == "gzip")
            #expect((plain.body.count > FeaturePage.chunkSize) == streamed, "limit \(limit): \(plain.body.count) bytes")
            #expect((plain.header("Content-Length") == nil) == streamed, "limit \(limit): \(plain.headers)")
            let features = (plain.json["features"] as? [Any])?.count
            #expect(features != nil && features == plain.json["numberReturned"] as? Int
                    && features == min(limit, plain.json["numberMatched"] as? Int ?? -1), "limit \(limit)")
            #expect(plain.text.replacing(stamp, with: "") == zipped.text.replacing(stamp, with: ""), "limit \(limit)")
            // HEAD says the length the GET sends (it said 0 for a streamed page), and sends no body.
            var head = URLRequest(url: URL(string: url)!)
            head.httpMethod = "HEAD"
            head.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
            let (headBody, headResponse) = try await URLSession.shared.data(for: head)
            let headers = (headResponse as? HTTPURLResponse)?.allHeaderFields as? [String: String] ?? [:]
            let length = headers.first { $0.key.lowercased() == "content-length" }?.value
            #expect(length == String(plain.body.count) && headBody.isEmpty, "limit \(limit): HEAD \(headers)")
        }
    }
}
