import Foundation
import Testing
@testable import Registry

/// An instrument's papers: verification in date by the cycle in force (fuel dispensers: 12 months), stamp, certificate.
@Suite struct InstrumentAdministrationTests {
    let registry: TemporaryRegistry
    let ledger: InspectionLedger

    init() throws {
        registry = try stationRegistry()
        try registry.execute("UPDATE measuring_instruments SET last_verified_on = '2025-03-15' WHERE serial_no = 'F1'")
        ledger = InspectionLedger(store: registry.store)
    }

    func started(on date: String) throws -> Int64 {
        let id = try ledger.plan(unitCode: "0100233488", on: LocalDate(iso: date)!, scopes: [.metrology], team: nil, note: nil, now: now)
        try ledger.start(id, on: nil, now: now)
        return id
    }

    @Test func verificationInDateUpToItsDueDay() throws {
        let onDue = try started(on: "2026-03-15")
        let ok = try ledger.checkAdministration(onDue, AdministrationCheck(instrumentSerial: "F1", stamp: .intact, certificateShown: true), now: now)
        #expect(ok.allSatisfy { $0.passed })
        #expect(try ledger.detail(onDue).violations.isEmpty)
        #expect(try ledger.detail(onDue).tests.map(\.verdict) == ["pass"])

        let dayAfter = try started(on: "2026-03-16")
        let late = try ledger.checkAdministration(dayAfter, AdministrationCheck(instrumentSerial: "F1", stamp: .intact, certificateShown: true), now: now)
        #expect(late.map(\.passed) == [false, true, true])
        #expect(late[0].detail == "last verified 2025-03-15, every 12 months: due 2026-03-15, 1 days overdue")
        let d = try ledger.detail(dayAfter)
        #expect(d.tests.first?.error == 1 && d.tests.first?.ruleCode == "verification_rules:fuel_dispenser@1900-01-01")
        #expect(d.violations.map(\.category) == ["instrument_unverified"])
        #expect(d.violations.first?.legalBasis == "Decree 119/2017/NĐ-CP Art. 10")
    }

    @Test func noVerificationBrokenStampNoCertificate() throws {
        let id = try started(on: "2026-03-10")
        let findings = try ledger.checkAdministration(id, AdministrationCheck(instrumentSerial: "F2", stamp: .broken, certificateShown: false), now: now)
        #expect(findings.map(\.passed) == [false, false, false])
        #expect(findings[0].detail == "no verification on record")
        let categories = try ledger.detail(id).violations.map(\.category)
        #expect(categories == ["instrument_unverified", "instrument_seal_broken"])
        let unverified = try #require(try ledger.detail(id).violations.first)
        #expect(unverified.description == "F2: verification: no verification on record; F2: certificate: not shown")
    }
}
