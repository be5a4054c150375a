import Foundation
import Registry

/// Where every 1 000th feature of a filtered, sorted list sits (its sort value and id): `offset=N` then seeks to the
/// anchor before N with a keyset condition and skips fewer than 1 000 rows, where SQLite's OFFSET would step through
/// all N. Built with one scan the first time a deep offset is asked for a (database version, collection, filter,
/// sort); concurrent requests for the same list wait for that one scan. A new database version makes new keys.
final class OffsetAnchors: @unchecked Sendable {
    static let spacing = 1_000
    /// Offsets below this cost less than an anchor scan would: plain OFFSET.
    static let from = 20_000
    private let condition = NSCondition()
    private var lists: [String: [PageCursor]] = [:]
    private var building: Set<String> = []
    private let capacity = 64

    /// `items` with its offset turned into a cursor plus a remainder under `spacing`.
    func seek(_ items: ItemsRequest, key: String, service: ServiceState) throws -> ItemsRequest {
        let page = items.selection.page
        guard page.after == nil, page.offset >= OffsetAnchors.from else { return items }
        let anchors = try self.anchors(key) { try OffsetAnchors.scan(items, service: service) }
        let k = min(page.offset / OffsetAnchors.spacing, anchors.count)
        guard k > 0 else { return items }
        var seeking = items
        seeking.selection.page = try PageRequest(limit: page.limit, offset: page.offset - k * OffsetAnchors.spacing, after: anchors[k - 1])
        return seeking
    }

    private func anchors(_ key: String, build: () throws -> [PageCursor]) throws -> [PageCursor] {
        condition.lock()
        while building.contains(key) { condition.wait() }
        if let list = lists[key] {
            condition.unlock()
            return list
        }
        building.insert(key)
        condition.unlock()
        let result = Result { try build() }
        condition.lock()
        building.remove(key)
        if case .success(let list) = result {
            if lists.count >= capacity { lists.removeAll(keepingCapacity: true) }
            lists[key] = list
        }
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    /// One pass over the list's ids (and sort values), no properties, keeping every `spacing`th position.
    static func scan(_ items: ItemsRequest, service: ServiceState) throws -> [PageCursor] {
        var all = items
        all.selection.properties = []
        all.selection.page = .all
        var anchors: [PageCursor] = []
        var n = 0
        try service.page(all, counting: false, timeLimit: service.timeLimit, begin: { _, _ in }) { row in
            n += 1
            if n % spacing == 0 { anchors.append(all.selection.cursor(row)) }
        }
        return anchors
    }
}
