import CQL2
import Foundation
import GRDB
import Registry

/// The registry as the server reads it: a read-only SpatiaLite pool (a request never writes to the file, so
/// other readers and the office's imports go on beside it) with CQL2's casei/accenti on every connection.
public struct RegistryReader: Sendable {
    public let store: RegistryStore
    public let path: String
    /// Reads are CPU-bound (the file is mapped): on two cores four readers gave the bench's box, offset and by-id
    /// requests a quarter to a third more per second than eight, which only took turns on the cores.
    static let readerCount = 4
    /// Threads for reads no request waits for (ServiceState.background), each with a connection of its own.
    static let backgroundCount = 1

    /// Opens the existing database at `path` for reading only.
    public init(path: String) throws {
        try RegistryStore.requireRegistry(path)
        var config = SpatiaLite.configuration(readonly: true)
        config.prepareDatabase { db in
            // Pages read straight from the mapped file: no pread and copy of every page a request touches.
            try db.execute(sql: "PRAGMA mmap_size = 4294967296")
            for (name, fold) in CQL2TextFolding.sqlFunctions {
                db.add(function: DatabaseFunction(name, argumentCount: 1, pure: true) { values in
                    String.fromDatabaseValue(values[0]).map(fold)
                })
            }
        }
        // One more for the background thread (ServiceState.background): at the lowest priority it may hold its
        // connection for seconds while requests keep the cores busy, and no request thread must wait for it.
        config.maximumReaderCount = RegistryReader.readerCount + RegistryReader.backgroundCount
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            store = RegistryStore(pool: pool, path: path)
        } catch let error as DatabaseError {
            throw RegistryError.database("\(path): \(error.message ?? "\(error)")")
        }
        self.path = path
    }

    /// Changes whenever the database file or its write-ahead log is written: the part of every ETag that
    /// says "same data". Two `stat` calls, no query.
    public func version() -> String {
        var parts: [String] = []
        for file in [path, path + "-wal"] {
            var s = stat()
            if stat(file, &s) == 0 {
                parts.append("\(s.st_size).\(s.st_mtim.tv_sec).\(s.st_mtim.tv_nsec)")
            } else {
                parts.append("-")
            }
        }
        return parts.joined(separator: ":")
    }
}
