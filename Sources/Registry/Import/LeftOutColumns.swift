import GRDB

/// Columns an import record leaves out (not in the file's header, cut from a short row, a property the feature lacks)
/// and that the registry holds values in: as an update, the record would empty them without saying so. Refused,
/// naming each column and the value it keeps; a cell given empty empties its column on purpose.
struct LeftOutColumns: RecordRejection {
    let held: [(field: String, value: String)]
    /// What holds them: "unit 0100233488", "instrument FUE-000243 of unit 0100233488".
    let owner: String
    var field: String { held.map(\.field).joined(separator: ", ") }
    var value: String? { nil }
    var expected: String {
        let list = held.map { "\($0.field) \"\($0.value)\"" }.joined(separator: ", ")
        return "\(held.count == 1 ? "the column" : "the columns") given: \(owner) holds \(list) in the registry, which this record, "
            + "leaving \(held.count == 1 ? "it" : "them") out, would empty (an empty cell empties a column on purpose)"
    }

    /// Throws when the row `id` of `table` holds a value in one of `columns` (each a field's name and the SQL of what
    /// a record without it would change: NULL when nothing).
    static func refuse(_ db: Database, table: String, id: Int64, owner: String, columns: [(field: String, sql: String)]) throws {
        guard !columns.isEmpty else { return }
        let sql = "SELECT " + columns.map(\.sql).joined(separator: ", ") + " FROM \(table) WHERE id = ?"
        guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [id]) else { return }
        let held = columns.indices.compactMap { i -> (field: String, value: String)? in
            let value: DatabaseValue = row[i]
            return value.isNull ? nil : (columns[i].field, String.fromDatabaseValue(value) ?? value.description)
        }
        if !held.isEmpty { throw LeftOutColumns(held: held, owner: owner) }
    }
}
