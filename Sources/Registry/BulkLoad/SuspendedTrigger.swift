import GRDB

/// A trigger dropped inside a bulk write's transaction, while the write does its work set-based, and created again
/// from its stored SQL by `restore`; a failure rolls back both, SQLite DDL being transactional. Nothing happens for
/// a trigger that does not exist.
struct SuspendedTrigger {
    private let sql: String?
    /// Whether the trigger existed (and was dropped).
    var existed: Bool { sql != nil }

    init(_ db: Database, name: String) throws {
        sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [name])
        if sql != nil { try db.execute(sql: "DROP TRIGGER \(name.quotedDatabaseIdentifier)") }
    }

    func restore(_ db: Database) throws {
        if let sql { try db.execute(sql: sql) }
    }
}
