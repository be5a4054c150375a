import CSpatial
import Foundation
import GRDB

/// What a map server asks of a layer beyond the registry filter: a condition and a sort on the layer's own
/// output properties, a subset of them, and a page (keyset after a cursor, or an offset). The layer's statement
/// becomes a subquery `f`, so conditions name its columns (`f.id`, `f.geometry`, `f."code"`); SQLite flattens it,
/// so an id cursor is a rowid range and the filter's indexes still serve.
public struct FeatureSelection: Sendable {
    /// Output properties to keep, in the layer's order; nil keeps them all.
    public var properties: Set<String>?
    /// An extra condition on `f`'s columns, its values bound (a translated CQL2 filter, property equalities).
    public var conditions: [SQL] = []
    /// Output properties to sort by, the first one first; the feature id breaks ties (in the first key's
    /// direction), and alone is the order when empty.
    public var sortBy: [FeatureSortKey] = []
    public var page: PageRequest = .all
    /// Only the feature with this id.
    public var featureId: Int64?
    /// Sort keys whose values depend on the day the layer is read on, as cursors name them ("ward_code on
    /// 2024-06-01"): a cursor made on another day is for another order (`nameTerms(of:on:)`).
    var termNames: [String: String] = [:]

    public init() {}

    /// Names the day of the values that depend on it in `layer` (a unit's ward, an instrument's state on the day),
    /// so that a cursor of the list on another day is refused rather than losing or repeating rows.
    public mutating func nameTerms(of layer: FeatureLayer, on day: LocalDate) {
        termNames = [:]
        for property in layer.dayDependentProperties { termNames[property] = "\(property) on \(day)" }
    }
}

/// A sort on an output property; NULLs come first ascending and last descending, as SQLite orders them.
public struct FeatureSortKey: Sendable, Hashable {
    public var property: String
    public var descending: Bool

    public init(property: String, descending: Bool = false) {
        self.property = property
        self.descending = descending
    }
}

extension FeatureLayer.Query {
    /// The statement for `selection`; its last columns are the sort keys' values, one per key, for cursors.
    /// `fixedShape` when its text is the same for any values (an id, a box, a cursor, a limit), so it may be cached.
    /// `chosenIds`, when given, are the page's ids (and the next page's first) already chosen in id order (by UnitBoxCells).
    func selecting(_ selection: FeatureSelection, extraRow: Bool, chosenIds: [Int64]? = nil) throws -> (query: FeatureLayer.Query, sql: SQL, fixedShape: Bool) {
        let names = Set(properties.map(\.name))
        if let unknown = selection.properties?.sorted().first(where: { !names.contains($0) }) {  // sorted: the same name each time
            throw RegistryError.invalidArgument(field: "properties", value: unknown,
                                                expected: "names of this layer's properties: " + properties.map(\.name).joined(separator: ", "))
        }
        let kept = properties.filter { selection.properties?.contains($0.name) ?? true }
        var conditions = selection.conditions
        // Named, so a statement made once for any id (LayerQueryMemo.byId) takes each request's id by name.
        if let id = selection.featureId { conditions.append(SQL(sql: "f.id = :featureId", arguments: ["featureId": id])) }
        let keys = try sortKeys(selection.sortBy)
        if let after = selection.page.after {
            try after.check(order: selection.order, keyCount: keys.count)
            conditions.append(FeatureLayer.Query.keyset(keys, after))
        }
        func direction(_ descending: Bool) -> SQL { descending ? "DESC" : "ASC" }
        let orderBy: SQL = (keys.map { "\($0.column) \(direction($0.descending))" as SQL }
            + ["f.id \(direction(selection.descendingOrder))" as SQL]).joined(separator: ", ")
        let sortColumns = keys.enumerated().map { i, key in ", \(key.column) AS \(SQL(sql: "sort_value_\(i)"))" as SQL }.joined()
        // A unit's ward is read as its id and named from `wards`: the statement then joins no ward row. Its code
        // and name share that one column, so each row derives its ward once.
        var columns: [SQL] = []
        var wardColumn: Int?
        var sharedColumns: [Int] = []  // each property's column in a row, after the id and the geometry
        for property in kept {
            if wards != nil && property.ward != nil {
                if wardColumn == nil {
                    wardColumn = columns.count + 2
                    columns.append("f.ward_ref")
                }
                sharedColumns.append(wardColumn!)
            } else {
                columns.append(SQL(sql: "f." + property.name.quotedDatabaseIdentifier))
                sharedColumns.append(columns.count + 1)
            }
        }
        let whereClause: SQL = conditions.isEmpty ? "1" : conditions.map { "(\($0))" as SQL }.joined(separator: " AND ")
        let limit = UnitStatement.limit(selection.page, extra: extraRow ? 1 : 0)
        let head: SQL = "SELECT \((["f.id", "f.geometry"] + columns).joined(separator: ", "))\(sortColumns)"
        let sql: SQL
        if let idsFirst, keys.isEmpty, selection.conditions.isEmpty,
           chosenIds != nil || selection.featureId != nil || (idsFirst.narrows && selection.page.limit != nil) {
            // The page's ids from the narrow statement, then the rows of those ids only.
            // Chosen ids come as one JSON array bound by name, so the statement's text is the same for every page
            // and LayerQueryMemo.byChosenIds can keep it, binding each page's array.
            let ids: SQL = chosenIds.map { SQL(sql: "SELECT value FROM json_each(:chosenIds)", arguments: ["chosenIds": FeatureSelection.idArray($0)]) }
                ?? "SELECT id FROM (\(idsFirst.ids)) f WHERE \(whereClause) ORDER BY id" + limit
            sql = "\(head) FROM (\(idsFirst.rows(ids))) f ORDER BY f.id"
        } else {
            sql = "\(head) FROM (\(select)) f WHERE \(whereClause) ORDER BY \(orderBy)" + limit
        }
        let count: SQL = selection.conditions.isEmpty && selection.featureId == nil
            ? countSQL : "SELECT count(*) FROM (\(select)) f WHERE \(whereClause)"
        var query = FeatureLayer.Query(source: source, properties: kept, geometry: geometry, select: select, order: self.order, countSQL: count, name: name)
        query.wards = wards
        query.wardIdColumns = wards != nil
        if sharedColumns != Array(kept.indices.map { $0 + 2 }) { query.sharedColumns = sharedColumns }
        return (query, sql, selection.conditions.isEmpty && selection.properties == nil && keys.isEmpty)
    }

    /// The sort keys as columns of `f`, each a property of this layer named once.
    private func sortKeys(_ keys: [FeatureSortKey]) throws -> [(column: SQL, descending: Bool)] {
        let names = properties.map(\.name)
        guard keys.count <= PageCursor.maximumKeys else {
            throw RegistryError.invalidArgument(field: "sortby", value: keys.map(\.property).joined(separator: ","),
                                                expected: "at most \(PageCursor.maximumKeys) sort keys")
        }
        var seen = Set<String>()
        return try keys.map { key in
            guard let property = properties.first(where: { $0.name == key.property }) else {
                throw RegistryError.invalidArgument(field: "sortby", value: key.property,
                                                    expected: "one of this layer's properties: " + names.joined(separator: ", "))
            }
            guard seen.insert(key.property).inserted else {
                throw RegistryError.invalidArgument(field: "sortby", value: key.property, expected: "each property at most once")
            }
            return (SQL(sql: "f." + property.sortColumn.quotedDatabaseIdentifier), key.descending)
        }
    }

    /// Rows after `after` in the order of `keys` then the id (in the first key's direction): the row-value
    /// comparison written out, `(a > ?) OR (a IS ? AND b < ?) OR … OR (a IS ? AND b IS ? AND f.id > ?)`, so each key
    /// keeps its own direction, with NULLs where SQLite sorts them (first ascending, last descending).
    static func keyset(_ keys: [(column: SQL, descending: Bool)], _ after: PageCursor, id idColumn: SQL = "f.id") -> SQL {
        let idDescending = keys.first?.descending ?? false
        var alternatives: [SQL] = []
        var equalBefore: [SQL] = []
        for (key, value) in zip(keys, after.values) {
            if let beyond = beyond(key.column, value, descending: key.descending) {
                alternatives.append((equalBefore + [beyond]).map { "(\($0))" as SQL }.joined(separator: " AND "))
            }
            equalBefore.append("\(key.column) IS \(value)")
        }
        let id: SQL = idDescending ? "\(idColumn) < \(after.id)" : "\(idColumn) > \(after.id)"
        alternatives.append((equalBefore + [id]).map { "(\($0))" as SQL }.joined(separator: " AND "))
        var condition: SQL = alternatives.map { "(\($0))" as SQL }.joined(separator: " OR ")
        // The first key's bound on its own as well, so an index on it can seek to the cursor.
        if let first = keys.first, !first.descending, !after.value.isNull {
            condition = "\(first.column) >= \(after.value) AND (\(condition))"
        }
        // Whole, so that the conditions it is joined to with AND hold on every alternative (a descending cursor's
        // ORs undid the other filters of `units list`).
        return "(\(condition))"
    }

    /// Values of `column` that sort after `value`; nil when none do (NULL is last descending).
    private static func beyond(_ column: SQL, _ value: DatabaseValue, descending: Bool) -> SQL? {
        switch (value.isNull, descending) {
        case (true, false): "\(column) IS NOT NULL"
        case (true, true): nil
        case (false, false): "\(column) > \(value)"
        case (false, true): "\(column) < \(value) OR \(column) IS NULL"
        }
    }
}

extension FeatureSelection {
    var descendingOrder: Bool { sortBy.first?.descending ?? false }

    /// Ids as the JSON array a chosen page's statement reads with json_each.
    static func idArray(_ ids: [Int64]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    /// One feature by id with every property and nothing else asked: the statement LayerQueryMemo.byId keeps.
    var isWholeFeature: Bool {
        featureId != nil && properties == nil && conditions.isEmpty && sortBy.isEmpty && page.after == nil && page.limit == nil
    }

    /// Where a row of `selecting`'s statement sits in the order: its sort values (the last columns) and id.
    public func cursor(_ row: RawRow) -> PageCursor {
        let first = row.columnCount - sortBy.count
        return PageCursor(values: (first..<row.columnCount).map { row.databaseValue($0) }, id: row.int64(0), order: order)
    }

    /// The sort as its cursors carry it (PageCursor.order).
    var order: String { PageCursor.order(sortBy.map { (termNames[$0.property] ?? $0.property, $0.descending) }) }
}

extension FeatureLayers {
    /// Streams one page of `layer` for `filter` and `selection` in one read transaction: `begin` gets the page's
    /// description and the number of features matched (counted by the database), `body` each row in place.
    /// Returns the cursor of the next page when `selection.page.limit` cut the list short.
    /// `timeLimit` (seconds) interrupts the statements once passed, as an invalid request naming the limit.
    /// `boxCells`: the packed cells choose a box page's ids and count when they can (see `UnitBoxCells.choose`);
    /// the SQL does otherwise. `memo` keeps the layer's statement for `version` (the database's).
    @discardableResult
    public func page(_ layer: FeatureLayer, filter: UnitFilter, selection: FeatureSelection, within: Int = 30, precision: Int = 7,
                     counting: Bool = true, timeLimit: Double? = nil, boxCells: Bool = false,
                     memo: LayerQueryMemo? = nil, version: String = "",
                     begin: (FeatureLayer.Query, Int?) throws -> Void, _ body: (RawRow) throws -> Void) throws -> PageCursor? {
        // One feature by a statement already composed: it is the read's only statement, so it runs outside a
        // transaction (SQLite reads one snapshot for a statement anyway), without a BEGIN and a COMMIT around it.
        let wholeFeatureId = !counting && selection.isWholeFeature ? selection.featureId : nil
        if let id = wholeFeatureId, let byId = memo?.knownById(layer, filter: filter, within: within, precision: precision, version: version) {
            return try store.readOneStatement { db in try TimeLimit.within(timeLimit, db) { try byId.page(db, id: id, begin: begin, body) } }
        }
        return try store.read { db in try TimeLimit.within(timeLimit, db) {
            if let id = wholeFeatureId, let byId = try memo?.byId(db, layer, filter: filter, within: within, precision: precision, version: version) {
                return try byId.page(db, id: id, begin: begin, body)
            }
            let chosen = boxCells ? try UnitBoxCells.choose(db, layer, filter: filter, selection: selection) : nil
            if let chosen, let composed = try memo?.byChosenIds(db, layer, filter: rowsFilterWithoutBox(filter), selection: selection,
                                                                within: within, precision: precision, version: version) {
                let statement = try composed.statement(db, binding: "chosenIds", FeatureSelection.idArray(chosen.ids))
                try begin(composed.query, counting ? chosen.matched : nil)
                return try FeatureLayers.rows(statement, selection: selection, body)
            }
            // Once the cells chose the page's ids and count, the box no longer shapes the statement, which reads
            // those ids' rows: without it, the statement is one per layer and day, kept by the memo, instead of
            // being built for every box (a read of the day's wards and a tenth of a box page's work).
            let rowsFilter = chosen != nil ? rowsFilterWithoutBox(filter) : filter
            let query = try memo?.query(db, layer, filter: rowsFilter, within: within, precision: precision, version: version)
                ?? layer.query(db, filter: rowsFilter, within: within, precision: precision)
            return try FeatureLayers.page(db, query, selection: selection, counting: counting, chosen: chosen, begin: begin, body)
        } }
    }

    /// The filter of the statement that reads the rows of ids the cells chose: the box no longer shapes it.
    private func rowsFilterWithoutBox(_ filter: UnitFilter) -> UnitFilter {
        var rowsFilter = filter
        rowsFilter.bbox = nil
        return rowsFilter
    }

    /// How many features of `layer` match, counted by the database.
    public func count(_ layer: FeatureLayer, filter: UnitFilter, selection: FeatureSelection, within: Int = 30) throws -> Int {
        try store.read { db in
            let q = try layer.query(db, filter: filter, within: within).selecting(selection, extraRow: false).query
            return try Int.fetchOne(db, SQLRequest<Int>(literal: q.countSQL)) ?? 0
        }
    }
}

extension RawRow {
    /// A column as a GRDB value (copied), for cursors.
    public func databaseValue(_ i: Int) -> DatabaseValue {
        switch sqlite3_column_type(statement, Int32(i)) {
        case SQLITE_INTEGER: int64(i).databaseValue
        case SQLITE_FLOAT: double(i).databaseValue
        case SQLITE_TEXT: String(decoding: text(i), as: UTF8.self).databaseValue
        default: .null
        }
    }
}

extension FeatureLayers {
    /// The box around every ward boundary of every period: the registry's area, for the collections' extent.
    public func extent() throws -> BoundingBox? {
        /// The corners of the boxes' union; all NULL when no ward has a boundary.
        struct Corners: Decodable, FetchableRecord { var x1, y1, x2, y2: Double? }
        return try store.read { db in
            guard let c = try Corners.fetchOne(db, sql: """
                SELECT min(MbrMinX(geom)) AS x1, min(MbrMinY(geom)) AS y1, max(MbrMaxX(geom)) AS x2, max(MbrMaxY(geom)) AS y2
                FROM admin_units WHERE geom IS NOT NULL
                """), let x1 = c.x1, let y1 = c.y1, let x2 = c.x2, let y2 = c.y2
            else { return nil }
            return try? BoundingBox(minLon: x1, minLat: y1, maxLon: x2, maxLat: y2)
        }
    }
}

/// A deadline for the statements of one read: SQLite's progress handler asks every 10 000 virtual machine steps
/// whether it has passed, and an interrupted statement becomes an error that names the limit.
enum TimeLimit {
    final class Deadline {
        let nanoseconds: UInt64
        init(_ n: UInt64) { nanoseconds = n }
    }

    static func within<T>(_ seconds: Double?, _ db: Database, _ body: () throws -> T) throws -> T {
        guard let seconds, let handle = db.sqliteConnection else { return try body() }
        let deadline = Unmanaged.passRetained(Deadline(DispatchTime.now().uptimeNanoseconds + UInt64(max(seconds, 0) * 1e9)))
        sqlite3_progress_handler(handle, 10_000, { context in
            let d = Unmanaged<Deadline>.fromOpaque(context!).takeUnretainedValue()
            return DispatchTime.now().uptimeNanoseconds > d.nanoseconds ? 1 : 0
        }, deadline.toOpaque())
        defer {
            sqlite3_progress_handler(handle, 0, nil, nil)
            deadline.release()
        }
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw RegistryError.invalidArgument(field: "request", value: "\(seconds) s",
                                                expected: "a query that ends within the server's time limit: narrow it (bbox, filter, a smaller limit)")
        }
    }
}
