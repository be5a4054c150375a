import Foundation
import Inspections
import Registry
import Testing

/// Only done and closed inspections are past inspections: a planned, started or cancelled one neither resets a
/// unit's "not inspected for" in the planner's facts nor appears in the inspections layer.
@Suite struct PastInspectionsTests {
    @Test func plannedStartedAndCancelledInspectionsAreNotPast() throws {
        let demo = try DemoDatabase()
        let db = demo.path
        let store = try RegistryStore(path: db)
        let ledger = InspectionLedger(store: store)
        let date = LocalDate(iso: "2026-11-18")!
        let unitId = try #require(try store.read { try Int64.fetchOne($0, sql: "SELECT id FROM economic_units WHERE code = '0323155508'") })
        func facts() throws -> WardFacts { try UnitQuery(store: store).wardFacts(code: "27211", asOf: date, date: date) }
        func layerCount() throws -> Int {
            var filter = UnitFilter(asOf: date)
            filter.wardCode = "27211"
            return try FeatureLayers(store: store).count(.inspections, filter: filter)
        }
        let last = try facts().lastInspection[unitId]
        let violations = try facts().violations.count
        let count = try layerCount()
        #expect(last != nil && last! < LocalDate(iso: "2026-11-14")!, "the demo's station was last inspected before these days")

        let now = Date()
        _ = try ledger.plan(unitCode: "0323155508", on: LocalDate(iso: "2026-11-14")!, scopes: [.metrology], team: nil, note: nil, now: now)
        let cancelled = try ledger.plan(unitCode: "0323155508", on: LocalDate(iso: "2026-11-15")!, scopes: [.prices], team: nil, note: nil, now: now)
        try ledger.cancel(cancelled, on: LocalDate(iso: "2026-11-15")!, reason: "closed for repairs", now: now)
        let started = try ledger.plan(unitCode: "0323155508", on: LocalDate(iso: "2026-11-16")!, scopes: [.quantity], team: nil, note: nil, now: now)
        try ledger.start(started, on: nil, now: now)
        _ = try InspectionWork(store: store).record(started, .fuel(FuelTest(nominalL: 20, measuredL: 19.9)), instrumentSerial: "FUE-000243", now: now)
        #expect(try facts().lastInspection[unitId] == last)
        #expect(try facts().violations.count == violations, "violations of an inspection under way are not past yet")
        #expect(try layerCount() == count)

        try ledger.finish(started, on: nil, now: now)
        #expect(try facts().lastInspection[unitId] == LocalDate(iso: "2026-11-16"))
        #expect(try facts().violations.count == violations + 2)
        #expect(try layerCount() == count + 1)
    }
}
