import Foundation
import GRDB
import Registry
import Testing

/// Deep offsets go through the page-anchor cache (OffsetAnchors: from offset 20 000); the pages must be the ones
/// SQL's ORDER BY … LIMIT … OFFSET gives, with no, one and two sort keys (ties broken by id), first call and cached.
@Suite struct DeepOffsetTests {
    @Test func deepOffsetPagesAreSQLsPages() async throws {
        // 25 000 points with 97 distinct names and 5 values of g, so the sorts have long runs of ties.
        var text = #"{"type":"FeatureCollection","features":["#
        for i in 0..<25_000 {
            if i > 0 { text += "," }
            text += #"{"type":"Feature","properties":{"name":"p\#(i % 97)","n":\#(i),"g":\#(i % 5)},"geometry":{"type":"Point","coordinates":[\#(106.6 + Double(i % 500) * 0.0001),\#(10.7 + Double(i / 500) * 0.0001)]}}"#
        }
        text += "]}"
        let s = try await ReferenceServer(layers: [try ReferenceLayerTests.temporaryFile("points.geojson", text)])
        let db = try DatabaseQueue(path: s.databasePath, configuration: SpatiaLite.configuration(readonly: true))
        for (sortby, order) in [("", "id"), ("&sortby=-name", "name DESC, id DESC"), ("&sortby=name", "name, id"), ("&sortby=-name,g", "name DESC, g, id DESC")] {
            for offset in [20_000, 21_999, 23_457, 24_995] {
                let expected = try await db.read { try Int64.fetchAll($0, sql: "SELECT id FROM ref_points ORDER BY \(order) LIMIT 7 OFFSET \(offset)") }
                for _ in 0..<2 {
                    let page = try await get(s.base + "/collections/points/items?limit=7&offset=\(offset)\(sortby)").json
                    let ids = (page["features"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
                    #expect(ids == expected, "offset \(offset)\(sortby)")
                }
            }
        }
    }
}
