import Foundation
import Testing
@testable import Registry

/// An imported record of a finished inspection for a unit and day the registry holds as work not done is refused
/// with the file, line, field, value and what was expected, and the import writes nothing.
@Suite struct InspectionImportClashTests {
    let registry: TemporaryRegistry
    let ledger: InspectionLedger
    let options = ImportOptions(today: LocalDate(iso: "2026-11-15")!)

    init() throws {
        registry = try stationRegistry()
        ledger = InspectionLedger(store: registry.store)
    }

    func file(_ text: String, name: String = "records.csv") throws -> String {
        let path = registry.directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func snapshot() throws -> [[String]] { try ["inspections", "violations", "inspection_scopes"].map(registry.snapshot) }

    @Test func aPlannedOrStartedInspectionThatDayRefusesTheImport() throws {
        let planned = try ledger.plan(unitCode: "0100233488", on: day, scopes: [.metrology, .prices], team: "Lan", note: nil, now: now)
        let head = "unit_code,inspected_on,scope,outcome,violation\n"
        // Line 2 is a day without other work; line 3 is the planned day, in another scope than the plan's.
        let path = try file(head + "0100233488,2026-03-02,metrology,compliant,\n0100233488,2026-03-10,labels,violation,label_missing\n")
        let before = try snapshot()
        #expect {
            try Importer(store: registry.store, now: Date()).importInspections(path: path, options: options)
        } throws: { error in
            "\(error)".contains("records.csv line 3: field inspected_on: \"2026-03-10\": a day without an inspection of unit 0100233488 "
                                + "that is still work (inspection \(planned) that day is planned; record its results in it, or cancel it first)")
        }
        #expect(try snapshot() == before)

        try ledger.start(planned, on: nil, now: now)
        #expect {
            try Importer(store: registry.store, now: Date()).importInspections(path: path, options: options)
        } throws: { "\($0)".contains("line 3: field inspected_on: \"2026-03-10\"") && "\($0)".contains("is in_progress") }
        #expect(try snapshot().dropFirst() == before.dropFirst() , "only the status moved")

        // Cancelled: the day is free for other scopes, but not for a record of the cancelled one's (with two scopes
        // it is a general inspection).
        try ledger.cancel(planned, on: day, reason: "station closed", now: now)
        let cancelled = try snapshot()
        let sameScope = try file(head + "0100233488,2026-03-10,general,compliant,\n", name: "general.csv")
        #expect {
            try Importer(store: registry.store, now: Date()).importInspections(path: sameScope, options: options)
        } throws: { "\($0)".contains("line 2: field inspected_on: \"2026-03-10\": a day without a cancelled general inspection of unit 0100233488") }
        #expect(try snapshot() == cancelled)
        let report = try Importer(store: registry.store, now: Date()).importInspections(path: path, options: options)
        #expect(report.inserted == 2)
    }
}
