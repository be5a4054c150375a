import Foundation
import GRDB

/// Inspections as work: planned, started, tests recorded, finished, closed or cancelled. Each call is one
/// transaction that first checks the move is allowed, so a refused call writes nothing. Dates and the
/// timestamp come from the caller (the clock is injected).
public struct InspectionLedger: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// A planned inspection of the unit `unitCode` on `date`; returns its id.
    public func plan(unitCode: String, on date: LocalDate, scopes: [InspectionScope], team: String?, note: String?, now: Date) throws -> Int64 {
        try plan([PlannedInspection(unitCode: unitCode, date: date, scopes: scopes, team: team, note: note)], now: now)[0]
    }

    /// Several planned inspections in one transaction: all are written or none. A unit that already has an
    /// inspection planned or under way on that date is an error.
    public func plan(_ visits: [PlannedInspection], now: Date) throws -> [Int64] {
        for v in visits where v.scopes.isEmpty {
            throw RegistryError.invalidArgument(field: "scope", value: "", expected: "at least one of \(InspectionScope.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try store.write { db in
            let stamp = RegistryStore.timestamp(now)
            return try visits.map { v in
                let unit = try unitRow(db, code: v.unitCode)
                try checkExisted(unit, on: v.date, field: "date")
                if let other = try Int64.fetchOne(db, sql: """
                    SELECT id FROM inspections WHERE unit_id = ? AND inspected_on = ? AND status IN ('planned', 'in_progress')
                    """, arguments: [unit.id, v.date.description]) {
                    throw RegistryError.invalidArgument(field: "date", value: v.date.description,
                                                        expected: "a day without another inspection of unit \(v.unitCode) (inspection \(other) is planned then)")
                }
                let scopes = v.scopes.reduce(into: [InspectionScope]()) { if !$0.contains($1) { $0.append($1) } }
                try checkDayFree(db, unitId: unit.id, unitCode: v.unitCode, on: v.date, scope: scopes.count == 1 ? scopes[0].rawValue : "general", except: nil)
                try db.execute(sql: """
                    INSERT INTO inspections (unit_id, inspected_on, scope, status, team, note, created_at, updated_at)
                    VALUES (?, ?, ?, 'planned', ?, ?, ?, ?)
                    """, arguments: [unit.id, v.date.description, scopes.count == 1 ? scopes[0].rawValue : "general", v.team, v.note, stamp, stamp])
                let id = db.lastInsertedRowID
                for s in scopes {
                    try db.execute(sql: "INSERT OR IGNORE INTO inspection_scopes (inspection_id, scope) VALUES (?, ?)", arguments: [id, s.rawValue])
                }
                return id
            }
        }
    }

    /// Starts a planned inspection on `date` (default: its planned date), which becomes its date.
    public func start(_ id: Int64, on date: LocalDate?, now: Date) throws {
        try store.write { db in
            let current = try status(db, id, for: .start)
            let day = date ?? current.inspectedOn
            let unit = try unitRow(db, code: current.unitCode)
            try checkExisted(unit, on: day, field: "date")
            let scope = try String.fetchOne(db, sql: "SELECT scope FROM inspections WHERE id = ?", arguments: [id])!
            try checkDayFree(db, unitId: unit.id, unitCode: unit.code, on: day, scope: scope, except: id)
            try move(db, id, .start, now: now, set: "inspected_on = \(day.description), started_on = \(day.description)")
        }
    }

    /// Finishes an inspection under way: its outcome is a violation when one was recorded. It is the re-inspection
    /// of the unit's earlier violations: each open follow-up of a category this inspection did not find again is
    /// resolved on its day.
    public func finish(_ id: Int64, on date: LocalDate?, now: Date) throws {
        try store.write { db in
            let current = try status(db, id, for: .finish)
            let day = try notBefore(date ?? current.inspectedOn, current.inspectedOn, field: "date")
            try move(db, id, .finish, now: now, set: """
                finished_on = \(day.description),
                outcome = CASE WHEN EXISTS (SELECT 1 FROM violations v WHERE v.inspection_id = \(id)) THEN 'violation' ELSE 'compliant' END
                """)
            try db.execute(literal: """
                UPDATE violations SET resolved_on = \(current.inspectedOn.description)
                WHERE resolved_on IS NULL AND follow_up_due IS NOT NULL
                  AND inspection_id IN (SELECT i.id FROM inspections i JOIN inspections this ON this.id = \(id)
                                        WHERE i.unit_id = this.unit_id AND i.id <> this.id AND i.inspected_on <= this.inspected_on
                                          AND i.status IN ('done', 'closed'))
                  AND category NOT IN (SELECT category FROM violations WHERE inspection_id = \(id))
                """)
        }
    }

    public func close(_ id: Int64, on date: LocalDate?, now: Date) throws {
        try store.write { db in
            let current = try status(db, id, for: .close)
            let day = try notBefore(date ?? current.finishedOn ?? current.inspectedOn, current.finishedOn ?? current.inspectedOn, field: "date")
            try move(db, id, .close, now: now, set: "closed_on = \(day.description)")
        }
    }

    public func cancel(_ id: Int64, on date: LocalDate, reason: String, now: Date) throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw RegistryError.invalidArgument(field: "reason", value: "", expected: "why the inspection is cancelled") }
        try store.write { db in
            _ = try status(db, id, for: .cancel)
            try move(db, id, .cancel, now: now, set: "cancelled_on = \(date.description), cancel_reason = \(reason)")
        }
    }

    /// Records a judged test in an inspection under way; each failed check becomes (or adds to) a violation
    /// of its category with the legal basis, the fine range in force on the inspection's date and a re-inspection.
    public func record(_ id: Int64, _ test: JudgedTest, now: Date) throws -> Int64 {
        try store.write { db in
            let current = try status(db, id, for: nil)
            guard current.status == .inProgress else {
                throw RegistryError.invalidArgument(field: "inspection \(id) status", value: current.status.rawValue,
                                                    expected: "in_progress to record a test (start it first)")
            }
            let instrumentId = try test.instrumentSerial.map { try self.instrumentId(db, unitCode: current.unitCode, serial: $0, for: test.kind) }
            let stamp = RegistryStore.timestamp(now)
            try db.execute(sql: """
                INSERT INTO inspection_tests (inspection_id, instrument_id, kind, measurement, verdict, error, limit_value, unit,
                                              rule_code, rule_source, checks, note, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, instrumentId, test.kind.rawValue, test.measurement, test.passed ? "pass" : "fail", test.error, test.limit,
                                 test.unit, test.ruleCode, test.ruleSource, test.checks, test.note, stamp])
            let testId = db.lastInsertedRowID
            for failure in test.failures {
                try ViolationProposal.write(db, inspectionId: id, on: current.inspectedOn, testId: testId,
                                            category: failure.category, description: failure.description, now: stamp)
            }
            try db.execute(sql: "UPDATE inspections SET updated_at = ?, version = version + 1 WHERE id = ?", arguments: [stamp, id])
            return testId
        }
    }

    // MARK: guards

    struct UnitRow: FetchableRecord, Decodable {
        var id: Int64
        var code: String
        var registeredOn: String?
        static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    func unitRow(_ db: Database, code: String) throws -> UnitRow {
        guard let row = try UnitRow.fetchOne(db, sql: "SELECT id, code, registered_on FROM economic_units WHERE code = ?", arguments: [code]) else {
            throw RegistryError.notFound(what: "unit", key: code)
        }
        return row
    }

    /// An inspection cannot happen before the unit existed.
    func checkExisted(_ unit: UnitRow, on date: LocalDate, field: String) throws {
        if let r = unit.registeredOn.flatMap(LocalDate.init(iso:)), date < r {
            throw RegistryError.invalidArgument(field: field, value: date.description,
                                                expected: "a date on or after \(r), when unit \(unit.code) was registered")
        }
    }

    /// One inspection of a unit per day and scope (the key imported records are matched by).
    func checkDayFree(_ db: Database, unitId: Int64, unitCode: String, on date: LocalDate, scope: String, except id: Int64?) throws {
        struct Other: Decodable, FetchableRecord { var id: Int64; var status: String }
        if let other = try Other.fetchOne(db, sql: """
            SELECT id, status FROM inspections WHERE unit_id = ? AND inspected_on = ? AND scope = ? AND id IS NOT ?
            """, arguments: [unitId, date.description, scope, id]) {
            throw RegistryError.invalidArgument(
                field: "date", value: date.description,
                expected: "a day without another \(scope) inspection of unit \(unitCode) (inspection \(other.id) that day is \(other.status))")
        }
    }

    func notBefore(_ date: LocalDate, _ earliest: LocalDate, field: String) throws -> LocalDate {
        guard date >= earliest else {
            throw RegistryError.invalidArgument(field: field, value: date.description, expected: "a date on or after \(earliest)")
        }
        return date
    }

    /// The inspection, after checking that `step` may leave its status.
    func status(_ db: Database, _ id: Int64, for step: InspectionStep?) throws -> InspectionRecord {
        guard let current = try InspectionRecord.fetchOne(db, sql: InspectionRecord.select + " WHERE i.id = ?", arguments: [id]) else {
            throw RegistryError.notFound(what: "inspection", key: String(id))
        }
        if let step, !step.from.contains(current.status) {
            let possible = InspectionStep.possible(from: current.status).map(\.rawValue)
            throw RegistryError.invalidArgument(
                field: "inspection \(id) status", value: current.status.rawValue,
                expected: "\(step.from.map(\.rawValue).joined(separator: " or ")) to \(step.rawValue) it; "
                    + (possible.isEmpty ? "a \(current.status.rawValue) inspection cannot change" : "from \(current.status.rawValue) only: \(possible.joined(separator: ", "))"))
        }
        return current
    }

    func move(_ db: Database, _ id: Int64, _ step: InspectionStep, now: Date, set: SQL) throws {
        try db.execute(literal: """
            UPDATE inspections SET status = \(step.to.rawValue), \(set), updated_at = \(RegistryStore.timestamp(now)), version = version + 1
            WHERE id = \(id) AND status IN \(step.from.map(\.rawValue))
            """)
        guard db.changesCount == 1 else { throw RegistryError.database("inspection \(id) changed during \(step.rawValue)") }
    }
}
