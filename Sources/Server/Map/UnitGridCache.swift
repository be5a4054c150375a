import Foundation
import Registry

/// City-scale unit counts without counting a million units per pan: a fine grid over the units' extent is
/// counted once per database version, date and kinds, and a view that holds many units adds its cells up; a
/// view with few units is counted exactly by SQL.
final class UnitGridCache: @unchecked Sendable {
    /// Cells per side of the fine grid: about 20 m over a district, finer than any view's grid cells.
    static let fineCells = 256
    /// Views whose fine estimate holds fewer units than this are counted by SQL (fast enough, and exact).
    static let exactBelow = 20_000
    private let fine = VersionedCounts<UnitGridCounts.Grid?>()

    /// The counts of `box` in `columns` × `rows` cells for `filter`.
    func grid(_ box: BoundingBox, columns: Int, rows: Int, filter: UnitFilter, version: String,
              counts: UnitGridCounts) throws -> UnitGridCounts.Grid {
        guard let whole = try fineGrid(filter: filter, version: version, counts: counts),
              whole.estimate(in: box) >= UnitGridCache.exactBelow else {
            return try counts.grid(box, columns: columns, rows: rows, filter: filter)
        }
        return whole.regrid(box, columns: columns, rows: rows)
    }

    /// The fine grid of `filter`'s date and kinds over the units' extent, counted on first use (nil without units).
    /// Every placed unit is counted once per version; a date's grid without kinds is that, less the units
    /// registered after the date: picking a past date on the map costs its late registrations, not the registry.
    @discardableResult
    func fineGrid(filter: UnitFilter, version: String, counts: UnitGridCounts) throws -> UnitGridCounts.Grid? {
        let n = UnitGridCache.fineCells
        var all: UnitGridCounts.Grid?
        if filter.kinds.isEmpty && filter.statuses.isEmpty {
            all = try fine.value(version: version, key: "every placed unit") {
                guard let extent = try counts.extent() else { return nil }
                return try counts.grid(extent, columns: n, rows: n, filter: UnitFilter(asOf: UnitGridCounts.everyRegistration))
            }
        }
        let key = filter.asOf.description + "|" + filter.kinds.map(\.rawValue).joined(separator: ",")
        return try fine.value(version: version, key: key) {
            guard let extent = try all?.box ?? counts.extent() else { return nil }
            return try counts.grid(extent, columns: n, rows: n, filter: filter, allPlaced: all)
        }
    }
}
