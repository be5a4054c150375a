import Foundation
import Server
import Testing

/// Bad and hostile parameters: each a 400 (or 404 for unknown things) with an OGC exception body naming the
/// parameter, never a 500, and the database file unchanged afterwards.
@Suite struct HostileInputTests {
    static let badRequests: [String] = [
        "/collections/units/items?filter=name%20%3D%20'x'%3B%20DROP%20TABLE%20economic_units%3B--",
        "/collections/units/items?filter=code%3D'1'%20OR%201%3D1)%3B%20DELETE%20FROM%20economic_units%3B--",
        "/collections/units/items?filter=%22code%22%22%3B%20DROP%20TABLE%20x%3B--%22%20%3D%201",
        "/collections/units/items?sortby=code%3B%20DROP%20TABLE%20economic_units",
        "/collections/units/items?sortby=name,-code%20DESC%3B%20DROP%20TABLE%20economic_units",
        "/collections/units/items?properties=code,(SELECT%20sql%20FROM%20sqlite_master)",
        "/collections/units/items?kind=market'%20OR%20'1'%3D'1",
        "/collections/units/items?status=active%3BDELETE",
        "/collections/units/items/1%20OR%201%3D1",
        "/collections/units/items/99999999999999999999999999",
        "/collections/units/items?limit=-1",
        "/collections/units/items?limit=abc",
        "/collections/units/items?offset=-5",
        "/collections/units/items?offset=1e400",
        "/collections/units/items?bbox=1,2,3",
        "/collections/units/items?bbox=106,10,105,11",
        "/collections/units/items?bbox=1e400,0,1,1",
        "/collections/units/items?bbox=0,0,200,1",
        "/collections/units/items?crs=EPSG:99999",
        "/collections/units/items?bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326",
        "/collections/units/items?filter=code%20%3D",
        "/collections/units/items?filter=nosuchproperty%20%3D%201",
        "/collections/units/items?filter=version%20%3D%201e400",
        "/collections/units/items?filter-lang=sql&filter=1%3D1",
        "/collections/units/items?filter-lang=cql2-json&filter=%7B%22op%22%3A%22%3D%22",
        "/collections/units/items?q=%C3%28",
        "/collections/units/items?q=%FF%FE",
        "/collections/units/items?datetime=2025-02-30",
        "/collections/units/items?cursor=garbage",
        "/collections/units/items?nosuchparameter=1",
        "/collections/units/items?limit=1&limit=2",
        "/collections/units/items?f=xml",
        "/collections/units/items?version=abc",
        // Numbers at Int64's ends, which once trapped on overflow and ended the server.
        "/collections/units/items?version=-9223372036854775808",
        "/collections/units/items?limit=2&cursor=9223372036854775807.WzJd",
        "/collections/stalls/items?bbox=106.64,10.755,106.655,10.77&offset=9223372036854775807",
        "/collections/units/items?offset=1000000000001",
    ]

    @Test func eachIsRefusedAndNothingChanges() async throws {
        let s = try await TestServer.shared.value
        let before = try s.fileDigest()
        for path in HostileInputTests.badRequests {
            let r = try await get(s.base + path)
            #expect(r.status == 400, "\(path): \(r.status) \(r.text.prefix(300))")
            #expect(r.json["code"] is String && (r.json["description"] as? String)?.isEmpty == false, "\(path): \(r.text.prefix(300))")
        }
        // Malformed percent-encoding and UTF-8, sent as raw bytes.
        for target in ["/collections/units/items?q=%zz", "/collections/units/items?q=%E1%BB", "/collections/units/items?filter=name%3D%27%C0%80%27",
                       "/collections/units/items?limit=%", "/collections/units/items?%ZZ=1"] {
            #expect(try await rawStatus(port: s.port, target: target) == 400, "\(target)")
        }
        // Deep nesting and a huge filter.
        let deep = String(repeating: "(", count: 5_000) + "version = 1" + String(repeating: ")", count: 5_000)
        let deepNot = String(repeating: "NOT ", count: 5_000) + "version = 1"
        for filter in [deep, deepNot] {
            let r = try await get(s.base + "/collections/units/items?filter=" + filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(r.status == 400, "\(r.text.prefix(200))")
        }
        // The same in cql2-json: nested arrays and nested not.
        let deepJSON = String(repeating: "[", count: 5_000) + "1" + String(repeating: "]", count: 5_000)
        let deepJSONNot = String(repeating: #"{"op":"not","args":["#, count: 5_000) + #"{"op":"=","args":[{"property":"version"},1]}"#
            + String(repeating: "]}", count: 5_000)
        for filter in [#"{"op":"in","args":[{"property":"version"},"# + deepJSON + "]}", deepJSONNot] {
            let r = try await get(s.base + "/collections/units/items?filter-lang=cql2-json&filter=" + filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(r.status == 400 && r.json["code"] is String, "\(r.status) \(r.text.prefix(200))")
        }
        #expect(try s.fileDigest() == before)
        // The largest offset taken, in a box (whose page adds its length to the offset): an empty page.
        let far = try await get(s.base + "/collections/stalls/items?bbox=106.64,10.755,106.655,10.77&offset=\(1_000_000_000_000)")
        #expect(far.status == 200 && far.json["numberReturned"] as? Int == 0, "\(far.status) \(far.text.prefix(300))")
        let units = try await get(s.base + "/collections/units/items?limit=1")
        #expect(units.status == 200 && (units.json["numberMatched"] as? Int ?? 0) > 0)
    }

    /// A page whose database work outlasts the time limit is stopped and refused, naming the limit.
    @Test func timeLimitStopsLongQueries() async throws {
        let s = try await TestServer.shared.value
        let (port, task) = try await TestServer.startOwn(ServerSettings(databasePath: s.databasePath, port: 0, timeLimit: 0.000_001,
                                                                         today: { TestServer.today }))
        defer { task.cancel() }
        let r = try await get("http://127.0.0.1:\(port)/collections/units/items?limit=10000&filter=" + "name LIKE '%a%'".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
        #expect(r.status == 400 && (r.json["description"] as? String ?? "").contains("time limit"), "\(r.status) \(r.text.prefix(300))")
        #expect(try await get(s.base + "/collections/units/items?limit=10000&properties=code").status == 200)
    }

    @Test func unknownThingsAre404() async throws {
        let s = try await TestServer.shared.value
        for path in ["/nothing", "/collections/units%27%3B--/items", "/collections/units/items/123456789"] {
            let r = try await get(s.base + path)
            #expect(r.status == 404, "\(path): \(r.status)")
            #expect(r.json["code"] as? String == "NotFound", "\(path): \(r.text.prefix(200))")
        }
    }
}
