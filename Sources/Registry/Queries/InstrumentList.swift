import GRDB

/// An instrument's verification on a date: expired, due within the window, in date beyond it, or unknown
/// (no verification on record, or no cycle for its type then). The due list's states plus `valid`.
public enum VerificationState: String, Sendable, CaseIterable {
    /// `sealed`: taken out of use at an inspection, whatever its verification date says.
    case expired, sealed, due, valid, unknown
}

extension VerificationState {
    /// The state as SQL over a due-list row: its own, but `valid` where a verification falls beyond `within` days
    /// (the due list calls it `due`: its window decides what it lists). The instruments layer shares it.
    static func sql(within: Int) -> SQL {
        SQL(sql: "CASE WHEN state = 'due' AND -days_overdue > \(within) THEN 'valid' ELSE state END")
    }
}

/// Which instruments to list: those of the units a unit filter selects (ward on its date, kind, status …),
/// of one unit, of some types, in some verification states.
public struct InstrumentFilter: Sendable {
    public var units: UnitFilter
    /// The code of the unit that uses the instruments.
    public var unitCode: String?
    public var types: [String] = []
    public var states: [VerificationState] = []
    /// Days ahead of the date that count as due (as in the due list).
    public var within = 30

    public init(units: UnitFilter) { self.units = units }
}

/// What an instrument list can be sorted by: its columns. `ward` is the code of the unit's ward on the list's date
/// (column ward_code); `unit_name` sorts in Vietnamese alphabetical order. NULLs come first ascending.
public enum InstrumentSortKey: String, CaseIterable, Sendable {
    case unit_code, serial_no, instrument_type, last_verified_on, next_verification_on, days_overdue, ward, id, unit_name, kind,
         ward_name, manufacturer, model, accuracy_class, max_capacity, scale_interval, measure_unit, is_reference, certificate_no,
         cycle_months, state

    /// Whether an instrument may have no value: a page after a cursor then needs the keyset condition that keeps NULLs in place.
    var mayBeNull: Bool {
        switch self {
        case .unit_code, .serial_no, .instrument_type, .last_verified_on, .next_verification_on, .days_overdue, .id, .unit_name, .kind,
             .is_reference, .state: false
        default: true
        }
    }
}

/// An instrument in a list: its unit, the unit's ward on the date, its cycle, due date and state.
public struct ListedInstrument: Sendable {
    public var instrument: MeasuringInstrument
    public var item: DueItem
    public var state: VerificationState
    /// Where the next page starts if this row ends the page.
    public var cursor: PageCursor?

    public var unit: EconomicUnit { item.unit }
}

/// One instrument with what happened to it: verifications recorded, checks at inspections, seals.
public struct InstrumentRecord: Sendable {
    public struct Verification: Sendable, Hashable, Decodable, FetchableRecord {
        public var verifiedOn: String
        public var certificateNo: String?
        public var verifiedBy: String?
        /// When the registry learnt of it (the change history's time).
        public var recordedAt: String

        public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    public struct Check: Sendable, Hashable, Decodable, FetchableRecord {
        public var inspectionId: Int64
        public var inspectedOn: String
        public var kind: String
        public var verdict: String

        public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    public var listed: ListedInstrument
    public var verifications: [Verification]
    public var checks: [Check]
    public var seals: [InstrumentSeal]
    public var version: Int
    public var createdAt: String
    public var updatedAt: String
}

/// The registry's instruments through the due list's statement (one SQL statement: the rule in force at the
/// last verification, due date, state, days overdue), filtered, sorted and paged by the database and streamed.
/// The instruments with their verification state on a date, filtered, sorted and paged by the database (a `ListProvider`).
public struct InstrumentList: ListProvider {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// Streams the matching instruments to `body`; returns the next page's cursor when `page.limit` cut the list.
    @discardableResult
    public func forEach(_ filter: InstrumentFilter, sort: Sorting<InstrumentSortKey>? = nil, page: PageRequest = .all,
                        _ body: (ListedInstrument) throws -> Void) throws -> PageCursor? {
        try forEach(filter, sorts: sort.map { [$0] } ?? [], page: page, body)
    }

    /// The same, sorted by several keys, the first sorting first (see `Sorting.list(parsing:)`).
    @discardableResult
    public func forEach(_ filter: InstrumentFilter, sorts: [Sorting<InstrumentSortKey>], page: PageRequest = .all,
                        _ body: (ListedInstrument) throws -> Void) throws -> PageCursor? {
        try store.read { db in
            let statement = try InstrumentStatement(db, filter, sorts: sorts)
            try page.after?.check(order: statement.order, keyCount: 1 + statement.laterKeys.count)
            let cursor = try Row.fetchCursor(db, SQLRequest<Row>(literal: statement.select(page: page)))
            var count = 0
            var last: ListedInstrument?
            while let row = try cursor.next() {
                if let limit = page.limit, count == limit { return last?.cursor }
                let item = statement.item(row)
                try body(item)
                last = item
                count += 1
            }
            return nil
        }
    }

    public func list(_ filter: InstrumentFilter, sort: Sorting<InstrumentSortKey>? = nil, page: PageRequest = .all) throws -> ListPage<ListedInstrument> {
        var items: [ListedInstrument] = []
        let next = try forEach(filter, sort: sort, page: page) { items.append($0) }
        return ListPage(items: items, next: next)
    }

    /// How many instruments match, counted by the database.
    public func count(_ filter: InstrumentFilter) throws -> Int {
        try store.read { db in
            let statement = try InstrumentStatement(db, filter, sorts: [])
            return try Int.fetchOne(db, SQLRequest<Int>(literal: "SELECT count(*) FROM (\(statement.filtered))")) ?? 0
        }
    }

    public func get(_ id: Int64, _ filter: InstrumentFilter) throws -> ListedInstrument? {
        try store.read { db in try InstrumentList.get(db, id, filter) }
    }

    static func get(_ db: Database, _ id: Int64, _ filter: InstrumentFilter) throws -> ListedInstrument? {
        let statement = try InstrumentStatement(db, filter, sorts: [])
        return try Row.fetchOne(db, SQLRequest<Row>(literal: "SELECT * FROM (\(statement.filtered)) WHERE instrument_id = \(id)")).map(statement.item)
    }

    /// One instrument by its id or serial number (`unitCode` tells apart equal serials of different units), its
    /// state on `asOf` with `within` days counting as due.
    public func show(_ key: String, unitCode: String? = nil, asOf: LocalDate, within: Int = 30) throws -> InstrumentRecord {
        try store.read { db in
            let id = try InstrumentList.id(db, key: key, unitCode: unitCode)
            var filter = InstrumentFilter(units: UnitFilter(asOf: asOf))
            filter.units.statuses = []
            filter.within = within
            guard let listed = try InstrumentList.get(db, id, filter) else { throw RegistryError.notFound(what: "instrument", key: key) }
            struct Stamps: Decodable, FetchableRecord { var version: Int; var createdAt, updatedAt: String
                static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase }
            let stamps = try Stamps.fetchOne(db, sql: "SELECT version, created_at, updated_at FROM measuring_instruments WHERE id = ?", arguments: [id])!
            // Each time last_verified_on took a new value, by the change history (v7): the insert or the update.
            let verifications = try InstrumentRecord.Verification.fetchAll(db, sql: """
                SELECT json_extract(after, '$.last_verified_on') AS verified_on, json_extract(after, '$.certificate_no') AS certificate_no,
                       json_extract(after, '$.verified_by') AS verified_by, changed_at AS recorded_at
                FROM change_history
                WHERE table_name = 'measuring_instruments' AND row_id = ? AND action IN ('insert', 'update')
                  AND json_extract(after, '$.last_verified_on') IS NOT NULL
                  AND json_extract(after, '$.last_verified_on') IS NOT json_extract(before, '$.last_verified_on')
                ORDER BY id
                """, arguments: [id])
            let checks = try InstrumentRecord.Check.fetchAll(db, sql: """
                SELECT i.id AS inspection_id, i.inspected_on, t.kind, t.verdict FROM inspection_tests t JOIN inspections i ON i.id = t.inspection_id
                WHERE t.instrument_id = ? ORDER BY i.inspected_on, t.id
                """, arguments: [id])
            let seals = try InstrumentSeal.fetchAll(db, sql: InstrumentSeal.select + " WHERE s.instrument_id = ? ORDER BY s.sealed_on, s.id",
                                                    arguments: [id])
            return InstrumentRecord(listed: listed, verifications: verifications, checks: checks, seals: seals,
                                    version: stamps.version, createdAt: stamps.createdAt, updatedAt: stamps.updatedAt)
        }
    }

    /// The id of the instrument `key` names: its id, or its serial number (at `unitCode` if given).
    static func id(_ db: Database, key: String, unitCode: String?) throws -> Int64 {
        let serial = VietnameseText.normalised(key)
        let code = unitCode.map { VietnameseText.normalised($0).uppercased() }
        struct Match: Decodable, FetchableRecord { var id: Int64; var code: String; var instrumentType: String
            static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase }
        var matches = try Match.fetchAll(db, sql: """
            SELECT m.id, u.code, m.instrument_type FROM measuring_instruments m JOIN economic_units u ON u.id = m.unit_id
            WHERE m.serial_no = ? AND (?2 IS NULL OR u.code = ?2) ORDER BY u.code, m.instrument_type
            """, arguments: [serial, code])
        if matches.isEmpty, let n = Int64(key) {
            matches = try Match.fetchAll(db, sql: """
                SELECT m.id, u.code, m.instrument_type FROM measuring_instruments m JOIN economic_units u ON u.id = m.unit_id
                WHERE m.id = ? AND (?2 IS NULL OR u.code = ?2)
                """, arguments: [n, code])
        }
        guard let first = matches.first else {
            throw RegistryError.notFound(what: "instrument", key: key, hint: code.map { "with that serial number or id at unit \($0)" })
        }
        guard matches.count == 1 else {
            let which = matches.map { "\($0.instrumentType) at \($0.code) (id \($0.id))" }
            throw RegistryError.invalidArgument(field: "instrument", value: key,
                                                expected: "a serial number of one instrument; it is that of " + which.joined(separator: ", ")
                                                    + ": give the unit code or the id")
        }
        return first.id
    }
}

/// One instrument question as SQL: the due list's statement for the units, then the unit, type and state
/// conditions, the sort and the page, all bound.
struct InstrumentStatement {
    let filtered: SQL
    let sortKey: InstrumentSortKey
    let descending: Bool
    /// Keys after the first, each in its own direction.
    let laterKeys: [Sorting<InstrumentSortKey>]
    /// The sort in force (the default key included) as its cursors carry it.
    let order: String

    init(_ db: Database, _ filter: InstrumentFilter, sorts: [Sorting<InstrumentSortKey>]) throws {
        var due = DueFilter.instruments(of: filter.units)
        due.within = filter.within
        due.types = filter.types
        due.reinspections = false
        // With the due list's re-inspection columns (NULL here), so that DueItem reads both lists' rows alike.
        let (_, inner) = try DueList.listStatement(db, due)
        var conditions: [SQL] = []
        if let code = filter.unitCode {
            let normalised = VietnameseText.normalised(code).uppercased()
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM economic_units WHERE code = ?", arguments: [normalised]) == true else {
                throw RegistryError.notFound(what: "unit", key: code)
            }
            conditions.append("unit_code = \(normalised)")
        }
        if !filter.states.isEmpty { conditions.append("verification_state IN \(filter.states.map(\.rawValue))") }
        filtered = """
            SELECT * FROM (SELECT *, \(VerificationState.sql(within: filter.within)) AS verification_state FROM (\(inner)))
            WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
            """
        sortKey = sorts.first?.key ?? .unit_code
        descending = sorts.first?.descending ?? false
        laterKeys = Array(sorts.dropFirst())
        order = PageCursor.order([(sortKey.rawValue, descending)] + laterKeys.map { ($0.key.rawValue, $0.descending) })
    }

    var sortExpression: SQL { expression(sortKey) }

    /// The first keys are never NULL, so that a row-value comparison on them loses no row; the others (`mayBeNull`: the
    /// ward, NULL outside every ward, the optional fields) are compared by the server's keyset condition, which keeps
    /// NULLs where SQLite sorts them.
    func expression(_ key: InstrumentSortKey) -> SQL {
        switch key {
        case .unit_code: "unit_code"
        case .serial_no: "serial_no"
        case .instrument_type: "instrument_type"
        case .last_verified_on: "coalesce(last_verified_on, '')"
        case .next_verification_on: "coalesce(due_on, '')"
        case .days_overdue: "coalesce(days_overdue, -1000000)"
        case .ward: "ward_code"
        case .id: "instrument_id"
        case .unit_name: "(SELECT k.name_key FROM economic_units k WHERE k.id = f.id)"
        case .kind: "kind"
        case .ward_name: "ward_name"
        case .manufacturer: "manufacturer"
        case .model: "model"
        case .accuracy_class: "accuracy_class"
        case .max_capacity: "max_capacity"
        case .scale_interval: "scale_interval"
        case .measure_unit: "measure_unit"
        case .is_reference: "is_reference"
        case .certificate_no: "certificate_no"
        case .cycle_months: "cycle_months"
        case .state: "verification_state"
        }
    }

    func select(page: PageRequest) -> SQL {
        let order: SQL = descending ? "DESC" : "ASC"
        let later = laterKeys.map { (column: expression($0.key), descending: $0.descending) }
        let laterValues = later.enumerated().map { i, key in ", \(key.column) AS \(SQL(sql: "sort_value_\(i + 1)"))" as SQL }.joined()
        var sql: SQL = "SELECT *, \(sortExpression) AS sort_value\(laterValues) FROM (\(filtered)) f"
        if let after = page.after, !later.isEmpty || sortKey.mayBeNull {
            sql += " WHERE \(FeatureLayer.Query.keyset([(sortExpression, descending)] + later, after, id: "instrument_id"))"
        } else if let after = page.after {
            let op: SQL = descending ? "<" : ">"
            sql += " WHERE (\(sortExpression), instrument_id) \(op) (\(after.value), \(after.id))"
        }
        let laterOrder = later.map { ", \($0.column) \(SQL(sql: $0.descending ? "DESC" : "ASC"))" as SQL }.joined()
        sql += " ORDER BY sort_value \(order)\(laterOrder), instrument_id \(order)"
        // One row more than asked tells whether there is a next page.
        return sql + UnitStatement.limit(page, extra: 1)
    }

    /// Where the instrument's state is, after the due item's columns; in a page the sort values follow it.
    static let stateColumn = DueItem.Column.allCases.last!.rawValue + 1

    func item(_ row: Row) -> ListedInstrument {
        let item = DueItem(row: row)
        // The instrument statement reads instrument rows only: every row has one.
        let instrument = item.instrument!
        let sortColumn = InstrumentStatement.stateColumn + 1
        return ListedInstrument(instrument: instrument, item: item, state: VerificationState(rawValue: row[InstrumentStatement.stateColumn]) ?? .unknown,
                                cursor: row.count > sortColumn
                                    ? PageCursor(values: (0...laterKeys.count).map { row[sortColumn + $0] }, id: instrument.id, order: order) : nil)
    }
}
