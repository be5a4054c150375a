import CSpatial
import Foundation
import GRDB

/// Loads SpatiaLite into GRDB connections. The library is linked (not `load_extension`ed), so the
/// functions are there on every connection GRDB opens, readers included.
public enum SpatiaLite {
    /// Call from `Configuration.prepareDatabase`. The per-connection cache is freed when the
    /// connection closes, through a close hook kept with the connection.
    static func initialise(_ db: Database) throws {
        guard let handle = db.sqliteConnection else { return }
        let cache = load(on: handle)
        GeodesicDistance.register(handle)
        // Free the cache when GRDB closes the connection: the holder's deinit runs then.
        db.add(function: DatabaseFunction("econgis_cache_holder", argumentCount: 0, pure: true) { [holder = CacheHolder(cache)] _ in
            _ = holder
            return nil
        })
    }

    /// SpatiaLite on a raw SQLite connection: returns its connection cache, to free with `spatialite_cleanup_ex`
    /// once the connection is closed.
    static func load(on handle: OpaquePointer) -> UnsafeMutableRawPointer? {
        let cache = spatialite_alloc_connection()
        spatialite_init_ex(handle, cache, 0)
        return cache
    }

    /// SQLite's process-wide settings (econgis_sqlite_configure_process), made once, before the first connection
    /// opens: every connection is made from a configuration of this type or after one was (`plainConfiguration`).
    /// A page of 10 000 features reads 190 000 columns and a units import binds 20 values a row, each call
    /// taking and releasing the connection's mutex; SQLite's memory statistics took a mutex per allocation.
    /// SQLITE_OK, or SQLite's code when it was already initialised (a test's connection opened without us):
    /// connections then work as before, with their mutexes.
    static let processSettings: Int32 = econgis_sqlite_configure_process()

    /// Configuration with SpatiaLite on every connection and foreign keys on (GRDB's default).
    public static func configuration(readonly: Bool = false) -> Configuration {
        var config = plainConfiguration()
        config.readonly = readonly
        config.prepareDatabase { db in
            try SpatiaLite.initialise(db)
        }
        return config
    }

    /// GRDB's default configuration, after SQLite's process-wide settings (`processSettings`): for connections
    /// that need no SpatiaLite.
    static func plainConfiguration() -> Configuration {
        _ = processSettings
        return Configuration()
    }

    /// The linked SpatiaLite version, for diagnostics.
    public static var version: String {
        String(cString: spatialite_version())
    }
}

/// Owns a SpatiaLite connection cache and frees it with the connection's functions.
private final class CacheHolder: @unchecked Sendable {
    let cache: UnsafeMutableRawPointer?
    init(_ cache: UnsafeMutableRawPointer?) { self.cache = cache }
    deinit { spatialite_cleanup_ex(cache) }
}
