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

    /// Configuration with SpatiaLite on every connection and foreign keys on (GRDB's default).
    public static func configuration(readonly: Bool = false) -> Configuration {
        var config = Configuration()
        config.readonly = readonly
        config.prepareDatabase { db in
            try SpatiaLite.initialise(db)
        }
        return config
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
