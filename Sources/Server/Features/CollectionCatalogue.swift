import Foundation
import Registry

/// The collections served: the registry's layers, then the reference layers read from the catalogue table, read
/// again whenever the database changed (layers added or removed while the server runs appear without a restart).
final class CollectionCatalogue: @unchecked Sendable {
    private let lock = NSLock()
    private var version = ""
    private var collections = Collection.registry

    /// The collections read for database version `now`, nil when they must be read again (`all`).
    func current(_ now: String) -> [Collection]? {
        lock.lock()
        defer { lock.unlock() }
        return now == version ? collections : nil
    }

    /// The collections for database version `now`, read again when it changed. The read waits for a reader
    /// connection: call it on a reader thread (ServiceState.collections), never on Swift's cooperative pool.
    func all(_ reader: RegistryReader, version now: String) throws -> [Collection] {
        lock.lock()
        defer { lock.unlock() }
        if now != version {
            collections = try CollectionCatalogue.read(reader)
            version = now
        }
        return collections
    }

    /// The registry's layers with their temporal extents, then the reference layers with theirs.
    /// (A loop, not throwing closures in `map` under the lock: swift 6.3's optimiser crashed on that in release builds.)
    private static func read(_ reader: RegistryReader) throws -> [Collection] {
        let layers = FeatureLayers(store: reader.store)
        let references = ReferenceLayers(store: reader.store)
        var result: [Collection] = []
        for registryCollection in Collection.registry {
            var c = registryCollection
            if let layer = c.layer { c.temporalExtent = try layers.temporalExtent(layer) }
            result.append(c)
        }
        for r in try references.all() {
            var c = Collection(reference: r)
            c.temporalExtent = try references.temporalExtent(r)
            c.spatialExtent = try references.spatialExtent(r)
            result.append(c)
        }
        return result
    }

    static func named(_ id: String, in all: [Collection]) throws -> Collection {
        guard let c = all.first(where: { $0.id == id }) else {
            throw OGCError.notFound("no collection \"\(id.prefix(100))\"; the collections are " + all.map(\.id).joined(separator: ", "))
        }
        return c
    }
}
