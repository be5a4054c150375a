import Foundation

/// Counts that cost a pass over a million units, kept per database version and question (a date, kinds): the
/// server reads a file other programs write, so the version (`RegistryReader.version()`, the file's and its
/// log's size and time) is part of every key and a write makes the next request count again.
final class VersionedCounts<Value: Sendable>: @unchecked Sendable {
    /// Answers kept at most; more (many versions or dates) start the cache afresh.
    let capacity: Int
    private let lock = NSLock()
    private var values: [String: Value] = [:]

    init(capacity: Int = 16) { self.capacity = capacity }

    /// The answer for `key` at `version`, counted by `count` on first use. One count at a time: concurrent first
    /// requests wait for the one count instead of each making it.
    func value(version: String, key: String, count: () throws -> Value) rethrows -> Value {
        let full = version + "|" + key
        lock.lock()
        defer { lock.unlock() }
        if let cached = values[full] { return cached }
        let value = try count()
        if values.count >= capacity { values.removeAll() }
        values[full] = value
        return value
    }
}
