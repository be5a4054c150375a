import Foundation
import GRDB
import Registry
import Server

/// An empty registry in a temporary directory with reference layers added from files, served by the real
/// application on a free loopback port.
final class ReferenceServer: @unchecked Sendable {
    let directory: URL
    let databasePath: String
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    init(layers files: [String]) async throws {
        directory = try TemporaryDirectories.make("econgis-reference")
        databasePath = directory.appendingPathComponent("registry.sqlite").path
        do {
            let store = try RegistryStore(path: databasePath)
            for file in files { try ReferenceLayerImport(store: store).add(file: file, now: Date()) }
            try store.close()
        }
        port = try await TestServer.start(databasePath: databasePath)
    }

    func matched(_ collection: String, _ query: String) async throws -> (status: Int, matched: Int?, body: String) {
        let r = try await get(base + "/collections/\(collection)/items?limit=1&" + query)
        return (r.status, r.json["numberMatched"] as? Int, r.text)
    }
}
