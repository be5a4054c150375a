import Foundation
import GRDB
import Registry
import Server
import Testing

/// Box pages of the unit layers take their numberMatched and ids from UnitPoints (the located units in memory, once read)
/// when the filter allows; each page, count and next cursor must be the ones the SQL gives for the same request,
/// with box edges on units' own coordinates (BETWEEN includes them), other dates, kinds, statuses and offsets.
@Suite struct UnitPointsTests {
    @Test func boxPagesFromThePointsAreSQLsPages() async throws {
        let s = try await TestServer.shared.value
        let reader = try RegistryReader(path: s.databasePath)
        let points = try #require(try UnitPoints.read(reader.store))
        let layers = FeatureLayers(store: reader.store)
        let corners = try await s.database().read { db in
            try Row.fetchAll(db, sql: "SELECT ST_X(geom), ST_Y(geom) FROM economic_units WHERE geom IS NOT NULL ORDER BY id")
                .map { ($0[0] as Double, $0[1] as Double) }
        }
        #expect(points.count == corners.count && corners.count > 200)
        var generator = SplitMix(seed: 12)
        let variants: [(FeatureLayer, [UnitKind], [UnitStatus])] = [
            (.units, [], []), (.units, [.enterprise, .household_business], []), (.units, [], [.active, .suspended]),
            (.markets, [], []), (.stalls, [], [.active]),
        ]
        var pagesCompared = 0
        for round in 0..<24 {
            // Two units' points as opposite corners: both lie on the box's edges.
            let a = corners[Int(generator.next() % UInt64(corners.count))], b = corners[Int(generator.next() % UInt64(corners.count))]
            let box = try BoundingBox(minLon: min(a.0, b.0), minLat: min(a.1, b.1), maxLon: max(a.0, b.0), maxLat: max(a.1, b.1))
            let (layer, kinds, statuses) = variants[round % variants.count]
            var filter = UnitFilter(asOf: round % 3 == 0 ? LocalDate(iso: "2018-06-30")! : TestServer.today)
            filter.bbox = box
            filter.kinds = kinds
            filter.statuses = statuses
            for limit in [3, 40] {
                var after: PageCursor?
                for pageNumber in 0..<25 {
                    var selection = FeatureSelection()
                    selection.page = try PageRequest(limit: limit, offset: pageNumber == 0 && round % 2 == 1 ? 2 : 0, after: after)
                    #expect(points.choose(layer, filter: filter, selection: selection) != nil)
                    let fromPoints = try Self.page(layers, layer, filter, selection, points)
                    let fromSQL = try Self.page(layers, layer, filter, selection, nil)
                    #expect(fromPoints.matched == fromSQL.matched && fromPoints.ids == fromSQL.ids && fromPoints.next == fromSQL.next,
                            "\(layer) \(box) limit \(limit) page \(pageNumber): \(fromPoints) vs \(fromSQL)")
                    pagesCompared += 1
                    guard let next = fromSQL.next else { break }
                    after = next
                }
            }
        }
        #expect(pagesCompared > 100)
    }

    /// Filters the points cannot answer exactly are the SQL's: no box, a search, a ward, a sort, a condition.
    @Test func otherFiltersAreLeftToTheSQL() async throws {
        let s = try await TestServer.shared.value
        let points = try #require(try UnitPoints.read(try RegistryReader(path: s.databasePath).store))
        var filter = UnitFilter(asOf: TestServer.today)
        var selection = FeatureSelection()
        selection.page = try PageRequest(limit: 10)
        #expect(points.choose(.units, filter: filter, selection: selection) == nil)
        filter.bbox = try BoundingBox(minLon: 106.6, minLat: 10.7, maxLon: 106.7, maxLat: 10.8)
        #expect(points.choose(.units, filter: filter, selection: selection) != nil)
        #expect(points.choose(.instruments, filter: filter, selection: selection) == nil)
        var searching = filter
        searching.search = "pho"
        #expect(points.choose(.units, filter: searching, selection: selection) == nil)
        var sorted = selection
        sorted.sortBy = [FeatureSortKey(property: "name")]
        #expect(points.choose(.units, filter: filter, selection: sorted) == nil)
        var conditioned = selection
        conditioned.conditions = ["f.\"code\" = 'x'"]
        #expect(points.choose(.units, filter: filter, selection: conditioned) == nil)
        selection.page = try PageRequest(limit: 100, offset: UnitPoints.deepest)
        #expect(points.choose(.units, filter: filter, selection: selection) == nil)
    }

    static func page(_ layers: FeatureLayers, _ layer: FeatureLayer, _ filter: UnitFilter, _ selection: FeatureSelection,
                     _ points: UnitPoints?) throws -> (matched: Int?, ids: [Int64], next: PageCursor?) {
        var matched: Int?
        var ids: [Int64] = []
        let next = try layers.page(layer, filter: filter, selection: selection, points: points, begin: { _, n in matched = n }) { row in
            ids.append(row.int64(0))
        }
        return (matched, ids, next)
    }
}
