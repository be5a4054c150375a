import Foundation
import GRDB
import Testing
@testable import Inspections
@testable import Registry

/// Sealing an instrument at an inspection and returning it to service after re-verification.
@Suite struct InstrumentSealTests {
    let registry: TemporaryRegistry
    let ledger: InspectionLedger

    init() throws {
        registry = try stationRegistry()
        ledger = InspectionLedger(store: registry.store)
    }

    func lastVerified(_ serial: String) throws -> (String?, String?) {
        try registry.store.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT last_verified_on, certificate_no FROM measuring_instruments WHERE serial_no = ?", arguments: [serial])!
            return (row["last_verified_on"], row["certificate_no"])
        }
    }

    @Test func sealAndReturnToService() throws {
        let id = try ledger.plan(unitCode: "0100233488", on: day, scopes: [.metrology], team: nil, note: nil, now: now)
        #expect { try ledger.seal(id, instrumentSerial: "F2", reason: "error -0.5 %", now: now) } throws: { "\($0)".contains("in_progress to seal") }
        try ledger.start(id, on: nil, now: now)
        _ = try ledger.seal(id, instrumentSerial: "F2", reason: "error -0.5 %", now: now)
        let before = try registry.snapshot("instrument_seals")
        #expect { try ledger.seal(id, instrumentSerial: "F2", reason: "again", now: now) } throws: { "\($0)".contains("sealed on 2026-03-10") }
        #expect { try ledger.seal(id, instrumentSerial: "F9", reason: "x", now: now) } throws: { "\($0)".contains("F9") }
        #expect(try registry.snapshot("instrument_seals") == before)
        let seal = try #require(try ledger.detail(id).seals.first)
        #expect(seal.instrumentSerial == "F2" && seal.sealedOn == day && seal.releasedOn == nil)

        // A re-verification before the sealing is refused; nothing changes.
        let instruments = try registry.snapshot("measuring_instruments")
        #expect {
            try ledger.release(unitCode: "0100233488", instrumentSerial: "F2", on: day, verifiedOn: LocalDate(iso: "2026-03-09")!, certificate: "C1", now: now)
        } throws: { "\($0)" == "verified_on: \"2026-03-09\": a re-verification on or after the sealing, 2026-03-10" }
        #expect {
            try ledger.release(unitCode: "0100233488", instrumentSerial: "F1", on: day, verifiedOn: day, certificate: "C1", now: now)
        } throws: { "\($0)".contains("a sealed instrument") }
        #expect(try registry.snapshot("measuring_instruments") == instruments)
        #expect(try registry.snapshot("instrument_seals") == before)

        let verified = LocalDate(iso: "2026-03-20")!
        try ledger.release(unitCode: "0100233488", instrumentSerial: "F2", on: LocalDate(iso: "2026-03-21")!, verifiedOn: verified, certificate: "KĐ-123", now: now)
        let released = try #require(try ledger.detail(id).seals.first)
        #expect(released.releasedOn == LocalDate(iso: "2026-03-21"))
        #expect(released.releaseNote == "re-verified on 2026-03-20, certificate KĐ-123")
        #expect(try lastVerified("F2") == ("2026-03-20", "KĐ-123"))
        // Released, it can be sealed again at a later inspection.
        _ = try ledger.seal(id, instrumentSerial: "F2", reason: "stamp broken", now: now)
        #expect(try ledger.detail(id).seals.count == 2)
    }
}

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
