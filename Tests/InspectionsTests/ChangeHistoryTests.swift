import Foundation
import Testing
@testable import Registry

/// Every change to a unit, an instrument or an inspection is kept with when, what, before and after.
@Suite struct ChangeHistoryTests {
    let registry: TemporaryRegistry
    let ledger: InspectionLedger
    let history: ChangeHistoryQuery

    init() throws {
        registry = try stationRegistry()
        ledger = InspectionLedger(store: registry.store)
        history = ChangeHistoryQuery(store: registry.store)
    }

    @Test func anInspectionsLifeStepByStep() throws {
        let id = try ledger.plan(unitCode: "0100233488", on: day, scopes: [.metrology], team: "Lan", note: nil, now: now)
        try ledger.start(id, on: nil, now: now)
        _ = try ledger.seal(id, instrumentSerial: "F2", reason: "test", now: now)
        #expect(throws: RegistryError.self) { try ledger.close(id, on: nil, now: now) }  // refused: no change recorded
        try ledger.finish(id, on: nil, now: now)
        let changes = try history.inspection(id)
        #expect(changes.map { "\($0.table) \($0.action)" } == ["inspections insert", "inspections update", "inspections update"])
        #expect(changes[0].fields.first { $0.name == "status" }?.after == .string("planned"))
        #expect(changes[1].fields.map(\.name) == ["status", "started_on"])
        #expect(changes[1].fields[0].before == .string("planned") && changes[1].fields[0].after == .string("in_progress"))
        #expect(changes[2].fields.map(\.name) == ["status", "outcome", "finished_on"])
        // The seal is the instrument's, so the unit's history has it.
        let unitChanges = try history.unit("0100233488")
        #expect(unitChanges.contains { $0.table == "instrument_seals" && $0.action == "insert" })
    }

    @Test func unitChangesFromAnyWriterButNotNoOps() throws {
        try registry.execute("UPDATE economic_units SET name = 'Cửa hàng xăng dầu B', updated_at = 'y' WHERE code = '0100233488'")
        try registry.execute("UPDATE economic_units SET updated_at = 'z', version = version + 1 WHERE code = '0100233488'")  // nothing tracked changes
        try registry.execute("UPDATE measuring_instruments SET last_verified_on = '2026-01-05' WHERE serial_no = 'F1'")
        try registry.execute("DELETE FROM measuring_instruments WHERE serial_no = 'F2'")
        let changes = try history.unit("0100233488")
        // The instruments' inserts (from the fixture), the rename, the verification, the removal.
        #expect(changes.map { "\($0.table) \($0.action)" } == [
            "measuring_instruments insert", "measuring_instruments insert", "economic_units update", "measuring_instruments update",
            "measuring_instruments delete",
        ])
        #expect(changes[2].fields == [.init(name: "name", before: .string("Cửa hàng xăng dầu A"), after: .string("Cửa hàng xăng dầu B"))])
        #expect(changes[3].fields == [.init(name: "last_verified_on", before: .null, after: .string("2026-01-05"))])
        #expect(changes[4].fields.first { $0.name == "serial_no" }?.before == .string("F2"))
        #expect(throws: RegistryError.self) { try history.unit("NO-SUCH") }
    }

    /// `units update` through the CLI lands in `units history`.
    @Test func cliUpdateAndHistory() throws {
        #expect(try Command.run(["units", "update", "0100233488", "--name", "Cửa hàng xăng dầu C", "--db", registry.path]).status == 0)
        let r = try Command.run(["units", "history", "0100233488", "--db", registry.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("economic_units 1 update: name: Cửa hàng xăng dầu A → Cửa hàng xăng dầu C"), "\(r.out)")
    }
}
