import CSpatial
import Foundation
import GRDB

/// The registry's database: one SpatiaLite file in WAL mode. Opened for writing (waiting up to a busy
/// timeout for another writer) or for reading only; only `create` and `migrate` change its schema.
public final class RegistryStore: Sendable {
    /// Private: callers read and write through the store's methods, which map errors and refuse writes
    /// to a store opened for reading.
    private let writer: any DatabaseWriter
    public let path: String
    public let isReadOnly: Bool
    /// How long a write waits for another program's write to finish before it gives up.
    public let busyTimeout: TimeInterval

    public static let defaultBusyTimeout: TimeInterval = 5

    /// Opens the database at `path` for writing, creating and migrating it when the file is new (or
    /// empty). An existing database whose schema is behind this binary's is refused (see `migrate`);
    /// one whose schema is ahead, written by a newer EconGIS, is refused too.
    public init(path: String, busyTimeout: TimeInterval = RegistryStore.defaultBusyTimeout) throws {
        self.path = path
        self.isReadOnly = false
        self.busyTimeout = busyTimeout
        // Checked before the pool opens: opening one puts the file in WAL mode, a change to somebody else's file.
        try RegistryStore.refuseOtherContents(path, busyTimeout: busyTimeout)
        writer = try RegistryStore.mapOpenErrors(path: path, busyTimeout: busyTimeout) {
            let pool = try DatabasePool(path: path, configuration: RegistryStore.configuration(busyTimeout: busyTimeout))
            let migrator = RegistryMigrations.migrator()
            let state = try pool.read { try SchemaState(db: $0, migrator: migrator) }
            if state.isForeign { throw DatabaseFile.refusal(notARegistry: path) }
            if state.isNewer { throw RegistryError.schemaTooNew(path: path, database: state.database, binary: state.binary) }
            if state.database.number == 0 {
                try migrator.migrate(pool)
                try pool.write(UnitBoxCells.packStale)
            } else if state.isBehind {
                throw RegistryError.migrationNeeded(path: path, database: state.database, binary: state.binary)
            }
            return pool
        }
    }

    private init(path: String, readingOnly writer: any DatabaseWriter) {
        self.path = path
        self.writer = writer
        self.isReadOnly = true
        self.busyTimeout = RegistryStore.defaultBusyTimeout  // openReadOnly's wait, which a busy error names
    }

    /// A store over a read-only pool the caller opened (the server, with its own functions and
    /// reader count); nothing is migrated or written.
    public init(pool: DatabasePool, path: String) {
        self.path = path
        self.writer = pool
        self.isReadOnly = true
        self.busyTimeout = 0
    }

    /// Opens an existing database for writing; a missing file is an error rather than a new empty registry.
    public static func openExisting(path: String, busyTimeout: TimeInterval = defaultBusyTimeout) throws -> RegistryStore {
        try requireFile(path)
        return try RegistryStore(path: path, busyTimeout: busyTimeout)
    }

    /// Opens an existing database for reading only: nothing is migrated or written, so a copy on
    /// read-only media or a published snapshot can be read. A database in WAL mode whose folder cannot
    /// be written (SQLite could not create its shared-memory file) is opened as `immutable`.
    public static func openForReading(path: String) throws -> RegistryStore {
        try requireRegistry(path)
        let store = try mapOpenErrors(path: path, busyTimeout: defaultBusyTimeout) { () throws -> RegistryStore in
            do {
                return try RegistryStore(path: path, readingOnly: openReadOnly(path, immutable: false))
            } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_IOERR].contains(error.resultCode.primaryResultCode) {
                // Never past an interrupted write's journal: `immutable` would read the file part written.
                if DatabaseFile.hasJournal(path) {
                    throw RegistryError.unreadable(file: path, reason: """
                        a write was cut short and its rollback journal \(path)-journal could not be rolled back here; \
                        open the registry once with a command that writes, where its folder can be written
                        """)
                }
                return try RegistryStore(path: path, readingOnly: openReadOnly(path, immutable: true))
            }
        }
        let state = try store.read { try SchemaState(db: $0, migrator: RegistryMigrations.migrator()) }
        if state.isForeign { throw DatabaseFile.refusal(notARegistry: path) }
        if state.isNewer { throw RegistryError.schemaTooNew(path: path, database: state.database, binary: state.binary) }
        if state.isBehind { throw RegistryError.migrationNeeded(path: path, database: state.database, binary: state.binary) }
        return store
    }

    /// What `migrate` did.
    public struct Migration: Sendable {
        public var from: SchemaVersion
        public var to: SchemaVersion
        /// The copy made before migrating; nil when there was nothing to do.
        public var backup: String?
    }

    /// Brings an existing database's schema up to this binary's, after copying it (VACUUM INTO) to
    /// `backupPath` (default: beside it, named with the old version and the time `now`).
    public static func migrate(path: String, backupPath: String? = nil, busyTimeout: TimeInterval = defaultBusyTimeout,
                               now: Date) throws -> Migration {
        try requireFile(path)
        try refuseOtherContents(path, busyTimeout: busyTimeout)
        return try mapOpenErrors(path: path, busyTimeout: busyTimeout) {
            let pool = try DatabasePool(path: path, configuration: configuration(busyTimeout: busyTimeout))
            let migrator = RegistryMigrations.migrator()
            let state = try pool.read { try SchemaState(db: $0, migrator: migrator) }
            if state.isForeign { throw DatabaseFile.refusal(notARegistry: path) }
            if state.isNewer { throw RegistryError.schemaTooNew(path: path, database: state.database, binary: state.binary) }
            guard state.isBehind || state.database.number == 0 else { return Migration(from: state.database, to: state.binary) }
            let stamp = timestamp(now).replacingOccurrences(of: ":", with: "")
            let backup = backupPath ?? "\(path).v\(state.database.number)-\(stamp).backup"
            guard !FileManager.default.fileExists(atPath: backup) else {
                throw RegistryError.invalidArgument(field: "backup", value: backup, expected: "a path where no file is yet")
            }
            try pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM INTO ?", arguments: [backup]) }
            try migrator.migrate(pool)
            try pool.write(UnitBoxCells.packStale)  // v12 marks every cell with units stale
            return Migration(from: state.database, to: state.binary, backup: backup)
        }
    }

    /// Refuses, before anything opens it, a path that holds no registry to read: no file, a directory, an empty
    /// file, another program's database, a file that is not a database (each named, as bad input).
    public static func requireRegistry(_ path: String) throws {
        try requireFile(path)
        let contents = try refuseOtherContents(path, busyTimeout: defaultBusyTimeout)
        if contents == .nothing || contents == .emptyDatabase {
            throw RegistryError.invalidArgument(field: "database", value: path,
                                                expected: "an EconGIS registry; this file holds none yet")
        }
    }

    /// What `path` holds, after refusing another program's database or a file that is not one, and a lock held
    /// past `busyTimeout` (the wait the command was given, not a second one after it).
    @discardableResult
    static func refuseOtherContents(_ path: String, busyTimeout: TimeInterval) throws -> DatabaseFile.Contents {
        let contents = DatabaseFile.contents(of: path, busyTimeout: busyTimeout)
        if contents == .busy { throw RegistryError.busy(path: path, seconds: busyTimeout) }
        if let refusal = DatabaseFile.notARegistry(path, contents) { throw refusal }
        return contents
    }

    static func requireFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RegistryError.notFound(what: "database", key: path, hint: nil)
        }
        if isDirectory.boolValue {
            throw RegistryError.invalidArgument(field: "database", value: path, expected: "a SQLite database file, not a directory")
        }
    }

    static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var config = SpatiaLite.configuration()
        config.busyMode = .timeout(busyTimeout)
        // spatialite_init_ex sets a busy timeout of its own (5 s) on each connection, after GRDB set ours.
        config.prepareDatabase { db in
            sqlite3_busy_timeout(db.sqliteConnection, CInt(busyTimeout * 1000))
            // A new file's page size, before the pool's first write (WAL mode) creates it; on an existing database
            // SQLite keeps the size it has. See `pageSize`.
            try db.execute(sql: "PRAGMA page_size = \(RegistryStore.pageSize)")
        }
        return config
    }

    /// The page size of a registry made by this binary. Bulk writes and whole-table passes touch a quarter of
    /// SQLite's default 4 096-byte pages (fewer page reads, cell moves and B-tree levels): a 200 000-unit import into
    /// the demo registry took 3.26 s instead of 3.46 (medians of eight, interleaved; CPU 4.8 s instead of 5.0), and the
    /// server's 10 000-feature page 5-7 % less CPU. R*Tree nodes keep their size (SQLite caps them at 51 cells), and
    /// FTS5 its own 4 050-byte leaves; caches are set in KiB, so memory is the same. A migration's backup (VACUUM INTO)
    /// of an older registry is written with these pages; the registry itself keeps its own.
    static let pageSize = 16_384

    private static func openReadOnly(_ path: String, immutable: Bool) throws -> DatabaseQueue {
        var config = SpatiaLite.configuration(readonly: true)
        config.busyMode = .timeout(defaultBusyTimeout)
        let queue = try DatabaseQueue(path: immutable ? immutableURI(path) : path, configuration: config)
        // Opening is lazy about the file: read the schema now, so a failure happens here.
        _ = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
        return queue
    }

    /// A `file:` URI with SQLite's `immutable=1` (Debian's SQLite is built with SQLITE_USE_URI).
    static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    private static func mapOpenErrors<T>(path: String, busyTimeout: TimeInterval = 0, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
            throw RegistryError.busy(path: path, seconds: busyTimeout)  // GRDB writes once when it opens a pool on an empty WAL
        } catch let error as DatabaseError {
            throw RegistryError.database("\(path): \(error.message ?? "\(error)")", underlying: error)
        }
    }

    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try mapErrors { try writer.read(body) }
    }

    /// A read that runs a single statement, outside a transaction: a statement reads one snapshot of the database
    /// on its own. `body` must run no more than one statement, or its statements could see different snapshots.
    func readOneStatement<T>(_ body: (Database) throws -> T) throws -> T {
        try mapErrors { try writer.unsafeRead(body) }
    }

    /// Every write ends by packing the box cells it made stale (UnitBoxCells), in its own transaction.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard !isReadOnly else { throw RegistryError.readOnly(path: path) }
        return try mapErrors {
            try writer.write { db in
                let result = try body(db)
                try UnitBoxCells.packStale(db)
                return result
            }
        }
    }

    /// A write transaction in which foreign keys are not enforced statement by statement but checked
    /// once, before the commit, on the `written` rows. With enforcement on, SQLite keeps a statement
    /// journal for every multi-row INSERT (a violation would abort it half way), copying each page the
    /// statement touches: importing 200 000 units wrote 935 MB of it, ten times the database. Enforcement
    /// can only be switched outside a transaction. The bulk write (a units import) goes through a rollback
    /// journal when nothing else has the file open (RollbackJournal).
    func write<T>(checkingForeignKeysAtEndOf written: [WrittenRows], _ body: (Database) throws -> T) throws -> T {
        guard !isReadOnly else { throw RegistryError.readOnly(path: path) }
        return try mapErrors {
            let journal = try RollbackJournal.enter(writer)
            defer { journal.leave(writer) }
            return try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    try UnitBoxCells.packStale(db)
                    for rows in written {
                        guard let broken = try rows.firstBrokenKey(db) else { continue }
                        throw RegistryError.database("""
                            \(rows.table) row \(broken.row): \(broken.column) refers to no row of \(broken.parent) (foreign key)
                            """)
                    }
                    return .commit
                }
                return result!
            }
        }
    }

    /// Checkpoints and closes every connection (the -wal and -shm files go away with the last one).
    public func close() throws {
        try mapErrors {
            // The registry's file only: unqualified, the checkpoint takes every schema, and after a temporary table
            // was made in a rollback journal (a units import's R*Tree packing, RollbackJournal) and the file went back
            // to WAL, SQLite refuses it for the temporary one (SQLITE_LOCKED, "database table is locked").
            if !isReadOnly { _ = try writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA main.wal_checkpoint(TRUNCATE)") } }
            try writer.close()
        }
    }

    func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
            throw RegistryError.busy(path: path, seconds: busyTimeout)
        } catch let error as DatabaseError {
            throw RegistryError.database(error.message ?? "\(error)", underlying: error)
        }
    }

    /// Timestamps for created_at/updated_at: UTC, ISO 8601; `precise` adds milliseconds so that one
    /// operation's rows can be told from another's. The caller passes its clock.
    static func timestamp(_ date: Date, precise: Bool = false) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = precise ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return f.string(from: date)
    }
}

/// The rows of `table` a write touched (`condition`, on the table aliased `x`), whose foreign keys
/// `RegistryStore.write(checkingForeignKeysAtEndOf:)` checks before the commit. Those rows only: SQLite's
/// `foreign_key_check` reads the whole table, 0.1 to 0.2 s of an import of one unit into a registry of a
/// million. A write that changes no parent row breaks no key elsewhere, as with enforcement on, row by row.
struct WrittenRows {
    let table: String
    let condition: String
    let arguments: StatementArguments

    init(_ table: String, condition: String, arguments: StatementArguments) {
        self.table = table
        self.condition = condition
        self.arguments = arguments
    }

    /// The first of the rows whose key refers to no row of its parent table (a rowid table), with the key's (first)
    /// column and that table. As in SQLite, a key with a null column refers to nothing and is not checked.
    func firstBrokenKey(_ db: Database) throws -> (row: Int64, column: String, parent: String)? {
        let keys = try db.foreignKeys(on: table)
        guard !keys.isEmpty else { return nil }
        let t = table.quotedDatabaseIdentifier
        // When the rows are an eighth of the table or more (a first import), reading the whole table and testing the
        // condition on each row is faster than reading them one by one through the condition's index (0.03 s of an
        // import of 200 000 units into the demo registry): the condition is then a "+(…)" term, which no index serves.
        let sample = max(1, (try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \(t)") ?? 0) / 8)
        let many = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM \(t) AS x WHERE \(condition) LIMIT \(sample))",
                                    arguments: arguments) == sample
        // A key is broken when all its columns are set (as in SQLite, a key with a null column refers to nothing) and
        // no parent row has them. "+" keeps SQLite from reading the rows through an index of the key's columns.
        let broken = keys.map { key in
            let present = key.mapping.map { "+x.\($0.origin.quotedDatabaseIdentifier) IS NOT NULL" }
            let matching = key.mapping.map { "p.\($0.destination.quotedDatabaseIdentifier) = x.\($0.origin.quotedDatabaseIdentifier)" }
            return """
                (\(present.joined(separator: " AND "))
                 AND NOT EXISTS (SELECT 1 FROM \(key.destinationTable.quotedDatabaseIdentifier) AS p WHERE \(matching.joined(separator: " AND "))))
                """
        }
        // One pass for all keys; then the key that the row found breaks is named.
        let anyBroken = "(" + broken.joined(separator: " OR ") + ")"
        let rows = many ? "\(anyBroken) AND +(\(condition))" : "(\(condition)) AND \(anyBroken)"
        guard let row = try Int64.fetchOne(db, sql: "SELECT x.rowid FROM \(t) AS x WHERE \(rows) LIMIT 1", arguments: arguments) else { return nil }
        for (key, test) in zip(keys, broken) where try Bool.fetchOne(db, sql: "SELECT \(test) FROM \(t) AS x WHERE x.rowid = ?", arguments: [row]) == true {
            return (row, key.mapping[0].origin, key.destinationTable)
        }
        return nil
    }
}

/// Where a database's schema stands against this binary's migrations.
struct SchemaState {
    var database: SchemaVersion
    var binary: SchemaVersion
    /// The database has migrations this binary does not know.
    var isNewer: Bool
    /// This binary has migrations the database lacks.
    var isBehind: Bool
    /// The database has tables but was not made by EconGIS (a GeoPackage, another program's data).
    var isForeign: Bool

    init(db: Database, migrator: DatabaseMigrator) throws {
        let known = migrator.migrations
        var applied: [String] = []
        // sqlite_master asked directly: GRDB's tableExists first loads its schema cache of every object of the
        // database (a SpatiaLite registry has some 250), a millisecond of every command's start.
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'") == true {
            applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        }
        isForeign = try !applied.contains(RegistryMigrations.first)
            && (Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'") == true)
        let unknown = applied.filter { !known.contains($0) }
        database = SchemaVersion(number: applied.count, lastMigration: unknown.last ?? applied.last)
        binary = SchemaVersion(number: known.count, lastMigration: known.last)
        isNewer = !unknown.isEmpty
        isBehind = !isNewer && Set(applied) != Set(known)
    }
}
