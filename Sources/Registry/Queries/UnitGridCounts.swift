import GRDB

/// How many units lie in each cell of a grid over a box: what a map shows at city scale instead of the units
/// themselves. Counted by SQLite from the units' spatial index (its boxes are the points), so no geometry is read.
public struct UnitGridCounts: Sendable {
    public struct Cell: Sendable, Hashable {
        public var column: Int
        public var row: Int
        public var count: Int
        /// The mean position of the cell's units: where a map puts the count.
        public var lon: Double
        public var lat: Double
    }

    public struct Grid: Sendable {
        public var box: BoundingBox
        public var columns: Int
        public var rows: Int
        public var total: Int
        public var cells: [Cell]
    }

    public let store: RegistryStore
    /// A date after every registration: its grid holds every placed unit.
    public static let everyRegistration = LocalDate(year: 9999, month: 12, day: 31)!

    public init(store: RegistryStore) { self.store = store }

    /// The box around every placed unit, from the spatial index's root (no unit is read); nil without any.
    public func extent() throws -> BoundingBox? {
        try store.read { db in
            struct Extent: Decodable, FetchableRecord { var x0, y0, x1, y1: Double? }
            guard let extent = try Extent.fetchOne(db, sql: """
                SELECT min(xmin) AS x0, min(ymin) AS y0, max(xmax) AS x1, max(ymax) AS y1 FROM idx_economic_units_geom
                """), let x0 = extent.x0, let y0 = extent.y0, let x1 = extent.x1, let y1 = extent.y1 else { return nil }
            return try? BoundingBox(minLon: x0, minLat: y0, maxLon: x1, maxLat: y1)
        }
    }

    /// The units of `filter` (registered by its date, of its kinds) in `box`, counted per cell of a
    /// `columns` × `rows` grid; empty cells are left out. `allPlaced`, every placed unit counted over the same box
    /// and cells (a server keeps it), saves the index count when the units registered later are taken off it.
    public func grid(_ box: BoundingBox, columns: Int, rows: Int, filter: UnitFilter, allPlaced: Grid? = nil) throws -> Grid {
        guard (1...256).contains(columns), (1...256).contains(rows) else {
            throw RegistryError.invalidArgument(field: "cells", value: "\(columns)x\(rows)", expected: "1 to 256 columns and rows")
        }
        let dx = max(box.maxLon - box.minLon, 1e-9) / Double(columns)
        let dy = max(box.maxLat - box.minLat, 1e-9) / Double(rows)
        var conditions: [SQL] = [
            "r.xmax >= \(box.minLon) AND r.xmin <= \(box.maxLon) AND r.ymax >= \(box.minLat) AND r.ymin <= \(box.maxLat)",
            "(u.registered_on IS NULL OR u.registered_on <= \(filter.asOf.description))",
        ]
        if !filter.kinds.isEmpty { conditions.append("u.kind IN \(filter.kinds.map(\.rawValue))") }
        if !filter.statuses.isEmpty { conditions.append("u.status IN \(filter.statuses.map(\.rawValue))") }
        let cells = try store.read { db in
            // Only the units' table can say "registered by then" or a kind. Without a kind, the index alone counts
            // every placed unit (a million: about 5 times faster than reading the table), and the units registered
            // after the date, walked through their date's index, are taken off again: a past date costs its late
            // registrations, not the registry. When most units came later, they are counted directly instead.
            let date = filter.asOf.description
            // The late ones are counted up to half the registry (its largest id, read from the end of the table).
            let half = (try Int.fetchOne(db, sql: "SELECT max(id) FROM economic_units") ?? 0) / 2
            let late = try Int.fetchOne(db, SQLRequest<Int>(literal: """
                SELECT count(*) FROM (SELECT 1 FROM economic_units WHERE registered_on > \(date) LIMIT \(half + 1))
                """)) ?? 0
            let plain = filter.kinds.isEmpty && filter.statuses.isEmpty
            let cell: SQL = """
                min(\(columns - 1), max(0, CAST((r.xmin - \(box.minLon)) / \(dx) AS INTEGER))) AS gx,
                min(\(rows - 1), max(0, CAST((r.ymin - \(box.minLat)) / \(dy) AS INTEGER))) AS gy,
                count(*) AS n, sum(r.xmin) AS x, sum(r.ymin) AS y
                """
            struct CellSum: Decodable, FetchableRecord { var gx, gy, n: Int; var x, y: Double }
            func sums(_ from: SQL, _ used: [SQL]) throws -> [Int: (n: Int, x: Double, y: Double)] {
                var sums: [Int: (n: Int, x: Double, y: Double)] = [:]
                for counted in try CellSum.fetchAll(db, SQLRequest<CellSum>(literal: "SELECT \(cell) FROM \(from) WHERE \(used.joined(separator: " AND ")) GROUP BY gx, gy")) {
                    sums[counted.gy * columns + counted.gx] = (counted.n, counted.x, counted.y)
                }
                return sums
            }
            var counted: [Int: (n: Int, x: Double, y: Double)]
            if plain && late <= half {
                if let all = allPlaced, all.box == box, all.columns == columns, all.rows == rows {
                    counted = Dictionary(uniqueKeysWithValues: all.cells.map { c in
                        (c.row * columns + c.column, (n: c.count, x: c.lon * Double(c.count), y: c.lat * Double(c.count)))
                    })
                } else {
                    counted = try sums("idx_economic_units_geom r", [conditions[0]])
                }
                if late > 0 {
                    let taken = try sums("economic_units u CROSS JOIN idx_economic_units_geom r ON r.pkid = u.id",
                                         ["u.registered_on > \(date)", conditions[0]])
                    for (key, t) in taken {
                        let c = counted[key] ?? (0, 0, 0)
                        counted[key] = c.n == t.n ? nil : (c.n - t.n, c.x - t.x, c.y - t.y)
                    }
                }
            } else {
                counted = try sums("idx_economic_units_geom r JOIN economic_units u ON u.id = r.pkid", conditions)
            }
            return counted.sorted { $0.key < $1.key }.map { key, c in
                Cell(column: key % columns, row: key / columns, count: c.n, lon: c.x / Double(c.n), lat: c.y / Double(c.n))
            }
        }
        return Grid(box: box, columns: columns, rows: rows, total: cells.reduce(0) { $0 + $1.count }, cells: cells)
    }

}

extension UnitGridCounts.Grid {
    /// This grid's counts added up into a coarser `columns` × `rows` grid over `box`: each cell goes whole to the
    /// cell its units' mean position falls in. What a city-scale view asks of a finer grid counted once.
    public func regrid(_ box: BoundingBox, columns: Int, rows: Int) -> UnitGridCounts.Grid {
        let dx = max(box.maxLon - box.minLon, 1e-9) / Double(columns), dy = max(box.maxLat - box.minLat, 1e-9) / Double(rows)
        var sums: [Int: (n: Int, lon: Double, lat: Double)] = [:]
        for c in cells where c.lon >= box.minLon && c.lon <= box.maxLon && c.lat >= box.minLat && c.lat <= box.maxLat {
            let gx = min(columns - 1, Int((c.lon - box.minLon) / dx)), gy = min(rows - 1, Int((c.lat - box.minLat) / dy))
            let s = sums[gy * columns + gx] ?? (0, 0, 0)
            sums[gy * columns + gx] = (s.n + c.count, s.lon + c.lon * Double(c.count), s.lat + c.lat * Double(c.count))
        }
        let out = sums.sorted { $0.key < $1.key }.map { key, s in
            UnitGridCounts.Cell(column: key % columns, row: key / columns, count: s.n, lon: s.lon / Double(s.n), lat: s.lat / Double(s.n))
        }
        return UnitGridCounts.Grid(box: box, columns: columns, rows: rows, total: out.reduce(0) { $0 + $1.count }, cells: out)
    }

    /// How many of the grid's units lie in `box`, by their cells' mean positions.
    public func estimate(in box: BoundingBox) -> Int {
        cells.reduce(0) { n, c in
            c.lon >= box.minLon && c.lon <= box.maxLon && c.lat >= box.minLat && c.lat <= box.maxLat ? n + c.count : n
        }
    }
}
