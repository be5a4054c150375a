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

    /// Builds a new registry in a file beside `path`, runs `build` on it, closes it and renames it to
    /// `path` in one step, so `path` holds either the old database or the complete new one, never a
    /// part. An existing `path` is replaced only when `replacing` is set and it is a SQLite database;
    /// a directory or any other file is refused. When `build` fails, the new file is removed and the
    /// old one is untouched.
    public static func create<T>(at path: String, replacing: Bool, busyTimeout: TimeInterval = RegistryStore.defaultBusyTimeout,
                                 _ build: (RegistryStore) throws -> T) throws -> T {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists {
            if isDirectory.boolValue {
                throw RegistryError.invalidArgument(field: "database", value: path, expected: "a database file; this is a directory, which is never replaced")
            }
            guard replacing else {
                throw RegistryError.invalidArgument(field: "database", value: path, expected: "a path with no database yet (replacing it must be asked for)")
            }
            guard isSQLite(path) else {
                throw RegistryError.invalidArgument(field: "database", value: path, expected: "a SQLite database to replace; this file is something else and is left alone")
            }
        }
        let directory = (path as NSString).deletingLastPathComponent
        let staging = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).new-\(getpid())"
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
        let queue = try DatabaseQueue(path: path, configuration: SpatiaLite.plainConfiguration())
        _ = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
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
