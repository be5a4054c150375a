import Foundation
import Registry

/// The collections served: the registry's layers, then the reference layers read from the catalogue table, read
/// again whenever the database changed (layers added or removed while the server runs appear without a restart).
final class CollectionCatalogue: @unchecked Sendable {
    private let lock = NSLock()
    private var version = ""
    private var collections = Collection.registry

    func all(_ reader: RegistryReader) throws -> [Collection] {
        let now = reader.version()
        lock.lock()
        defer { lock.unlock() }
        if now != version {
            let references = ReferenceLayers(store: reader.store)
            let registry = try Collection.registry.map { c in
                var c = c
                c.temporalExtent = try c.layer.flatMap { try FeatureLayers(store: reader.store).temporalExtent($0) }
                return c
            }
            collections = registry + (try references.all().map { r in
                var c = Collection(reference: r)
                c.temporalExtent = try references.temporalExtent(r)
                c.spatialExtent = try references.spatialExtent(r)
                return c
            })
            version = now
        }
        return collections
    }

    func named(_ id: String, _ reader: RegistryReader) throws -> Collection {
        let all = try all(reader)
        guard let c = all.first(where: { $0.id == id }) else {
            throw OGCError.notFound("no collection \"\(id.prefix(100))\"; the collections are " + all.map(\.id).joined(separator: ", "))
        }
        return c
    }
}
