import Foundation
import GRDB

/// The layers the registry hands to map tools (export, and the OGC API next): each one SQL statement
/// whose first column is the feature id, the second its geometry, the rest typed properties.
public enum FeatureLayer: String, CaseIterable, Sendable {
    case units, markets, stalls, instruments, due, wards, inspections

    /// Properties whose values depend on the day the layer is read on (its `datetime`, `--as-of`): a unit's ward,
    /// an instrument's state and days overdue. An inspection's ward is the one on its own day.
    public var dayDependentProperties: [String] {
        switch self {
        case .units, .markets, .stalls: ["ward_code", "ward_name"]
        case .instruments, .due: ["ward_code", "ward_name", "state", "days_overdue"]
        case .wards, .inspections: []
        }
    }

    public enum PropertyType: String, Sendable { case text, integer, real, boolean, date, timestamp }

    /// How the geometry column arrives: a SpatiaLite point blob, or GeoJSON text made by SpatiaLite
    /// (polygons, counter-clockwise outer rings as RFC 7946 asks).
    public enum GeometryEncoding: Sendable { case pointBlob, geoJSONText }

    public struct Property: Sendable {
        public let name: String
        public let type: PropertyType
        let sql: SQL
        /// For a unit's ward of the day (its code or name): which text of WardNames names it from the ward's id.
        public var ward: WardNames.Field? = nil
        /// What a sort on the property compares, when not its value: a unit's name sorts by its `name_key`, in
        /// Vietnamese alphabetical order. The layer's statement selects it as column `sortColumn`.
        var sortSQL: SQL? = nil

        /// The column of a layer's statement that a sort on the property reads.
        var sortColumn: String { sortSQL == nil ? name : name + " sort" }
    }

    /// A layer's statement for one request, ready to stream.
    public struct Query: Sendable {
        /// The collection a statement reads: one of the registry's layers, or a reference layer (by its name).
        public enum Source: Sendable, Hashable {
            case registry(FeatureLayer)
            case reference(String)
        }

        public let source: Source
        public let properties: [Property]
        public let geometry: GeometryEncoding
        /// The statement without its ORDER BY, its columns named `id`, `geometry` and after the properties,
        /// so a selection (FeatureSelection) can wrap it.
        let select: SQL
        let order: SQL
        let countSQL: SQL
        /// The name in files when it is not the source's (a layer derived from one, such as ward_summary from wards).
        public var name: String? = nil
        /// For layers whose filter needs no property column: pages in id order pick their ids here first.
        var idsFirst: IdsFirst? = nil
        /// The registry's wards, for layers of units: a page's statement (`selecting`) then reads the ward's id
        /// (column `ward_ref`) for properties with a `ward` field, and these name it.
        public internal(set) var wards: WardNames? = nil
        /// Whether the columns of properties with a `ward` field hold the ward's id, to be named by `wards`
        /// (see `text(_:_:)`), rather than the text itself.
        public internal(set) var wardIdColumns = false
        /// Where each property's value is in a row, when not in the column after the previous one's (the first
        /// after the id and the geometry): the ward's code and name read the one ward id column (`wardIdColumns`),
        /// so the statement derives a unit's ward once per row, not once per property.
        var sharedColumns: [Int]? = nil

        var sql: SQL { select + " ORDER BY \(order)" }

        /// The column of a row that holds property `index` (of `properties`).
        @inline(__always) public func column(_ index: Int) -> Int { sharedColumns?[index] ?? index + 2 }

        /// The text of property `index` (of `properties`) in `row`, whose columns begin with the id and the geometry:
        /// the column's, or the ward's code or name for the ward id the column holds (`wardIdColumns`). No address
        /// for NULL, as `RawRow.text`.
        @inline(__always) public func text(_ row: RawRow, _ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
            let at = column(index)
            if wardIdColumns, let field = properties[index].ward, let wards {
                if row.isNull(at) { return body(UnsafeBufferPointer(start: nil, count: 0)) }
                return wards.text(row.int64(at), field, body)
            }
            body(row.text(at))
        }

        /// The name a file or a FeatureCollection gives the features.
        public var collectionName: String {
            if let name { return name }
            switch source {
            case .registry(let layer): return layer.rawValue
            case .reference(let name): return name
            }
        }
    }

    /// A layer's ids alone, from the filter's narrow part (indexes, no ward or property column), and its statement
    /// for a chosen list of ids: a page of 100 in a box of 14 000 units then computes 100 rows, not 14 000.
    struct IdsFirst: Sendable {
        /// `SELECT … AS id FROM … WHERE …`, every matching feature's id.
        let ids: SQL
        /// The layer's statement (as `Query.select`) for the ids a subquery gives.
        let rows: @Sendable (SQL) -> SQL
        /// Whether the filter narrows the units by more than the day (a box, a kind, a ward…). When it does not,
        /// a page reads its rows in id order in one pass; choosing ids first would read each row twice.
        var narrows = true
    }

    static func p(_ name: String, _ type: PropertyType, _ sql: SQL, sortedBy: SQL? = nil) -> Property {
        Property(name: name, type: type, sql: sql, sortSQL: sortedBy)
    }

    /// The unit properties every unit-based layer carries, for the ward of the filter's date.
    static let unitProperties: [Property] = [
        p("code", .text, "u.code"), p("name", .text, "u.name", sortedBy: "u.name_key"), p("kind", .text, "u.kind"), p("status", .text, "u.status"),
        p("status_since", .date, "u.status_since"), p("registered_on", .date, "u.registered_on"), p("vsic", .text, "u.vsic_codes"),
        p("owner", .text, "u.owner"), p("address", .text, "u.address"), p("market_code", .text, "mk.code"),
        p("stall_no", .text, "u.stall_no"), p("zone", .text, "u.zone"),
        Property(name: "ward_code", type: .text, sql: "ward_code", ward: .code),
        Property(name: "ward_name", type: .text, sql: "ward_name", ward: .name), p("declared_ward_code", .text, "u.declared_ward_code"),
        p("ward_flag", .text, "u.ward_flag"), p("version", .integer, "u.version"), p("updated_at", .timestamp, "u.updated_at"),
    ]

    static let instrumentProperties: [Property] = [
        p("unit_code", .text, "code"), p("unit_name", .text, "name", sortedBy: "name_key"), p("kind", .text, "kind"),
        p("instrument_type", .text, "instrument_type"), p("type_name", .text, "(SELECT name_vi FROM instrument_types t WHERE t.code = instrument_type)"),
        p("serial_no", .text, "serial_no"), p("manufacturer", .text, "manufacturer"), p("model", .text, "model"),
        p("accuracy_class", .text, "accuracy_class"), p("max_capacity", .real, "max_capacity"), p("scale_interval", .real, "scale_interval"),
        p("measure_unit", .text, "measure_unit"), p("is_reference", .boolean, "is_reference"),
        p("last_verified_on", .date, "last_verified_on"), p("cycle_months", .integer, "cycle_months"),
        p("next_verification_on", .date, "due_on"), p("state", .text, "state"), p("days_overdue", .integer, "days_overdue"),
        p("ward_code", .text, "ward_code"), p("ward_name", .text, "ward_name"),
    ]

    /// The instruments layer's state is an instrument's, as `econgis instruments list` gives it: `valid` when its
    /// verification falls beyond the due window (`within`), where the due list says `due` (its window decides what
    /// it lists). The layer's statement computes it as `verification_state`.
    static let instrumentLayerProperties: [Property] = instrumentProperties.map { property in
        property.name != "state" ? property : p("state", .text, "verification_state")
    }

    static let wardProperties: [Property] = [
        p("code", .text, "w.code"), p("name", .text, "w.name"), p("level", .text, "w.level"), p("valid_from", .date, "w.valid_from"),
        p("valid_to", .date, "w.valid_to"), p("area_km2", .real, "round(ST_Area(w.geom, 1) / 1e6, 3)"),
    ]

    static let inspectionProperties: [Property] = [
        p("unit_code", .text, "u.code"), p("unit_name", .text, "u.name", sortedBy: "u.name_key"), p("kind", .text, "u.kind"),
        p("inspected_on", .date, "i.inspected_on"), p("scope", .text, "i.scope"), p("outcome", .text, "i.outcome"),
        p("team", .text, "i.team"), p("note", .text, "i.note"),
        p("violations", .integer, "(SELECT count(*) FROM violations v WHERE v.inspection_id = i.id)"),
        p("violation_codes", .text, "(SELECT group_concat(v.category, ' ') FROM violations v WHERE v.inspection_id = i.id)"),
        p("fine_vnd", .integer, "(SELECT sum(v.fine_vnd) FROM violations v WHERE v.inspection_id = i.id)"),
        // Open on the layer's date (`asof.day`), as the report and the due list count them.
        p("open_follow_ups", .integer, """
            (SELECT count(*) FROM violations v WHERE v.inspection_id = i.id AND v.follow_up_due IS NOT NULL
             AND (v.resolved_on IS NULL OR v.resolved_on > asof.day))
            """),
        p("ward_code", .text, "(SELECT x.code FROM admin_units x WHERE x.id = \(UnitStatement.wardId(onSQL: "i.inspected_on")))"),
        p("ward_name", .text, "(SELECT x.name FROM admin_units x WHERE x.id = \(UnitStatement.wardId(onSQL: "i.inspected_on")))"),
    ]

    public var properties: [Property] {
        switch self {
        case .units, .markets, .stalls: FeatureLayer.unitProperties
        case .instruments: FeatureLayer.instrumentLayerProperties
        case .due: FeatureLayer.instrumentProperties
        case .wards: FeatureLayer.wardProperties
        case .inspections: FeatureLayer.inspectionProperties
        }
    }

    /// The statement for `filter` (its date reads wards and states; `within` the due window).
    /// `precision` is for layers whose geometry SpatiaLite writes as GeoJSON.
    public func query(_ db: Database, filter: UnitFilter, within: Int = 30, precision: Int = 7) throws -> Query {
        var filter = filter
        let properties = self.properties
        @Sendable func select(_ id: SQL, _ geometry: SQL, _ from: SQL, more: SQL = "") -> SQL {
            let columns = properties.map { "\($0.sql) AS \(SQL(sql: $0.name.quotedDatabaseIdentifier))" as SQL }
                + properties.compactMap { p in p.sortSQL.map { "\($0) AS \(SQL(sql: p.sortColumn.quotedDatabaseIdentifier))" as SQL } }
            return "SELECT \(id) AS id, \(geometry) AS geometry, \(columns.joined(separator: ", "))\(more) FROM \(from)"
        }
        switch self {
        case .units, .markets, .stalls:
            if self == .markets { filter.kinds = [.market] }
            if self == .stalls { filter.kinds = [.market_stall] }
            let plan = try UnitStatement(db, filter: filter, sort: nil, wardsOn: [])
            let geometry: SQL = self == .markets
                ? "AsGeoJSON(CASE WHEN u.footprint IS NOT NULL THEN ST_ForcePolygonCCW(u.footprint) ELSE u.geom END, \(precision))"
                : "u.geom"
            // The ward's id as well as its code and name: a page names it from WardNames, and SQLite then leaves
            // out the join of the ward's row, which only the code and name read.
            let wardColumns: SQL = plan.wardColumns + ", \(plan.wardIdColumn) AS ward_ref"
            let sql = select("u.id", geometry, "(SELECT u.*, \(wardColumns) FROM \(plan.from) WHERE \(plan.whereClause)) u LEFT JOIN economic_units mk ON mk.id = u.market_id",
                             more: ", u.ward_ref AS ward_ref")
            let from = plan.rowsFrom
            // With a text search, the ids are the search index's rowids: FTS5 gives them in order and takes the
            // cursor's bound, so a page stops at its end instead of sorting every match (as for u.id, whose order
            // SQLite does not carry over the join). `q=quan com` (167 419 of a million units): 0.13 s to 0.02 s a page.
            let id: SQL = plan.searchJoin.isEmpty ? "u.id" : "s.rowid"
            var idsFirst = IdsFirst(ids: "SELECT \(id) AS id FROM \(plan.countFrom) WHERE \(plan.whereClause)") { ids in
                select("u.id", geometry, "(SELECT u.*, \(wardColumns) FROM \(from) WHERE u.id IN (\(ids))) u LEFT JOIN economic_units mk ON mk.id = u.market_id",
                       more: ", u.ward_ref AS ward_ref")
            }
            idsFirst.narrows = !(filter.kinds.isEmpty && filter.statuses.isEmpty && filter.bbox == nil && filter.near == nil && filter.wardCode == nil
                && filter.search == nil && filter.vsicPrefix == nil && !filter.flaggedOnly && filter.changedSince == nil)
            return Query(source: .registry(self), properties: properties, geometry: self == .markets ? .geoJSONText : .pointBlob,
                         select: sql, order: "u.id", countSQL: plan.countSQL, idsFirst: idsFirst, wards: try WardNames.read(db))
        case .instruments, .due:
            // The instruments layer has what `instruments list` has; the due layer, the due list's open units.
            var due = self == .instruments ? DueFilter.instruments(of: filter) : DueFilter(units: filter)
            // The instruments layer's state for the layer's window (`within`), as `instruments list --within` gives it.
            due.within = within
            let (_, inner) = try DueList.statement(db, due)
            let listed: SQL = self == .due ? DueList.listed(due) : "1"
            let sql = select("instrument_id", "geom", """
                (SELECT d.*, \(VerificationState.sql(within: within)) AS verification_state, g.geom, g.name_key
                 FROM (\(inner)) d JOIN economic_units g ON g.id = d.id) WHERE \(listed)
                """)
            return Query(source: .registry(self), properties: properties, geometry: .pointBlob, select: sql, order: "instrument_id",
                         countSQL: "SELECT count(*) FROM (\(inner)) WHERE \(listed)")
        case .wards:
            let from: SQL = "admin_units w WHERE w.level = 'ward' AND \(Period(filter.asOf).contains("w"))"
            return Query(source: .registry(self), properties: properties, geometry: .geoJSONText,
                         select: select("w.id", "AsGeoJSON(ST_ForcePolygonCCW(w.geom), \(precision))", from), order: "w.code",
                         countSQL: "SELECT count(*) FROM \(from)")
        case .inspections:
            let plan = try UnitStatement(db, filter: filter, sort: nil, wardsOn: [], existedOnly: false)
            // `asof`: the layer's date as a row, for properties that depend on it (open_follow_ups).
            let rows: SQL = " JOIN inspections i ON i.unit_id = u.id CROSS JOIN (SELECT \(filter.asOf.description) AS day) asof"
            let from: SQL = "\(plan.from(joining: rows)) WHERE \(plan.whereClause) AND i.inspected_on <= \(filter.asOf.description)"
                + " AND i.status IN ('done', 'closed')"  // past inspections: planned, started and cancelled ones found nothing yet
            return Query(source: .registry(self), properties: properties, geometry: .pointBlob,
                         select: select("i.id", "u.geom", from), order: "i.id", countSQL: "SELECT count(*) FROM \(from)")
        }
    }
}

/// Streams layers out of the registry.
public struct FeatureLayers: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// Runs `layer` for `filter` and hands each row to `body` in place (see RawRow), in one read
    /// transaction; returns the query's description of its columns first through `begin`.
    public func stream(_ layer: FeatureLayer, filter: UnitFilter, within: Int = 30, precision: Int = 7,
                       begin: (FeatureLayer.Query) throws -> Void, _ body: (RawRow) throws -> Void) throws {
        try store.read { db in
            let q = try layer.query(db, filter: filter, within: within, precision: precision)
            try begin(q)
            try RawRow.forEach(db, q.sql, body)
        }
    }

    public func count(_ layer: FeatureLayer, filter: UnitFilter, within: Int = 30) throws -> Int {
        try store.read { db in
            let q = try layer.query(db, filter: filter, within: within)
            return try Int.fetchOne(db, SQLRequest<Int>(literal: q.countSQL)) ?? 0
        }
    }
}

/// Layer statements already composed, for one database version (they read the wards valid on the day): composing
/// one (every property, the ward expression, that read) was a third of a by-id request's own work. Kept only for
/// filters of the day, kinds and statuses; a box, a search or any other filter is composed each time.
public final class LayerQueryMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var version = ""
    private var queries: [String: FeatureLayer.Query] = [:]
    private var byIds: [String: Composed] = [:]

    public init() {}

    /// The memo's key for `filter`, nil for filters it does not keep.
    private static func key(_ layer: FeatureLayer, filter: UnitFilter, within: Int, precision: Int) -> String? {
        guard filter.wardCode == nil, filter.vsicPrefix == nil, filter.bbox == nil, filter.near == nil,
              filter.search == nil, !filter.flaggedOnly, filter.changedSince == nil else { return nil }
        return "\(layer.rawValue)|\(filter.asOf)|\(filter.kinds.map { $0.rawValue })|\(filter.statuses.map { $0.rawValue })|\(within)|\(precision)"
    }

    /// What is kept for `version`; a new version forgets everything (the wards valid on a day may have changed).
    private func known<T>(_ version: String, _ read: () -> T?) -> T? {
        lock.lock()
        defer { lock.unlock() }
        if self.version != version { (self.version, queries, byIds) = (version, [:], [:]) }
        return read()
    }

    private func keep(_ version: String, _ write: () -> Void) {
        lock.lock()
        if self.version == version, queries.count + byIds.count < 512 { write() }
        lock.unlock()
    }

    func query(_ db: Database, _ layer: FeatureLayer, filter: UnitFilter, within: Int, precision: Int, version: String) throws -> FeatureLayer.Query {
        guard !version.isEmpty, let key = LayerQueryMemo.key(layer, filter: filter, within: within, precision: precision) else {
            return try layer.query(db, filter: filter, within: within, precision: precision)
        }
        if let known = known(version, { queries[key] }) { return known }
        let made = try layer.query(db, filter: filter, within: within, precision: precision)
        keep(version) { queries[key] = made }
        return made
    }

    /// A layer's statement composed once per database version for requests that differ only in one value bound by
    /// name: composing it (the layer, the selection, GRDB's SQL to text) was the largest part of a by-id request's
    /// own work, and a tenth of a box page's.
    struct Composed {
        let query: FeatureLayer.Query
        let sql: String
        /// The filter's values; the varying one is bound by name per request.
        let arguments: StatementArguments

        /// The statement, prepared once per connection, with `value` bound to `:name`.
        func statement(_ db: Database, binding name: String, _ value: some DatabaseValueConvertible) throws -> Statement {
            let statement = try db.cachedStatement(sql: sql)
            var arguments = self.arguments
            _ = arguments.append(contentsOf: [name: value])
            try statement.setArguments(arguments)
            return statement
        }

        func page(_ db: Database, id: Int64, begin: (FeatureLayer.Query, Int?) throws -> Void, _ body: (RawRow) throws -> Void) throws -> PageCursor? {
            let statement = try statement(db, binding: "featureId", id)
            try begin(query, nil)
            try RawRow.forEach(statement, body)
            return nil
        }
    }

    /// One feature of any id (`:featureId`).
    func byId(_ db: Database, _ layer: FeatureLayer, filter: UnitFilter, within: Int, precision: Int, version: String) throws -> Composed? {
        var selection = FeatureSelection()
        selection.featureId = 0
        return try composed(db, layer, "id", filter: filter, selection: selection, within: within, precision: precision, version: version)
    }

    /// The by-id statement if it was already composed for this version, without a database to make it.
    func knownById(_ layer: FeatureLayer, filter: UnitFilter, within: Int, precision: Int, version: String) -> Composed? {
        guard let key = composedKey(layer, "id", filter: filter, within: within, precision: precision, version: version) else { return nil }
        return known(version) { byIds[key] }
    }

    /// The rows of a box page whose ids UnitBoxCells chose (`:chosenIds`, a JSON array), for the properties asked.
    func byChosenIds(_ db: Database, _ layer: FeatureLayer, filter: UnitFilter, selection: FeatureSelection, within: Int, precision: Int,
                     version: String) throws -> Composed? {
        var shape = FeatureSelection()
        shape.properties = selection.properties
        shape.page = selection.page
        let properties = selection.properties.map { $0.sorted().joined(separator: ",") } ?? "*"
        return try composed(db, layer, "chosen|" + properties, filter: filter, selection: shape, within: within, precision: precision,
                            version: version, chosenIds: [])
    }

    private func composed(_ db: Database, _ layer: FeatureLayer, _ shape: String, filter: UnitFilter, selection: FeatureSelection,
                          within: Int, precision: Int, version: String, chosenIds: [Int64]? = nil) throws -> Composed? {
        guard let key = composedKey(layer, shape, filter: filter, within: within, precision: precision, version: version) else { return nil }
        if let known = known(version, { byIds[key] }) { return known }
        let (query, sql, _) = try self.query(db, layer, filter: filter, within: within, precision: precision, version: version)
            .selecting(selection, extraRow: false, chosenIds: chosenIds)
        let (text, arguments) = try sql.build(db)
        let made = Composed(query: query, sql: text, arguments: arguments)
        keep(version) { byIds[key] = made }
        return made
    }

    /// Where a composed statement of `shape` is kept; nil when it is not kept (no version, or a filter the memo
    /// does not key).
    private func composedKey(_ layer: FeatureLayer, _ shape: String, filter: UnitFilter, within: Int, precision: Int, version: String) -> String? {
        guard !version.isEmpty, let layerKey = LayerQueryMemo.key(layer, filter: filter, within: within, precision: precision) else { return nil }
        return layerKey + "|" + shape
    }
}
