import Foundation
import GRDB

/// The registry's database: one SpatiaLite file in WAL mode, migrated when opened.
public final class RegistryStore: Sendable {
    public let writer: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        do {
            writer = try DatabasePool(path: path, configuration: SpatiaLite.configuration())
            try RegistryMigrations.migrator().migrate(writer)
        } catch let error as DatabaseError {
            throw RegistryError.database("\(path): \(error.message ?? "\(error)")")
        }
    }

    /// A store over a pool the caller opened (read-only for a server, a temporary database for tests);
    /// nothing is migrated.
    public init(pool: DatabasePool, path: String) {
        writer = pool
        self.path = path
    }

    /// Opens an existing database; a missing file is an error rather than a new empty registry.
    public static func openExisting(path: String) throws -> RegistryStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw RegistryError.notFound(what: "database", key: path, hint: "create it with `econgis init --db \(path)` (add --demo for the demo data)")
        }
        return try RegistryStore(path: path)
    }

    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try mapErrors { try writer.read(body) }
    }

    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try mapErrors { try writer.write(body) }
    }

    /// A write transaction in which foreign keys are not enforced statement by statement but checked
    /// once, before the commit, on `tables` (SQLite's `foreign_key_check`). With enforcement on,
    /// SQLite keeps a statement journal for every multi-row INSERT (a violation would abort it half
    /// way), copying each page the statement touches: importing 200 000 units wrote 935 MB of it,
    /// ten times the database. Enforcement can only be switched outside a transaction.
    func write<T>(checkingForeignKeysAtEndOf tables: [String], _ body: (Database) throws -> T) throws -> T {
        try mapErrors {
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    for table in tables {
                        guard let broken = try Row.fetchOne(db, sql: """
                            SELECT c.rowid AS row, k."from" AS child, c.parent AS parent
                            FROM pragma_foreign_key_check(?) AS c JOIN pragma_foreign_key_list(?) AS k ON k.id = c.fkid
                            """, arguments: [table, table]) else { continue }
                        throw RegistryError.database("""
                            \(table) row \(broken["row"] as Int64? ?? 0): \(broken["child"] as String? ?? "?") refers to no row of \
                            \(broken["parent"] as String? ?? "?") (foreign key)
                            """)
                    }
                    return .commit
                }
                return result!
            }
        }
    }

    func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw RegistryError.database(error.message ?? "\(error)")
        }
    }

    /// Timestamps for created_at/updated_at: UTC, ISO 8601; `precise` adds milliseconds so that one
    /// operation's rows can be told from another's.
    static func timestamp(_ date: Date = Date(), precise: Bool = false) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = precise ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return f.string(from: date)
    }
}
