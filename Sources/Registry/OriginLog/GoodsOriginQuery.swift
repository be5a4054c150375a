import GRDB

/// A log entry as listed, with what is wrong with its origin, if anything.
public struct GoodsOriginEntry: Sendable, Hashable, Codable, FetchableRecord {
    public enum Problem: String, Sendable, Codable, CaseIterable {
        /// No province of origin.
        case missing
        /// An origin that cannot be traced: not a province of Vietnam without a traceability code, or neither
        /// supplier nor traceability code.
        case doubtful
    }

    public var id: Int64
    public var marketCode: String?
    public var marketName: String?
    public var stallNo: String?
    public var unitCode: String
    public var receivedOn: LocalDate
    public var goods: String
    public var quantity: Double?
    public var quantityUnit: String?
    public var supplier: String?
    public var originProvince: String?
    public var traceabilityCode: String?
    public var problem: Problem?
    public var reason: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

public struct GoodsOriginFilter: Sendable {
    public var marketCode: String?
    public var stallNo: String?
    public var from: LocalDate?
    public var to: LocalDate?
    /// Only entries with these problems; empty: every entry.
    public var problems: [GoodsOriginEntry.Problem] = []

    public init() {}
}

/// The origin log by market and stall, each entry judged: missing origin, doubtful origin, or fine.
public struct GoodsOriginQuery: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// The entries chosen, judged, handed to `body` one at a time from the database's cursor: memory stays flat
    /// however long the log.
    public func forEach(_ filter: GoodsOriginFilter, _ body: (GoodsOriginEntry) throws -> Void) throws {
        try store.read { db in
            var conditions: [SQL] = ["1"]
            if let m = filter.marketCode { conditions.append("m.code = \(m)") }
            if let s = filter.stallNo { conditions.append("u.stall_no = \(s)") }
            if let f = filter.from { conditions.append("e.received_on >= \(f.description)") }
            if let t = filter.to { conditions.append("e.received_on <= \(t.description)") }
            let places = Set(try String.fetchAll(db, sql: "SELECT name FROM provinces").map(GoodsOriginQuery.placeKey))
            let cursor = try GoodsOriginEntry.fetchCursor(db, SQLRequest(literal: """
                SELECT e.id, coalesce(m.code, CASE WHEN u.kind = 'market' THEN u.code END) AS market_code,
                       coalesce(m.name, CASE WHEN u.kind = 'market' THEN u.name END) AS market_name, u.stall_no, u.code AS unit_code,
                       e.received_on, e.goods, e.quantity, e.quantity_unit, e.supplier, e.origin_province, e.traceability_code
                FROM goods_origin_entries e JOIN economic_units u ON u.id = e.unit_id LEFT JOIN economic_units m ON m.id = u.market_id
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY market_code, u.stall_no, e.received_on, e.id
                """))
            while let entry = try cursor.next() {
                // Judged here: a province is recognised by its name's key (GoodsOriginQuery.placeKey), which SQL lacks.
                let e = GoodsOriginQuery.judged(entry, places: places)
                if filter.problems.isEmpty || e.problem.map(filter.problems.contains) == true { try body(e) }
            }
        }
    }

    public func entries(_ filter: GoodsOriginFilter) throws -> [GoodsOriginEntry] {
        var entries: [GoodsOriginEntry] = []
        try forEach(filter) { entries.append($0) }
        return entries
    }

    static func judged(_ entry: GoodsOriginEntry, places: Set<String>) -> GoodsOriginEntry {
        var e = entry
        guard let origin = e.originProvince else {
            e.problem = .missing
            e.reason = "no province of origin"
            return e
        }
        if e.traceabilityCode == nil && !places.contains(placeKey(origin)) {
            e.problem = .doubtful
            e.reason = "\"\(origin)\" is not a province of Vietnam and there is no traceability code"
        } else if e.traceabilityCode == nil && e.supplier == nil {
            e.problem = .doubtful
            e.reason = "neither supplier nor traceability code"
        }
        return e
    }

    /// "Tỉnh Tiền Giang", "TP. Hồ Chí Minh", "tien giang" → "tien giang".
    static func placeKey(_ name: String) -> String {
        var key = VietnameseText.searchKey(name)
        for prefix in ["thanh pho ", "tinh ", "tp. ", "tp.", "tp "] where key.hasPrefix(prefix) {
            key = String(key.dropFirst(prefix.count))
        }
        return key.replacingOccurrences(of: "-", with: " ").split(separator: " ").joined(separator: " ")
    }
}
