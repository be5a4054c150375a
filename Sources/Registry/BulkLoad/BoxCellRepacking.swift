import Foundation
import GRDB

/// Packs every box cell again (UnitBoxCells) from the located units as the packed R*Tree of their points reads
/// them, sorted by x (RTreeBuildReader): the units of one column of the grid come one after the other, so each
/// column is sorted by cell and id in memory and written. Packing a million new units from `unit_box_points` sorted
/// them all once more, 1.5 s of a 22 s import. What is held is one column's units, a strip 27 m wide.
///
/// Every geometry in `economic_units.geom` is a POINT (the column's constraint, which SpatiaLite's triggers check
/// and the import checks for its own rows before the R*Tree is built), and a point's box is the point: its x and y,
/// as `unit_box_points` takes them from ST_X and ST_Y. Anything else (a box that is not a point) leaves all cells
/// stale, for `UnitBoxCells.packStale` to pack from `unit_box_points`.
final class BoxCellRepacking: RTreeBuildReader {
    let column = "geom"
    /// The registration day, and the kind and status as a cell codes them (kind × 3 + status, NULL for any other
    /// text): an integer rather than two texts, so that what the R*Tree's sort carries grows less.
    let columns = ["registered_on", BoxCellRepacking.codeSQL]

    static let codeSQL = """
        CASE kind \(UnitBoxCells.kindCodes.enumerated().map { "WHEN '\($1)' THEN \($0 * 3)" }.joined(separator: " ")) END
        + CASE status \(UnitBoxCells.statusCodes.enumerated().map { "WHEN '\($1)' THEN \($0)" }.joined(separator: " ")) END
        """
    private let db: Database
    private let write: Statement
    private var started = false
    /// The column of the grid whose units are in `units`.
    private var current: Int64?
    private var units: [(cell: Int64, unit: UnitBoxCells.Unit)] = []
    /// Cells holding a unit that cannot be packed: they stay stale, as `packStale` leaves them.
    private var unpackable = Set<Int64>()
    private var leftToSQL = false

    init(_ db: Database) throws {
        self.db = db
        write = try db.makeStatement(sql: "INSERT INTO unit_box_cells (cell, points) VALUES (?, ?)")
    }

    func read(_ row: RawRow) throws {
        if !started {
            try db.execute(sql: "DELETE FROM unit_box_cells")
            started = true
        }
        guard !leftToSQL else { return }
        let x = row.double(1), y = row.double(3)
        guard !row.isNull(1), !row.isNull(3), x == row.double(2), y == row.double(4) else { return leftToSQL = true }
        let column = UnitBoxCells.column(x)
        if column != current {
            try flush()
            current = column
        }
        let cell = UnitBoxCells.cell(x, y)
        if !row.isNull(6), let day = row.isNull(5) ? 0 : UnitBoxCells.day(row.text(5)) {
            units.append((cell, UnitBoxCells.Unit(id: row.int64(0), x: x, y: y, day: day, code: UInt8(row.int64(6)))))
        } else {
            unpackable.insert(cell)
        }
    }

    func finish() throws {
        if !started { try db.execute(sql: "DELETE FROM unit_box_cells") }  // no unit has a point
        try flush()
        try db.execute(sql: "DELETE FROM unit_box_stale")
        if leftToSQL {
            try db.execute(sql: """
                DELETE FROM unit_box_cells;
                INSERT INTO unit_box_stale (cell) SELECT DISTINCT cell FROM unit_box_points
                """)
        } else {
            let mark = try db.makeStatement(sql: "INSERT INTO unit_box_stale (cell) VALUES (?)")
            for cell in unpackable { try mark.execute(arguments: [cell]) }
        }
    }

    /// Writes the cells of the current column: its units by cell, each cell's in id order.
    private func flush() throws {
        guard !units.isEmpty, !leftToSQL else { return }
        units.sort { $0.cell != $1.cell ? $0.cell < $1.cell : $0.unit.id < $1.unit.id }
        var start = 0
        while start < units.count {
            let cell = units[start].cell
            var end = start + 1
            while end < units.count && units[end].cell == cell { end += 1 }
            if !unpackable.contains(cell) {
                try write.execute(arguments: [cell, Data(UnitBoxCells.pack(units[start..<end].map(\.unit)))])
            }
            start = end
        }
        units.removeAll(keepingCapacity: true)
    }
}
