import GRDB

/// The v12 insert trigger marks each new unit's box cell stale, one statement and four SpatiaLite calls per row
/// (UnitBoxCellTables). A bulk import drops it inside its transaction, collects the cells of the units it inserts,
/// marks them once at the end and puts the trigger back from its stored SQL; a failure rolls back both, SQLite DDL
/// being transactional. The update trigger stays: it also marks an updated unit's old cell, which only it knows.
struct DeferredBoxCells {
    private let trigger: SuspendedTrigger
    private var cells = Set<Int64>()

    private init(trigger: SuspendedTrigger) { self.trigger = trigger }

    static func suspend(_ db: Database) throws -> DeferredBoxCells {
        DeferredBoxCells(trigger: try SuspendedTrigger(db, name: "unit_box_insert"))
    }

    /// Called for every unit the import inserts.
    mutating func inserted(_ row: UnitRowValues) {
        guard trigger.existed, let lon = row.lon, let lat = row.lat else { return }
        cells.insert(UnitBoxCells.cell(lon, lat))
    }

    func restore(_ db: Database) throws {
        guard trigger.existed else { return }
        let mark = try db.makeStatement(sql: "INSERT OR IGNORE INTO unit_box_stale (cell) VALUES (?)")
        for cell in cells { try mark.execute(arguments: [cell]) }
        try trigger.restore(db)
    }
}
