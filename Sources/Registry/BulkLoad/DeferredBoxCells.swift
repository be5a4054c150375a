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

    /// The packing of every cell beside the rebuild of the units' R*Tree, when the registry has box cells.
    func repacking(_ db: Database) throws -> BoxCellRepacking? {
        trigger.existed ? try BoxCellRepacking(db) : nil
    }

    /// Marks the cells of the inserted units stale and puts the trigger back; `repacked`: every cell was packed
    /// again beside the R*Tree (BoxCellRepacking), so none is marked.
    func restore(_ db: Database, repacked: Bool) throws {
        guard trigger.existed else { return }
        if repacked { return try trigger.restore(db) }
        let mark = try db.makeStatement(sql: "INSERT OR IGNORE INTO unit_box_stale (cell) VALUES (?)")
        for cell in cells { try mark.execute(arguments: [cell]) }
        try trigger.restore(db)
    }
}
