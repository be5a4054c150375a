import Foundation
import GRDB

/// Creating a database file without ever leaving a half-built one, and replacing only what is ours.
public enum DatabaseFile {
    /// True when the file starts with SQLite's header ("SQLite format 3\0").
    public static func isSQLite(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 16)) == Data("SQLite format 3\u{0}".utf8)
    }

    /// What a path holds, as far as making, migrating or replacing a registry there goes.
    enum Contents: Equatable {
        /// No file, or an empty one: a registry may be made there.
        case nothing
        /// A SQLite database with no table yet.
        case emptyDatabase
        /// A database made by EconGIS (its first migration is recorded).
        case registry
        /// A database of something else, such as a GeoPackage: never migrated, written or replaced.
        case otherDatabase(tables: [String])
        /// A file that is not a SQLite database.
        case notDatabase
        /// A database another connection holds locked past the wait.
        case busy
        /// A database that could not be read now (damaged, …): whoever opens it reports why.
        case unreadable
    }

    /// Reads what `path` holds through a read-only connection without SpatiaLite, which writes nothing
    /// (a read-write pool would put the file in WAL mode before any check could refuse it).
    static func contents(of path: String, busyTimeout: TimeInterval = RegistryStore.defaultBusyTimeout) -> Contents {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.size] as? NSNumber)?.intValue ?? 0 > 0 else { return .nothing }
        guard isSQLite(path) else { return .notDatabase }
        var config = SpatiaLite.plainConfiguration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        do {
            try rollBackInterruptedWrite(path, busyTimeout: busyTimeout)
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name
                    """)
                if tables.isEmpty { return .emptyDatabase }
                if tables.contains("grdb_migrations"),
                   try Bool.fetchOne(db, sql: "SELECT 1 FROM grdb_migrations WHERE identifier = ?",
                                     arguments: [RegistryMigrations.first]) == true {
                    return .registry
                }
                return .otherDatabase(tables: tables)
            }
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
            return .busy
        } catch {
            return .unreadable
        }
    }

    /// A write cut short (the process killed, the power lost) in a rollback journal, which a units import uses
    /// (RollbackJournal), leaves the database file part written and its `-journal` holding the pages it replaced.
    /// A connection that may write rolls it back on its first read, as SQLite does for any program opening the
    /// file; a read-only one cannot (SQLITE_READONLY_ROLLBACK), and opened `immutable` it would read the part
    /// written. So before a read-only look, a journal beside the file is rolled back through a connection that
    /// may write; where that fails (a read-only folder), the database is unreadable until it can be.
    static func rollBackInterruptedWrite(_ path: String, busyTimeout: TimeInterval) throws {
        guard hasJournal(path) else { return }
        try openAlone(path, busyTimeout: busyTimeout)
    }

    /// Whether a rollback journal that SQLite would roll back may lie beside `path` (see `rollBackInterruptedWrite`).
    static func hasJournal(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-journal"))?[.size] as? NSNumber)?.intValue ?? 0 > 0
    }

    /// The refusal for a path whose file is not a registry, naming what it holds.
    static func notARegistry(_ path: String, _ contents: Contents) -> RegistryError? {
        switch contents {
        case .otherDatabase(let tables):
            let shown = tables.prefix(3).joined(separator: ", ") + (tables.count > 3 ? ", … (\(tables.count) tables)" : "")
            return .invalidArgument(field: "database", value: path, expected: "an EconGIS registry; this is another SQLite database (tables \(shown)), which is left alone")
        case .notDatabase:
            return .invalidArgument(field: "database", value: path, expected: "an EconGIS registry; this file is not a SQLite database and is left alone")
        case .nothing, .emptyDatabase, .registry, .busy, .unreadable:
            return nil
        }
    }

    /// The refusal for a database found not to be a registry once open (its tables read again to name them).
    static func refusal(notARegistry path: String) -> RegistryError {
        notARegistry(path, contents(of: path))
            ?? .invalidArgument(field: "database", value: path, expected: "an EconGIS registry; this database was not made by EconGIS and is left alone")
    }

    /// Builds a new registry in a file beside `path`, runs `build` on it, closes it and renames it to
    /// `path` in one step, so `path` holds either the old database or the complete new one, never a
    /// part. An existing `path` is replaced only when `replacing` is set and it is an EconGIS registry
    /// (or an empty file or database); a directory, another program's database or any other file is
    /// refused. When `build` fails, the new file is removed and the old one is untouched.
    public static func create<T>(at path: String, replacing: Bool, busyTimeout: TimeInterval = RegistryStore.defaultBusyTimeout,
                                 _ build: (RegistryStore) throws -> T) throws -> T {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists {
            if isDirectory.boolValue {
                throw RegistryError.invalidArgument(field: "database", value: path, expected: "a database file; this is a directory, which is never replaced")
            }
            let contents = contents(of: path, busyTimeout: busyTimeout)
            if let refusal = notARegistry(path, contents) { throw refusal }
            guard replacing else {
                throw RegistryError.invalidArgument(field: "database", value: path, expected: "a path with no database yet (replacing it must be asked for)")
            }
            if contents == .unreadable || contents == .busy {
                throw RegistryError.invalidArgument(field: "database", value: path, expected: "a registry that can be read, to be sure it is one before replacing it; this one cannot be read now and is left alone")
            }
        }
        let staging = FileIdentity.folder(of: path) + "/.\(FileIdentity.name(of: path)).new-\(getpid())"
        func removeStaging() { for suffix in ["", "-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: staging + suffix) } }
        removeStaging()
        let result: T
        var store: RegistryStore?
        do {
            store = try RegistryStore(path: staging, busyTimeout: busyTimeout)
            result = try build(store!)
            try store!.close()
            try removeLog(staging)
        } catch {
            try? store?.close()
            removeStaging()
            throw error
        }
        if exists { try leaveWALMode(path, busyTimeout: busyTimeout) }
        guard rename(staging, path) == 0 else {
            let reason = String(cString: strerror(errno))
            removeStaging()
            throw RegistryError.unreadable(file: path, reason: "cannot put the new database in place: \(reason)")
        }
        return result
    }

    /// A pool's last connection to close is a reader, which may not checkpoint, so the -wal and -shm
    /// files stay; one read-write connection opened and closed alone removes them.
    static func removeLog(_ path: String) throws {
        try openAlone(path)
    }

    /// Opens `path` through one read-write connection without SpatiaLite, reads its schema and closes it: SQLite
    /// then rolls back a journal of an interrupted write, and as the last connection removes the WAL files.
    private static func openAlone(_ path: String, busyTimeout: TimeInterval? = nil) throws {
        var config = SpatiaLite.plainConfiguration()
        if let busyTimeout { config.busyMode = .timeout(busyTimeout) }
        let queue = try DatabaseQueue(path: path, configuration: config)
        do {
            _ = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            try? queue.close()
            throw error
        }
        try queue.close()
    }

    /// Folds the old database's write-ahead log into it and removes the log, so that no -wal file of
    /// the old database is left to be replayed onto the new one renamed over it.
    static func leaveWALMode(_ path: String, busyTimeout: TimeInterval) throws {
        var config = SpatiaLite.plainConfiguration()
        config.busyMode = .timeout(busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
            try queue.close()
        } catch let error as DatabaseError {
            throw RegistryError.database("\(path): cannot be replaced while in use: \(error.message ?? "\(error)")", underlying: error)
        }
    }
}
