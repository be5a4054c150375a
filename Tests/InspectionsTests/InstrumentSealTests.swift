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
