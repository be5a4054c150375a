import GRDB
import GeoJSON

/// Verification state of one instrument on a date.
public struct DueItem: Sendable {
    public enum State: String, Sendable { case expired, due, unknown }

    public var instrument: MeasuringInstrument
    public var unit: EconomicUnit
    public var ward: AdminUnit?
    public var cycleMonths: Int?
    public var dueOn: LocalDate?
    public var state: State
    /// Days past the due date (negative: days left).
    public var daysOverdue: Int?
    public var reason: String
}

/// A verification cycle rule from `verification_rules`, with its validity.
public struct VerificationCycle: Sendable {
    public var instrumentType: String
    public var months: Int
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    public var source: String

    /// The rules of each type, newest first.
    public static func load(_ db: Database) throws -> [String: [VerificationCycle]] {
        var rules: [String: [VerificationCycle]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT instrument_type, cycle_months, valid_from, valid_to, source FROM verification_rules ORDER BY valid_from DESC") {
            guard let from = LocalDate(iso: row["valid_from"]) else { continue }
            rules[row["instrument_type"], default: []].append(VerificationCycle(
                instrumentType: row["instrument_type"], months: row["cycle_months"], validFrom: from,
                validTo: (row["valid_to"] as String?).flatMap(LocalDate.init(iso:)), source: row["source"]))
        }
        return rules
    }

    /// The rule in force on `date` (the law at the time of the verification decides its validity).
    public static func rule(for type: String, on date: LocalDate, in rules: [String: [VerificationCycle]]) -> VerificationCycle? {
        rules[type]?.first { $0.validFrom <= date && ($0.validTo.map { date <= $0 } ?? true) }
    }
}

/// Instruments whose verification has expired, falls due within a window, or is unknown.
public struct DueList {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    public struct Summary: Sendable {
        public var instruments = 0
        public var expired = 0
        public var due = 0
        public var unknown = 0
    }

    /// - Parameters:
    ///   - within: days ahead of `asOf` that count as "due".
    public func items(wardCode: String?, asOf: LocalDate, within: Int, kinds: [UnitKind] = []) throws -> ([DueItem], Summary) {
        try store.read { db in
            var filter = UnitFilter()
            filter.wardCode = wardCode
            filter.asOf = asOf
            filter.kinds = kinds
            filter.statuses = [.active, .suspended]  // closed units have nothing to check
            let units = try UnitQuery(store: store).list(db, filter)
            let byCode = Dictionary(uniqueKeysWithValues: units.map { ($0.unit.code, $0) })
            let rules = try VerificationCycle.load(db)
            var summary = Summary()
            var items: [DueItem] = []
            for i in try InstrumentQuery.instruments(db, unitIds: units.map(\.unit.id)) {
                summary.instruments += 1
                guard let listed = byCode[i.unitCode] else { continue }
                let item = DueList.state(of: i, unit: listed, asOf: asOf, rules: rules)
                switch item.state {
                case .expired: summary.expired += 1
                case .unknown: summary.unknown += 1
                case .due:
                    guard let days = item.daysOverdue, -days <= within else { continue }
                    summary.due += 1
                }
                items.append(item)
            }
            let order: [DueItem.State: Int] = [.expired: 0, .unknown: 1, .due: 2]
            items.sort {
                (order[$0.state]!, -($0.daysOverdue ?? 0), $0.unit.code, $0.instrument.serialNo)
                    < (order[$1.state]!, -($1.daysOverdue ?? 0), $1.unit.code, $1.instrument.serialNo)
            }
            return (items, summary)
        }
    }

    static func state(of i: MeasuringInstrument, unit: ListedUnit, asOf: LocalDate, rules: [String: [VerificationCycle]]) -> DueItem {
        var item = DueItem(instrument: i, unit: unit.unit, ward: unit.ward, state: .unknown, reason: "")
        guard let last = i.lastVerifiedOn else {
            item.reason = "no verification on record"
            return item
        }
        guard let rule = VerificationCycle.rule(for: i.type, on: last, in: rules) else {
            item.reason = "no verification cycle for \(i.type) on \(last) in verification_rules"
            return item
        }
        let due = last.adding(months: rule.months)
        item.cycleMonths = rule.months
        item.dueOn = due
        item.daysOverdue = due.days(until: asOf)
        if asOf > due {
            item.state = .expired
            item.reason = "verification expired \(item.daysOverdue!) days ago (verified \(last), cycle \(rule.months) months)"
        } else {
            item.state = .due
            item.reason = "due in \(-item.daysOverdue!) days (verified \(last), cycle \(rule.months) months)"
        }
        return item
    }

    public static func listing(_ items: [DueItem]) -> Listing {
        var l = Listing(name: "metrology_due", columns: [
            "unit_code", "unit_name", "kind", "ward_code", "ward_name", "address", "instrument_type", "serial_no",
            "last_verified_on", "cycle_months", "due_on", "state", "days_overdue", "reason", "lon", "lat",
        ])
        for d in items {
            l.append([
                .string(d.unit.code), .string(d.unit.name), .string(d.unit.kind.rawValue), .from(d.ward?.code), .from(d.ward?.name),
                .from(d.unit.address), .string(d.instrument.type), .string(d.instrument.serialNo),
                .from(d.instrument.lastVerifiedOn?.description), .from(d.cycleMonths), .from(d.dueOn?.description),
                .string(d.state.rawValue), .from(d.daysOverdue), .string(d.reason), .from(d.unit.location?.x), .from(d.unit.location?.y),
            ], geometry: d.unit.location.map { .point($0) })
        }
        return l
    }
}
