import Foundation

/// Temporary directories that live as long as the test process: a server started in process keeps reading its
/// database until the run ends, so its directory cannot go when the test does. Removed at exit.
enum TemporaryDirectories {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: [URL] = []

    /// A new directory named PREFIX-UUID under the temporary directory, removed when the process exits.
    static func make(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        lock.withLock {
            if made.isEmpty { atexit { TemporaryDirectories.removeAll() } }
            made.append(url)
        }
        return url
    }

    private static func removeAll() {
        for url in lock.withLock({ made }) { try? FileManager.default.removeItem(at: url) }
    }
}
