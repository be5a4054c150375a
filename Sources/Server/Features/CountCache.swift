import Foundation

/// numberMatched of recent queries, keyed by the database's version and the parameters that change the count
/// (not the page's): the first page counts, the pages its next links lead to reuse the count, and concurrent first
/// pages of one query wait for one count instead of each counting (on a million units a count takes seconds).
final class CountCache: @unchecked Sendable {
    private let condition = NSCondition()
    private var counts: [String: Int] = [:]
    private var counting: Set<String> = []
    private let capacity: Int

    init(capacity: Int = 1_000) { self.capacity = capacity }

    /// The cached count, or nil after marking `key` as being counted by the caller, who must then `store` or
    /// `abandon` it. Called on a reading thread: it blocks while another request counts the same key.
    func claim(_ key: String) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while counting.contains(key) { condition.wait() }
        if let n = counts[key] { return n }
        counting.insert(key)
        return nil
    }

    func store(_ key: String, _ count: Int) {
        condition.lock()
        if counts.count >= capacity { counts.removeAll(keepingCapacity: true) }
        counts[key] = count
        counting.remove(key)
        condition.broadcast()
        condition.unlock()
    }

    /// The claimed count was not made (the request failed): let another request try.
    func abandon(_ key: String) {
        condition.lock()
        counting.remove(key)
        condition.broadcast()
        condition.unlock()
    }

    /// The key for a request: the database version, the collection and every parameter but the page's.
    static func key(version: String, collection: String, query: QueryParameters) -> String {
        let pageOnly: [String: String?] = ["limit": nil, "offset": nil, "cursor": nil, "f": nil, "crs": nil, "properties": nil, "sortby": nil]
        return version + "|" + collection + "?" + query.encoded(changing: pageOnly)
    }
}
