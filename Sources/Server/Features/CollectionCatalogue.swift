import Foundation
import Registry

/// The collections served: the registry's layers, then the reference layers read from the catalogue table, read
/// again whenever the database changed (layers added or removed while the server runs appear without a restart).
final class CollectionCatalogue: @unchecked Sendable {
    private let lock = NSLock()
    private var version = ""
    private var collections = Collection.registry

    /// `known`: the database's version (RegistryReader.version) when the caller has read it already.
    func all(_ reader: RegistryReader, version known: String? = nil) throws -> [Collection] {
        let now = known ?? reader.version()
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

    func named(_ id: String, _ reader: RegistryReader, version: String? = nil) throws -> Collection {
        let all = try all(reader, version: version)
        guard let c = all.first(where: { $0.id == id }) else {
            throw OGCError.notFound("no collection \"\(id.prefix(100))\"; the collections are " + all.map(\.id).joined(separator: ", "))
        }
        return c
    }
}
