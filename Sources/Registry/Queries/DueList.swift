import GRDB
import GeoJSON

/// What needs a check at a unit on a date: an instrument whose verification has expired, falls due or is
/// unknown, an instrument sealed at an inspection (not valid until re-verified), or a re-inspection a
/// violation scheduled (with the instrument its failed test measured, if any).
public struct DueItem: Sendable {
    public enum State: String, Sendable, CaseIterable { case expired, sealed, reinspection, due, unknown }

    /// The open seal of a sealed instrument.
    public struct Seal: Sendable {
        public var id: Int64
        public var sealedOn: LocalDate
        public var reason: String
    }

    /// The violation whose follow-up is due, and the inspection that found it.
    public struct Reinspection: Sendable {
        public var violationId: Int64
        public var inspectionId: Int64
        public var category: String
        public var foundOn: LocalDate
        public var followUp: String?
    }

    /// nil for a re-inspection of a violation that no instrument's test found (labels, prices, origin).
    public var instrument: MeasuringInstrument?
    public var unit: EconomicUnit
    public var ward: AdminUnit?
    public var cycleMonths: Int?
    /// The verification's due date, or the re-inspection's.
    public var dueOn: LocalDate?
    public var state: State
    /// Days past the due date (negative: days left); for a sealed instrument, days since the sealing.
    public var daysOverdue: Int?
    public var seal: Seal?
    public var reinspection: Reinspection?

    /// Why the item is on the list, in words.
    public var reason: String {
        if let seal, state == .sealed {
            return "sealed on \(seal.sealedOn) (seal \(seal.id)): \(seal.reason); not to be used until re-verified"
        }
        if let r = reinspection {
            let what = r.followUp ?? "re-inspection"
            let when = daysOverdue.map { $0 > 0 ? "\($0) days overdue" : $0 < 0 ? "due in \(-$0) days" : "due today" } ?? ""
            return "\(what) after \(r.category) found on \(r.foundOn) (inspection \(r.inspectionId)), \(when)"
        }
        guard let last = instrument?.lastVerifiedOn else { return "no verification on record" }
        if state == .unknown, cycleMonths != nil, dueOn == nil {
            return "verified \(last), after the list's date: the verification in force then is not on record"
        }
        guard let months = cycleMonths, let days = daysOverdue else {
            return "no verification cycle for \(instrument?.type ?? "") on \(last) in verification_rules"
        }
        return state == .expired
            ? "verification expired \(days) days ago (verified \(last), cycle \(months) months)"
            : "due in \(-days) days (verified \(last), cycle \(months) months)"
    }
}

/// A verification cycle rule from `verification_rules`, with its validity.
public struct VerificationCycle: Sendable, Decodable, FetchableRecord {
    public var instrumentType: String
    public var months: Int
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    public var source: String
    public var typeName: String?
    public var confidence: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// What the due list can be sorted by: its columns. `state` sorts by urgency (expired, sealed, re-inspection,
/// unknown, due); `unit_name` in Vietnamese alphabetical order; NULLs (no due date, no ward) first ascending.
public enum DueSortKey: String, CaseIterable, Sendable {
    case state, days_overdue, due_on, unit_code, unit_name, kind, ward_code, ward_name, address, instrument_type, serial_no,
         last_verified_on, cycle_months

    /// The list's order when no other is asked: the most urgent state first, the most overdue first in each state.
    public static let urgency: [Sorting<DueSortKey>] = [
        Sorting(.state), Sorting(.days_overdue, descending: true), Sorting(.unit_code), Sorting(.serial_no),
    ]

    /// The key's value in a row `d` of the list's statement.
    var expression: SQL {
        switch self {
        case .state:
            "CASE d.state WHEN 'expired' THEN 0 WHEN 'sealed' THEN 1 WHEN 'reinspection' THEN 2 WHEN 'unknown' THEN 3 ELSE 4 END"
        case .days_overdue: "d.days_overdue"
        case .due_on: "d.due_on"
        case .unit_code: "d.code"
        case .unit_name: "(SELECT k.name_key FROM economic_units k WHERE k.id = d.id)"
        case .kind: "d.kind"
        case .ward_code: "d.ward_code"
        case .ward_name: "d.ward_name"
        case .address: "d.address"
        case .instrument_type: "d.instrument_type"
        case .serial_no: "d.serial_no"
        case .last_verified_on: "d.last_verified_on"
        case .cycle_months: "d.cycle_months"
        }
    }
}

/// Which instruments to list: those of the units a unit filter selects, by type and state.
public struct DueFilter: Sendable {
    public var units: UnitFilter
    /// Days ahead of the date that count as "due" (verifications and re-inspections).
    public var within = DueFilter.defaultWithin
    public static let defaultWithin = 30
    public var types: [String] = []
    public var states: [DueItem.State] = []
    /// The re-inspections violations scheduled, besides the instruments.
    public var reinspections = true

    public init(units: UnitFilter) {
        self.units = units
        if units.statuses.isEmpty { self.units.statuses = [.active, .suspended] }  // closed units have nothing to check
    }

    /// The filter of a list of instruments (`instruments list`, the instruments layer) rather than of what is due:
    /// the instruments of units of every status unless `units` names some.
    static func instruments(of units: UnitFilter) -> DueFilter {
        var filter = DueFilter(units: units)
        filter.units.statuses = units.statuses
        return filter
    }
}

/// What needs a check on a date: instruments whose verification has expired, falls due within a window or
/// is unknown, instruments under an open seal, and re-inspections of violations overdue or due within the
/// window. The rule in force on the date of the last verification, the due dates, states and days are all
/// computed by the database in one statement, and rows stream in the order asked, by default that of urgency
/// (expired, sealed, re-inspection, unknown, due; most overdue first).
public struct DueList: ListProvider {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// Read by column name: the summary statement's columns are its properties.
    public struct Summary: Sendable, Decodable, FetchableRecord {
        public var instruments = 0
        public var expired = 0
        public var sealed = 0
        public var reinspections = 0
        public var due = 0
        public var unknown = 0
        public var units = 0
    }

    /// Streams the list to `body` in the order of `sorts` (by default `DueSortKey.urgency`); returns the cursor of
    /// the next page when `page.limit` cut the list short.
    @discardableResult
    public func forEach(_ filter: DueFilter, sorts: [Sorting<DueSortKey>] = [], page: PageRequest = .all,
                        _ body: (DueItem) throws -> Void) throws -> PageCursor? {
        try store.read { db in try DueList.forEach(db, filter, sorts: sorts, page: page, body) }
    }

    @discardableResult
    static func forEach(_ db: Database, _ filter: DueFilter, sorts: [Sorting<DueSortKey>] = [], page: PageRequest = .all,
                        _ body: (DueItem) throws -> Void) throws -> PageCursor? {
        let sort = KeysetSort(sorts.isEmpty ? DueSortKey.urgency : sorts, expression: \.expression, id: DueList.rowKey)
        try sort.check(page.after)
        let (_, sql) = try DueList.listStatement(db, filter)
        // One row more than asked tells whether there is a next page. The row's key, then the sort values, follow the
        // item's columns.
        let rows = try Row.fetchCursor(db, SQLRequest<Row>(literal: """
            SELECT d.*, \(DueList.rowKey) AS row_key\(sort.valueColumns) FROM (\(sql)) d
            WHERE \(DueList.listed(filter)) AND \(sort.condition(after: page.after))
            ORDER BY \(sort.orderBy)\(UnitStatement.limit(page, extra: 1))
            """))
        let rowKey = DueItem.Column.allCases.last!.rawValue + 1
        return try sort.walk(rows, page: page, item: { ($0[rowKey] as Int64, DueItem(row: $0)) }, id: \.0) { try body($0.1) }
    }

    /// How many items are listed (instruments and re-inspections), counted by the database.
    public func count(_ filter: DueFilter) throws -> Int {
        try store.read { db in
            let (_, sql) = try DueList.listStatement(db, filter)
            return try Int.fetchOne(db, SQLRequest<Int>(literal: "SELECT count(*) FROM (\(sql)) d WHERE \(DueList.listed(filter))"))!
        }
    }

    /// The item of row key `id` (see `rowKey`): an instrument's id times two, a re-inspection's violation id times two plus one.
    public func get(_ id: Int64, _ filter: DueFilter) throws -> DueItem? {
        try store.read { db in
            let (_, sql) = try DueList.listStatement(db, filter)
            return try Row.fetchOne(db, SQLRequest<Row>(literal: """
                SELECT d.* FROM (\(sql)) d WHERE \(DueList.listed(filter)) AND \(DueList.rowKey) = \(id)
                """)).map(DueItem.init(row:))
        }
    }

    /// A row's key, unique in the list, which breaks ties and ends a cursor: an instrument's id times two, or a
    /// re-inspection's violation id times two plus one.
    static let rowKey: SQL = "CASE WHEN d.violation_id IS NULL THEN d.instrument_id * 2 ELSE d.violation_id * 2 + 1 END"

    public func items(_ filter: DueFilter, sorts: [Sorting<DueSortKey>] = [], page: PageRequest = .all) throws -> [DueItem] {
        var items: [DueItem] = []
        try forEach(filter, sorts: sorts, page: page) { items.append($0) }
        return items
    }

    /// The counts by state of the listed items, and how many instruments the units have in all.
    public func summary(_ filter: DueFilter) throws -> Summary {
        try store.read { db in
            let (_, sql) = try DueList.listStatement(db, filter)
            let listed = DueList.listed(filter)
            return try Summary.fetchOne(db, SQLRequest<Summary>(literal: """
                SELECT count(CASE WHEN state <> 'reinspection' THEN 1 END) AS instruments,
                       count(CASE WHEN \(listed) AND state = 'expired' THEN 1 END) AS expired,
                       count(CASE WHEN \(listed) AND state = 'sealed' THEN 1 END) AS sealed,
                       count(CASE WHEN \(listed) AND state = 'reinspection' THEN 1 END) AS reinspections,
                       count(CASE WHEN \(listed) AND state = 'due' THEN 1 END) AS due,
                       count(CASE WHEN \(listed) AND state = 'unknown' THEN 1 END) AS unknown,
                       count(DISTINCT CASE WHEN \(listed) THEN id END) AS units
                FROM (\(sql))
                """))!  // an aggregate without GROUP BY always returns its row
        }
    }

    /// The state filter: expired, sealed and unknown always, verifications and re-inspections due within the window.
    static func listed(_ filter: DueFilter) -> SQL {
        var sql: SQL = "(state NOT IN ('due', 'reinspection') OR -days_overdue <= \(filter.within))"
        if !filter.states.isEmpty { sql += " AND state IN \(filter.states.map(\.rawValue))" }
        return sql
    }

    /// The columns of an instrument under `alias`, the same in both branches of the list (`DueItem.Column`).
    static func instrumentColumns(_ alias: String) -> SQL {
        let a = SQL(sql: alias)
        return """
            \(a).id AS instrument_id, \(a).instrument_type, \(a).serial_no, \(a).manufacturer, \(a).model, \(a).accuracy_class,
            \(a).max_capacity, \(a).scale_interval, \(a).measure_unit, \(a).last_verified_on, \(a).certificate_no, \(a).stamp_no,
            \(a).verified_by, \(a).is_reference
            """
    }

    /// The instruments (`statement`) and, unless the filter leaves them out, the open re-inspections of the same
    /// units: a violation of a done or closed inspection on or before the date, with a follow-up date and not
    /// resolved by the date. Re-inspection rows carry the instrument of the failed test when there was one.
    static func listStatement(_ db: Database, _ filter: DueFilter) throws -> (UnitStatement, SQL) {
        let (plan, instruments) = try statement(db, filter)
        let none: SQL = "NULL AS violation_id, NULL AS inspection_id, NULL AS violation_category, NULL AS found_on, NULL AS follow_up"
        guard filter.reinspections else { return (plan, "SELECT d.*, \(none) FROM (\(instruments)) d") }
        let asOf = filter.units.asOf.description
        var conditions = [plan.whereClause(probingWard: true)]
        if !filter.types.isEmpty { conditions.append("fm.instrument_type IN \(filter.types)") }
        let sql: SQL = """
            SELECT d.*, \(none) FROM (\(instruments)) d
            UNION ALL
            SELECT \(plan.columns), \(instrumentColumns("fm")), u.code AS unit_code, NULL AS cycle_months, v.follow_up_due AS due_on,
                   NULL AS seal_id, NULL AS sealed_on, NULL AS seal_reason, 'reinspection' AS state,
                   CAST(julianday(\(asOf)) - julianday(v.follow_up_due) AS INTEGER) AS days_overdue,
                   v.id AS violation_id, fi.id AS inspection_id, v.category AS violation_category, fi.inspected_on AS found_on, v.follow_up
            FROM \(plan.from(joining: """
               JOIN inspections fi ON fi.unit_id = u.id AND fi.status IN ('done', 'closed') AND fi.inspected_on <= \(asOf)
               JOIN violations v ON v.inspection_id = fi.id
              """))
              LEFT JOIN inspection_tests ft ON ft.id = v.test_id
              LEFT JOIN measuring_instruments fm ON fm.id = ft.instrument_id
            WHERE \(conditions.joined(separator: " AND ")) AND v.follow_up_due IS NOT NULL
              AND (v.resolved_on IS NULL OR v.resolved_on > \(asOf))
            """
        return (plan, sql)
    }

    /// Every instrument of the selected units with its cycle, due date, open seal, state and days overdue.
    static func statement(_ db: Database, _ filter: DueFilter) throws -> (UnitStatement, SQL) {
        guard (0...3660).contains(filter.within) else {
            throw RegistryError.invalidArgument(field: "within", value: "\(filter.within)", expected: "0 to 3660 days")
        }
        let plan = try UnitStatement(db, filter: filter.units, sort: nil, wardsOn: [])
        var conditions = [plan.whereClause(probingWard: true)]
        if !filter.types.isEmpty {
            let known = Set(try String.fetchAll(db, sql: "SELECT code FROM instrument_types"))
            if let bad = filter.types.first(where: { !known.contains($0) }) {
                throw RegistryError.invalidArgument(field: "type", value: bad, expected: "an instrument type: " + known.sorted().joined(separator: ", "))
            }
            conditions.append("i.instrument_type IN \(filter.types)")
        }
        let asOf = filter.units.asOf.description
        let last: SQL = "i.last_verified_on"
        // LocalDate.adding(months:): the same day so many months on, or the month's last day. A verification after
        // the date had not happened then, and the one in force then is not on record: no due date, state unknown.
        let dueOn: SQL = """
            min(date(\(last), 'start of month', '+' || r.cycle_months || ' months', '+' || (CAST(strftime('%d', \(last)) AS INTEGER) - 1) || ' days'),
                date(\(last), 'start of month', '+' || (r.cycle_months + 1) || ' months', '-1 day'))
            """
        let sql: SQL = """
            SELECT *, CASE WHEN seal_id IS NOT NULL THEN 'sealed' WHEN due_on IS NULL THEN 'unknown' WHEN due_on < \(asOf) THEN 'expired' ELSE 'due' END AS state,
                   CAST(julianday(\(asOf)) - julianday(CASE WHEN seal_id IS NOT NULL THEN sealed_on ELSE due_on END) AS INTEGER) AS days_overdue
            FROM (
              SELECT \(plan.columns), \(instrumentColumns("i")), u.code AS unit_code, r.cycle_months,
                     CASE WHEN \(last) > \(asOf) THEN NULL ELSE \(dueOn) END AS due_on,
                     seal.id AS seal_id, seal.sealed_on, seal.reason AS seal_reason
              FROM \(plan.from(joining: " JOIN measuring_instruments i ON i.unit_id = u.id"))
                LEFT JOIN verification_rules r ON r.id = (
                  SELECT r2.id FROM verification_rules r2 WHERE r2.instrument_type = i.instrument_type
                    AND \(Period.contains("r2", on: last)) ORDER BY r2.valid_from DESC LIMIT 1)
                LEFT JOIN instrument_seals seal ON seal.id = (
                  SELECT s2.id FROM instrument_seals s2 WHERE s2.instrument_id = i.id AND s2.sealed_on <= \(asOf)
                    AND (s2.released_on IS NULL OR s2.released_on > \(asOf)) ORDER BY s2.sealed_on DESC LIMIT 1)
              WHERE \(conditions.joined(separator: " AND ")))
            """
        return (plan, sql)
    }
}
