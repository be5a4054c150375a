import GRDB
import GeoJSON

/// One recorded change: when, to which row, by whom where known, and the fields it changed (every field for an
/// insert or a delete).
public struct RecordedChange: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var before: JSONValue?
        public var after: JSONValue?
    }

    public var id: Int64
    public var table: String
    public var rowId: Int64
    public var action: String
    public var changedAt: String
    public var changedBy: String?
    public var fields: [Field]
}

/// The history kept by the v7 triggers, by unit (its row, instruments and seals) or by inspection (its row,
/// tests and violations), oldest first.
public struct ChangeHistoryQuery: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// `key` is the unit's code (a stall's is MARKET/STALL).
    public func unit(_ key: String) throws -> [RecordedChange] {
        try store.read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM economic_units WHERE code = ?", arguments: [key])
                ?? Int64.fetchOne(db, sql: """
                    SELECT subject_id FROM change_history WHERE table_name = 'economic_units' AND action = 'delete'
                    AND json_extract(before, '$.code') = ? ORDER BY id DESC LIMIT 1
                    """, arguments: [key]) else {
                throw RegistryError.notFound(what: "unit", key: key)
            }
            return try ChangeHistoryQuery.changes(db, subject: "unit", id: id)
        }
    }

    public func inspection(_ id: Int64) throws -> [RecordedChange] {
        try store.read { db in
            let changes = try ChangeHistoryQuery.changes(db, subject: "inspection", id: id)
            if changes.isEmpty, try Int.fetchOne(db, sql: "SELECT 1 FROM inspections WHERE id = ?", arguments: [id]) == nil {
                throw RegistryError.notFound(what: "inspection", key: String(id))
            }
            return changes
        }
    }

    /// A row of `change_history`: the before and after images are JSON objects (null for an insert or a delete).
    struct Entry: Decodable, FetchableRecord {
        var id: Int64
        var tableName: String
        var rowId: Int64
        var action: String
        var changedAt: String
        var changedBy: String?
        var before: String?
        var after: String?

        static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    static func changes(_ db: Database, subject: String, id: Int64) throws -> [RecordedChange] {
        try Entry.fetchAll(db, sql: """
            SELECT id, table_name, row_id, action, changed_at, changed_by, before, after FROM change_history
            WHERE subject = ? AND subject_id = ? ORDER BY id
            """, arguments: [subject, id]).map { row in
            let before = ChangeHistoryQuery.members(row.before), after = ChangeHistoryQuery.members(row.after)
            var names = before.map(\.0)
            for (name, _) in after where !names.contains(name) { names.append(name) }
            let old = Dictionary(before, uniquingKeysWith: { a, _ in a }), new = Dictionary(after, uniquingKeysWith: { a, _ in a })
            let fields = names.compactMap { name -> RecordedChange.Field? in
                let (b, a) = (old[name], new[name])
                if row.action == "update" && b == a { return nil }
                return RecordedChange.Field(name: name, before: b, after: a)
            }
            return RecordedChange(id: row.id, table: row.tableName, rowId: row.rowId, action: row.action,
                                  changedAt: row.changedAt, changedBy: row.changedBy, fields: fields)
        }
    }

    static func members(_ text: String?) -> [(String, JSONValue)] {
        guard let text, case .object(let members)? = try? JSONText.decode(Array(text.utf8)) else { return [] }
        return members
    }
}
