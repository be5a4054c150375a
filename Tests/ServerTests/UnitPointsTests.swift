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
        let located = try reader.store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM economic_units WHERE geom IS NOT NULL") }
        #expect(points.count == located)
        try UnitBoxCellsTests.expectPagesEqualSQL(reader.store, rounds: 24, points: points)
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
}
