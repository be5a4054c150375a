import Foundation
import GRDB
import GeoJSON

/// What an inspector sees of an instrument's papers and marks; whether its verification is in date comes
/// from the registry (last verification and the cycle of verification_rules).
public struct AdministrationCheck: Sendable, Hashable {
    public enum Stamp: String, CaseIterable, Sendable { case intact, broken, missing }

    public var instrumentSerial: String
    public var stamp: Stamp
    public var certificateShown: Bool

    public init(instrumentSerial: String, stamp: Stamp, certificateShown: Bool) {
        self.instrumentSerial = instrumentSerial
        self.stamp = stamp
        self.certificateShown = certificateShown
    }
}

/// One finding of an administration check, with the violation a failure means.
public struct AdministrationFinding: Sendable, Hashable {
    public var what: String
    public var passed: Bool
    public var detail: String
    public var category: String
}

extension InspectionLedger {
    /// Checks an instrument's verification (in date on the inspection's day, by the cycle in force when it was
    /// last verified), stamp and certificate in an inspection under way, records the check as a test and each
    /// failure as a violation.
    public func checkAdministration(_ id: Int64, _ check: AdministrationCheck, now: Date) throws -> [AdministrationFinding] {
        try store.write { db in
            let current = try status(db, id, for: nil)
            guard current.status == .inProgress else {
                throw RegistryError.invalidArgument(field: "inspection \(id) status", value: current.status.rawValue,
                                                    expected: "in_progress to record a check (start it first)")
            }
            let instrument = try instrumentId(db, unitCode: current.unitCode, serial: check.instrumentSerial)
            struct Verified: Decodable, FetchableRecord { var instrumentType: String; var lastVerifiedOn: LocalDate?
                static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase }
            struct Rule: Decodable, FetchableRecord { var cycleMonths: Int; var validFrom: String; var source: String
                static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase }
            let row = try Verified.fetchOne(db, sql: "SELECT instrument_type, last_verified_on FROM measuring_instruments WHERE id = ?", arguments: [instrument])!
            let type = row.instrumentType
            let last = row.lastVerifiedOn
            guard let rule = try Rule.fetchOne(db, SQLRequest(literal: """
                SELECT cycle_months, valid_from, source FROM verification_rules r
                WHERE r.instrument_type = \(type) AND \(Period(last ?? current.inspectedOn).contains("r")) ORDER BY r.valid_from DESC LIMIT 1
                """)) else {
                throw RegistryError.notFound(what: "verification rule", key: type, hint: "in force on \(last ?? current.inspectedOn) (verification_rules)")
            }
            let months = rule.cycleMonths
            let dueOn = last?.adding(months: months)
            let overdue = dueOn.map { max(0, $0.days(until: current.inspectedOn)) } ?? 0
            let findings = [
                AdministrationFinding(
                    what: "verification", passed: dueOn.map { $0 >= current.inspectedOn } ?? false,
                    detail: last.map { "last verified \($0), every \(months) months: due \(dueOn!)\(overdue > 0 ? ", \(overdue) days overdue" : "")" }
                        ?? "no verification on record", category: "instrument_unverified"),
                AdministrationFinding(what: "certificate", passed: check.certificateShown,
                                      detail: check.certificateShown ? "shown" : "not shown", category: "instrument_unverified"),
                AdministrationFinding(what: "stamp", passed: check.stamp == .intact, detail: check.stamp.rawValue, category: "instrument_seal_broken"),
            ]
            let measurement: JSONValue = .object([
                ("instrument", .string(check.instrumentSerial)), ("last_verified_on", last.map { .string($0.description) } ?? .null),
                ("cycle_months", .int(months)), ("due_on", dueOn.map { .string($0.description) } ?? .null),
                ("stamp", .string(check.stamp.rawValue)), ("certificate_shown", .bool(check.certificateShown)),
            ])
            let checks: JSONValue = .array(findings.map { f in
                .object([("what", .string(f.what)), ("result", .string(f.passed ? "pass" : "fail")), ("detail", .string(f.detail))])
            })
            let stamp = RegistryStore.timestamp(now)
            try db.execute(sql: """
                INSERT INTO inspection_tests (inspection_id, instrument_id, kind, measurement, verdict, error, limit_value, unit,
                                              rule_code, rule_source, checks, recorded_at)
                VALUES (?, ?, 'administration', ?, ?, ?, 0, 'days', ?, ?, ?, ?)
                """, arguments: [id, instrument, JSONText.encode(measurement), findings.allSatisfy(\.passed) ? "pass" : "fail", overdue,
                                 "verification_rules:\(type)@\(rule.validFrom)", rule.source, JSONText.encode(checks), stamp])
            let testId = db.lastInsertedRowID
            for f in findings where !f.passed {
                try ViolationProposal.write(db, inspectionId: id, on: current.inspectedOn, testId: testId, category: f.category,
                                            description: "\(check.instrumentSerial): \(f.what): \(f.detail)", now: stamp)
            }
            try db.execute(sql: "UPDATE inspections SET updated_at = ?, version = version + 1 WHERE id = ?", arguments: [stamp, id])
            return findings
        }
    }
}
