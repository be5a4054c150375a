import GRDB
import GeoJSON

/// Verification state of one instrument on a date.
public struct DueItem: Sendable {
    public enum State: String, Sendable, CaseIterable { case expired, due, unknown }

    public var instrument: MeasuringInstrument
    public var unit: EconomicUnit
    public var ward: AdminUnit?
    public var cycleMonths: Int?
    public var dueOn: LocalDate?
    public var state: State
    /// Days past the due date (negative: days left).
    public var daysOverdue: Int?

    /// Why the instrument is on the list, in words.
    public var reason: String {
        guard let last = instrument.lastVerifiedOn else { return "no verification on record" }
        guard let months = cycleMonths, let days = daysOverdue else {
            return "no verification cycle for \(instrument.type) on \(last) in verification_rules"
        }
        return state == .expired
            ? "verification expired \(days) days ago (verified \(last), cycle \(months) months)"
            : "due in \(-days) days (verified \(last), cycle \(months) months)"
    }
}

/// A verification cycle rule from `verification_rules`, with its validity.
public struct VerificationCycle: Sendable {
    public var instrumentType: String
    public var months: Int
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    public var source: String
    public var typeName: String?
    public var confidence: String?
}

/// Which instruments to list: those of the units a unit filter selects, by type and state.
public struct DueFilter: Sendable {
    public var units: UnitFilter
    /// Days ahead of the date that count as "due".
    public var within = 30
    public var types: [String] = []
    public var states: [DueItem.State] = []

    public init(units: UnitFilter) {
        self.units = units
        if units.statuses.isEmpty { self.units.statuses = [.active, .suspended] }  // closed units have nothing to check
    }
}

/// Instruments whose verification has expired, falls due within a window, or is unknown: the rule in
/// force on the date of the last verification, the due date, the state and the days overdue are all
/// computed by the database, and rows stream in order (expired, unknown, due; most overdue first).
public struct DueList: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    public struct Summary: Sendable {
        public var instruments = 0
        public var expired = 0
        public var due = 0
        public var unknown = 0
        public var units = 0
    }

    public func forEach(_ filter: DueFilter, page: PageRequest = .all, _ body: (DueItem) throws -> Void) throws {
        try store.read { db in try DueList.forEach(db, filter, page: page, body) }
    }

    static func forEach(_ db: Database, _ filter: DueFilter, page: PageRequest = .all, _ body: (DueItem) throws -> Void) throws {
        do {
            let (plan, sql) = try DueList.statement(db, filter)
            let cursor = try Row.fetchCursor(db, SQLRequest<Row>(literal: """
                SELECT * FROM (\(sql)) WHERE \(DueList.listed(filter))
                ORDER BY CASE state WHEN 'expired' THEN 0 WHEN 'unknown' THEN 1 ELSE 2 END, days_overdue DESC, code, serial_no
                \(UnitStatement.limit(page))
                """))
            while let row = try cursor.next() {
                let listed = plan.item(row)
                var instrument = InstrumentQuery.instrument(row)
                instrument.id = row["instrument_id"]
                try body(DueItem(
                    instrument: instrument, unit: listed.unit, ward: listed.ward, cycleMonths: row["cycle_months"],
                    dueOn: (row["due_on"] as String?).flatMap(LocalDate.init(iso:)), state: DueItem.State(rawValue: row["state"])!,
                    daysOverdue: row["days_overdue"]))
            }
        }
    }

    public func items(_ filter: DueFilter, page: PageRequest = .all) throws -> [DueItem] {
        var items: [DueItem] = []
        try forEach(filter, page: page) { items.append($0) }
        return items
    }

    /// The counts by state of the listed instruments, and how many instruments the units have in all.
    public func summary(_ filter: DueFilter) throws -> Summary {
        try store.read { db in
            let (_, sql) = try DueList.statement(db, filter)
            let row = try Row.fetchOne(db, SQLRequest<Row>(literal: """
                SELECT count(*) AS instruments,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'expired' THEN 1 END) AS expired,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'due' THEN 1 END) AS due,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'unknown' THEN 1 END) AS unknown,
                       count(DISTINCT CASE WHEN \(DueList.listed(filter)) THEN id END) AS units
                FROM (\(sql))
                """))!
            return Summary(instruments: row["instruments"], expired: row["expired"], due: row["due"], unknown: row["unknown"], units: row["units"])
        }
    }

    /// The state filter: expired and unknown always, due within the window.
    static func listed(_ filter: DueFilter) -> SQL {
        var sql: SQL = "(state <> 'due' OR -days_overdue <= \(filter.within))"
        if !filter.states.isEmpty { sql += " AND state IN \(filter.states.map(\.rawValue))" }
        return sql
    }

    /// Every instrument of the selected units with its cycle, due date, state and days overdue.
    static func statement(_ db: Database, _ filter: DueFilter) throws -> (UnitStatement, SQL) {
        guard (0...3660).contains(filter.within) else {
            throw RegistryError.invalidArgument(field: "within", value: "\(filter.within)", expected: "0 to 3660 days")
        }
        var plan = try UnitStatement(db, filter: filter.units, sort: nil, wardsOn: [])
        if !filter.types.isEmpty {
            let known = Set(try String.fetchAll(db, sql: "SELECT code FROM instrument_types"))
            if let bad = filter.types.first(where: { !known.contains($0) }) {
                throw RegistryError.invalidArgument(field: "type", value: bad, expected: "an instrument type: " + known.sorted().joined(separator: ", "))
            }
            plan.conditions.append("i.instrument_type IN \(filter.types)")
        }
        let asOf = filter.units.asOf.description
        let last: SQL = "i.last_verified_on"
        // LocalDate.adding(months:): the same day so many months on, or the month's last day.
        let dueOn: SQL = """
            min(date(\(last), 'start of month', '+' || r.cycle_months || ' months', '+' || (CAST(strftime('%d', \(last)) AS INTEGER) - 1) || ' days'),
                date(\(last), 'start of month', '+' || (r.cycle_months + 1) || ' months', '-1 day'))
            """
        let sql: SQL = """
            SELECT *, CASE WHEN due_on IS NULL THEN 'unknown' WHEN due_on < \(asOf) THEN 'expired' ELSE 'due' END AS state,
                   CAST(julianday(\(asOf)) - julianday(due_on) AS INTEGER) AS days_overdue
            FROM (
              SELECT \(plan.columns), i.id AS instrument_id, i.instrument_type, i.serial_no, i.manufacturer, i.model, i.accuracy_class,
                     i.max_capacity, i.scale_interval, i.measure_unit, i.last_verified_on, i.certificate_no, i.stamp_no, i.verified_by,
                     i.is_reference, u.code AS unit_code, r.cycle_months, \(dueOn) AS due_on
              FROM \(plan.from) JOIN measuring_instruments i ON i.unit_id = u.id
                LEFT JOIN verification_rules r ON r.id = (
                  SELECT r2.id FROM verification_rules r2 WHERE r2.instrument_type = i.instrument_type
                    AND \(Period.contains("r2", on: last)) ORDER BY r2.valid_from DESC LIMIT 1)
              WHERE \(plan.whereClause))
            """
        return (plan, sql)
    }
}
