import Foundation

/// numberMatched of recent queries, keyed by the database's version and the parameters that change the count
/// (not the page's): the first page counts, the pages its next links lead to reuse the count.
final class CountCache: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private let capacity: Int

    init(capacity: Int = 1_000) { self.capacity = capacity }

    subscript(key: String) -> Int? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return counts[key]
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            if counts.count >= capacity { counts.removeAll(keepingCapacity: true) }
            counts[key] = newValue
        }
    }

    /// The key for a request: the database version, the collection and every parameter but the page's.
    static func key(version: String, collection: String, query: QueryParameters) -> String {
        let pageOnly: [String: String?] = ["limit": nil, "offset": nil, "cursor": nil, "f": nil, "crs": nil, "properties": nil, "sortby": nil]
        return version + "|" + collection + "?" + query.encoded(changing: pageOnly)
    }
}
