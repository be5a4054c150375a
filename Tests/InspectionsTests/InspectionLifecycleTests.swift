import Foundation
import GRDB
import Testing
@testable import Inspections
@testable import Registry

/// A registry with one fuel station (registered 2024-01-10) and its two dispensers.
func stationRegistry() throws -> TemporaryRegistry {
    let r = try TemporaryRegistry()
    try r.execute("""
        INSERT INTO economic_units (code, kind, name, vsic_codes, status, registered_on, search_text, created_at, updated_at)
        VALUES ('0100233488', 'enterprise', 'Cửa hàng xăng dầu A', '4730', 'active', '2024-01-10', 'cua hang xang dau a', '2024-01-10', '2024-01-10');
        INSERT INTO measuring_instruments (unit_id, instrument_type, serial_no, created_at, updated_at)
        SELECT id, 'fuel_dispenser', s, '2024-01-10', '2024-01-10' FROM economic_units, (SELECT 'F1' AS s UNION ALL SELECT 'F2');
        """)
    return r
}

let day = LocalDate(iso: "2026-03-10")!
let now = Date(timeIntervalSince1970: 1_773_100_000)

@Suite struct InspectionLifecycleTests {
    let registry: TemporaryRegistry
    let ledger: InspectionLedger

    init() throws {
        registry = try stationRegistry()
        ledger = InspectionLedger(store: registry.store)
    }

    func planned() throws -> Int64 {
        try ledger.plan(unitCode: "0100233488", on: day, scopes: [.metrology, .prices], team: "Lan, Minh", note: nil, now: now)
    }

    /// An inspection brought to `status` through the allowed steps.
    func inspection(in status: InspectionStatus) throws -> Int64 {
        let id = try planned()
        switch status {
        case .planned: break
        case .inProgress: try ledger.start(id, on: nil, now: now)
        case .done:
            try ledger.start(id, on: nil, now: now)
            try ledger.finish(id, on: nil, now: now)
        case .closed:
            try ledger.start(id, on: nil, now: now)
            try ledger.finish(id, on: nil, now: now)
            try ledger.close(id, on: nil, now: now)
        case .cancelled: try ledger.cancel(id, on: day, reason: "station closed for repairs", now: now)
        }
        return id
    }

    /// A scale test recorded on a fuel dispenser was accepted and judged by the scale's rules. A unit may give one
    /// serial to a dispenser and to a scale: each test finds the one it is made on.
    @Test func aTestIsMadeOnAnInstrumentOfItsKind() throws {
        let id = try planned()
        try ledger.start(id, on: LocalDate(iso: "2026-03-11"), now: now)
        let work = InspectionWork(store: registry.store)
        let scale = FieldMeasurement.scale(ScaleTest(capacityKg: 30, intervalG: 100, loadKg: 5, readingKg: 5))
        #expect { _ = try work.record(id, scale, instrumentSerial: "F1", now: now) } throws: {
            "\($0)".contains("F1") && "\($0)".contains("an instrument a scale test is made on (a scale)") && "\($0)".contains("is a fuel_dispenser")
        }
        #expect(try ledger.detail(id).tests.isEmpty)
        try registry.execute("""
            INSERT INTO measuring_instruments (unit_id, instrument_type, serial_no, created_at, updated_at)
            SELECT id, 'counter_scale', 'F1', '2024-01-10', '2024-01-10' FROM economic_units
            """)
        _ = try work.record(id, scale, instrumentSerial: "F1", now: now)
        _ = try work.record(id, .fuel(FuelTest(nominalL: 20, measuredL: 20)), instrumentSerial: "F1", now: now)
        let types = try registry.store.read { try String.fetchAll($0, sql: """
            SELECT t.kind || ' ' || m.instrument_type FROM inspection_tests t JOIN measuring_instruments m ON m.id = t.instrument_id ORDER BY t.id
            """) }
        #expect(types == ["scale counter_scale", "fuel fuel_dispenser"])
    }

    /// A scale test judged a registered scale by the typical interval for its capacity (100 g for 30 kg), not its own
    /// (10 g), and recorded a false violation; a capacity not its own was not noticed.
    @Test func aRegisteredScaleIsJudgedByWhatIsRegistered() throws {
        let id = try planned()
        try ledger.start(id, on: LocalDate(iso: "2026-03-11"), now: now)
        try registry.execute("""
            INSERT INTO measuring_instruments (unit_id, instrument_type, serial_no, max_capacity, scale_interval, measure_unit, created_at, updated_at)
            SELECT id, 'counter_scale', 'S1', 30, 0.01, 'kg', '2024-01-10', '2024-01-10' FROM economic_units
            """)
        let work = InspectionWork(store: registry.store)
        let sold = { (capacity: Double) in FieldMeasurement.scale(ScaleTest(capacityKg: capacity, loadKg: 1, readingKg: 0.99)) }
        #expect { _ = try work.record(id, sold(300), instrumentSerial: "S1", now: now) } throws: {
            "\($0)".contains("the capacity of scale S1 as registered, 30 kg")
        }
        let judged = try work.record(id, sold(30), instrumentSerial: "S1", now: now)
        #expect(judged.verdict.passed, "\(judged.verdict)")
        #expect(try ledger.detail(id).violations.isEmpty)
        // Unregistered, the same sale is judged by the typical interval, as before.
        #expect(try !work.record(id, sold(30), now: now).verdict.passed)
    }

    /// Weighing and gold tests ignored the registered scale: a class III scale was judged as class II, and a gold
    /// scale of e = 100 mg selling 3.75 g (one chỉ) passed, since no interval was given to check.
    @Test func weighingAndGoldAreJudgedByTheRegisteredScale() throws {
        let id = try planned()
        try ledger.start(id, on: LocalDate(iso: "2026-03-11"), now: now)
        try registry.execute("""
            INSERT INTO measuring_instruments (unit_id, instrument_type, serial_no, accuracy_class, max_capacity, scale_interval, measure_unit,
                                               created_at, updated_at)
            SELECT id, 'counter_scale', 'W1', 'III', 30, 0.01, 'kg', '2024-01-10', '2024-01-10' FROM economic_units UNION ALL
            SELECT id, 'precision_scale', 'G1', 'II', 1, 0.0001, 'kg', '2024-01-10', '2024-01-10' FROM economic_units
            """)
        let work = InspectionWork(store: registry.store)
        let weighing = { (c: String, capacity: Double) in
            FieldMeasurement.weighing(WeighingTest(accuracyClass: c, intervalG: 10, capacityKg: capacity, loadKg: 10, readingKg: 10.01))
        }
        #expect { _ = try work.record(id, weighing("II", 30), instrumentSerial: "W1", now: now) } throws: {
            "\($0)".contains("accuracy_class") && "\($0)".contains("the accuracy class of scale W1 as registered, III")
        }
        #expect { _ = try work.record(id, weighing("III", 15), instrumentSerial: "W1", now: now) } throws: {
            "\($0)".contains("the capacity of scale W1 as registered, 30 kg")
        }
        #expect(try work.record(id, weighing("III", 30), instrumentSerial: "W1", now: now).verdict.passed)
        let chi = FieldMeasurement.gold(GoldTest(declaredG: 3.75, deliveredG: 3.75))
        let gold = try work.record(id, chi, instrumentSerial: "G1", now: now)
        #expect(!gold.verdict.passed && gold.verdict.checks.contains { $0.what.contains("scale interval e") && $0.error == 100 }, "\(gold.verdict)")
        #expect(try work.record(id, chi, now: now).verdict.passed, "unregistered: no interval to check")
        // An interval typed otherwise than registered widened the limit and passed: refused, naming both.
        #expect { _ = try work.record(id, .gold(GoldTest(declaredG: 3.75, deliveredG: 3.75, intervalMg: 1)), instrumentSerial: "G1", now: now) }
            throws: { "\($0)".contains("interval_mg") && "\($0)".contains("the interval e of scale G1 as registered, 100 mg") }
        #expect { _ = try work.record(id, .scale(ScaleTest(capacityKg: 30, intervalG: 20, loadKg: 2, readingKg: 1.99)), instrumentSerial: "W1", now: now) }
            throws: { "\($0)".contains("the interval d of scale W1 as registered, 10 g") }
        #expect { _ = try work.record(id, .weighing(WeighingTest(accuracyClass: "III", intervalG: 5, capacityKg: 30, loadKg: 10, readingKg: 10)),
                                      instrumentSerial: "W1", now: now) } throws: { "\($0)".contains("no finer than the interval d of scale W1") }
    }

    @Test func fieldDayFromPlanToClose() throws {
        let id = try planned()
        #expect(try ledger.detail(id).inspection.status == .planned)
        #expect(try ledger.detail(id).inspection.scopes == "metrology,prices")
        try ledger.start(id, on: LocalDate(iso: "2026-03-11"), now: now)
        let work = InspectionWork(store: registry.store)
        let pass = try work.record(id, .fuel(FuelTest(nominalL: 20, measuredL: 19.95)), instrumentSerial: "F1", now: now)
        let fail = try work.record(id, .fuel(FuelTest(nominalL: 20, measuredL: 19.9)), instrumentSerial: "F2", now: now)
        #expect(pass.verdict.passed && !fail.verdict.passed)
        try ledger.finish(id, on: nil, now: now)
        let d = try ledger.detail(id)
        #expect(d.inspection.status == .done)
        #expect(d.inspection.outcome == "violation")
        #expect(d.inspection.inspectedOn == LocalDate(iso: "2026-03-11"), "the day it started is its date")
        #expect(d.tests.map(\.verdict) == ["pass", "fail"])
        #expect(d.tests.map(\.instrumentSerial) == ["F1", "F2"])
        #expect(d.tests[1].ruleCode == "fuel-dispenser-mpe" && d.tests[1].error == -0.5 && d.tests[1].limitValue == 0.3)
        // -0.5 % is beyond both the MPE (instrument) and 1.5 × MPE (quantity short in a sale).
        let byCategory = Dictionary(uniqueKeysWithValues: d.violations.map { ($0.category, $0) })
        #expect(Set(byCategory.keys) == ["instrument_out_of_tolerance", "quantity_short"])
        let short = try #require(byCategory["quantity_short"])
        #expect(short.legalBasis == "Decree 119/2017/NĐ-CP Art. 14")
        #expect(short.fineMinVnd == 5_000_000 && short.fineMaxVnd == 40_000_000)
        #expect(short.penaltyRules == "d119-art14-gain-10m,d119-art14-gain-50m,d119-art14-gain-100m")
        #expect(short.followUp == "re-inspection" && short.followUpDue == LocalDate(iso: "2026-04-10"))
        #expect(short.testId == fail.testId)
        #expect(byCategory["instrument_out_of_tolerance"]?.fineMinVnd == nil, "Art. 10 amounts are not recorded")
        try ledger.close(id, on: LocalDate(iso: "2026-03-12"), now: now)
        #expect(try ledger.detail(id).inspection.closedOn == LocalDate(iso: "2026-03-12"))
    }

    @Test func aCompliantInspection() throws {
        let id = try inspection(in: .inProgress)
        _ = try InspectionWork(store: registry.store).record(id, .fuel(FuelTest(nominalL: 10, measuredL: 10.02)), now: now)
        try ledger.finish(id, on: nil, now: now)
        let d = try ledger.detail(id)
        #expect(d.inspection.outcome == "compliant" && d.violations.isEmpty)
    }

    @Test("every illegal move is refused, naming the status, and writes nothing", arguments: InspectionStatus.allCases)
    func illegalMoves(from status: InspectionStatus) throws {
        let id = try inspection(in: status)
        let tables = ["inspections", "inspection_tests", "violations"]
        let before = try tables.map(registry.snapshot)
        let refused = InspectionStep.allCases.filter { !$0.from.contains(status) }
        for step in refused {
            do {
                switch step {
                case .start: try ledger.start(id, on: nil, now: now)
                case .finish: try ledger.finish(id, on: nil, now: now)
                case .close: try ledger.close(id, on: nil, now: now)
                case .cancel: try ledger.cancel(id, on: day, reason: "test", now: now)
                }
                Issue.record("\(step) from \(status) was allowed")
            } catch RegistryError.invalidArgument(let field, let value, let expected) {
                #expect(field == "inspection \(id) status")
                #expect(value == status.rawValue)
                #expect(expected.hasPrefix(step.from.map(\.rawValue).joined(separator: " or ") + " to \(step.rawValue) it"), "\(expected)")
            }
        }
        if status != .inProgress {
            #expect(throws: RegistryError.self) {
                try InspectionWork(store: registry.store).record(id, .fuel(FuelTest(nominalL: 20, measuredL: 19)), now: now)
            }
        }
        #expect(try tables.map(registry.snapshot) == before)
        // The moves that are allowed from here are exactly the others.
        #expect(Set(InspectionStep.possible(from: status)) == Set(InspectionStep.allCases).subtracting(refused))
    }

    @Test func theOnlyMoves() {
        let moves = InspectionStep.allCases.flatMap { s in s.from.map { "\($0.rawValue)→\(s.to.rawValue)" } }
        #expect(Set(moves) == ["planned→in_progress", "in_progress→done", "done→closed", "planned→cancelled", "in_progress→cancelled"])
    }

    @Test func datesBeforeTheUnitExistedAreRefused() throws {
        #expect {
            try ledger.plan(unitCode: "0100233488", on: LocalDate(iso: "2023-12-31")!, scopes: [.metrology], team: nil, note: nil, now: now)
        } throws: { "\($0)" == "date: \"2023-12-31\": a date on or after 2024-01-10, when unit 0100233488 was registered" }
        let id = try planned()
        let before = try registry.snapshot("inspections")
        #expect { try ledger.start(id, on: LocalDate(iso: "2024-01-09"), now: now) } throws: { "\($0)".hasPrefix("date: \"2024-01-09\"") }
        #expect(try registry.snapshot("inspections") == before)
    }

    @Test func badArgumentsWriteNothing() throws {
        #expect(throws: RegistryError.self) { try ledger.plan(unitCode: "0000000000", on: day, scopes: [.metrology], team: nil, note: nil, now: now) }
        #expect(throws: RegistryError.self) { try ledger.plan(unitCode: "0100233488", on: day, scopes: [], team: nil, note: nil, now: now) }
        let id = try inspection(in: .inProgress)
        let before = try ["inspections", "inspection_tests", "violations"].map(registry.snapshot)
        #expect { try ledger.cancel(id, on: day, reason: "  ", now: now) } throws: { "\($0)".hasPrefix("reason:") }
        #expect {
            try InspectionWork(store: registry.store).record(id, .fuel(FuelTest(nominalL: 20, measuredL: 19)), instrumentSerial: "NOPE", now: now)
        } throws: { "\($0)".contains("NOPE") }
        #expect {
            try InspectionWork(store: registry.store).record(id, .fuel(FuelTest(nominalL: 20, measuredL: -1)), now: now)
        } throws: { "\($0)" == "measured_l: \"-1\": the volume in the standard measure, in litres, 0 or more" }
        #expect(try ["inspections", "inspection_tests", "violations"].map(registry.snapshot) == before)
    }

    /// A violation's re-inspection is due after the category's days; the unit's next finished inspection resolves
    /// the follow-ups of the categories it does not find again.
    @Test func followUpsAreDueAndResolvedByTheNextInspection() throws {
        let work = InspectionWork(store: registry.store)
        let first = try inspection(in: .inProgress)
        _ = try work.record(first, .fuel(FuelTest(nominalL: 20, measuredL: 19.9)), instrumentSerial: "F2", now: now)
        try ledger.finish(first, on: nil, now: now)
        #expect(try ledger.followUps(asOf: day.adding(days: -1), within: 60).isEmpty, "nothing before the inspection")
        let soon = try ledger.followUps(asOf: day.adding(days: 1), within: 30)
        #expect(Set(soon.map(\.category)) == ["instrument_out_of_tolerance", "quantity_short"])
        #expect(soon.allSatisfy { $0.dueOn == day.adding(days: 30) && $0.daysOverdue == -29 && $0.unitCode == "0100233488" })
        #expect(try ledger.followUps(asOf: day.adding(days: 1), within: 28).isEmpty, "due in 29 days is not within 28")

        // The re-inspection 35 days later: the dispenser is still off (MPE) but no longer short in a sale.
        let again = try ledger.plan(unitCode: "0100233488", on: day.adding(days: 35), scopes: [.metrology], team: nil, note: nil, now: now)
        try ledger.start(again, on: nil, now: now)
        let (_, verdict) = try work.record(again, .fuel(FuelTest(nominalL: 20, measuredL: 19.93)), instrumentSerial: "F2", now: now)
        #expect(verdict.violationCategories == ["instrument_out_of_tolerance"])
        #expect(try ledger.followUps(asOf: day.adding(days: 35), within: 0).count == 2, "both overdue before it is finished")
        try ledger.finish(again, on: nil, now: now)
        let resolved = try ledger.detail(first).violations.first { $0.category == "quantity_short" }
        #expect(resolved?.resolvedOn == day.adding(days: 35))
        let open = try ledger.followUps(asOf: day.adding(days: 40), within: 30)
        #expect(open.map { "\($0.inspectionId) \($0.category) \($0.daysOverdue)" }
                == ["\(first) instrument_out_of_tolerance 10", "\(again) instrument_out_of_tolerance -25"])
    }

    /// One inspection per unit, day and scope (the key imports match on): refused with the other's id, nothing written.
    @Test func oneInspectionPerUnitDayAndScope() throws {
        try registry.execute("""
            INSERT INTO inspections (unit_id, inspected_on, scope, outcome, created_at)
            SELECT id, '2026-03-10', 'metrology', 'compliant', 'x' FROM economic_units WHERE code = '0100233488'
            """)
        let before = try registry.snapshot("inspections")
        #expect {
            try ledger.plan(unitCode: "0100233488", on: day, scopes: [.metrology], team: nil, note: nil, now: now)
        } throws: { "\($0)".hasPrefix("date: \"2026-03-10\": a day without another metrology inspection of unit 0100233488 (inspection 1 that day is closed)") }
        #expect(try registry.snapshot("inspections") == before)
        // Several scopes are a general inspection: another key.
        _ = try ledger.plan(unitCode: "0100233488", on: day, scopes: [.metrology, .prices], team: nil, note: nil, now: now)
        // Started on a day taken by another of its scope: refused.
        let later = try ledger.plan(unitCode: "0100233488", on: day.adding(days: 1), scopes: [.metrology], team: nil, note: nil, now: now)
        let planned = try registry.snapshot("inspections")
        #expect { try ledger.start(later, on: day, now: now) } throws: { "\($0)".contains("inspection 1 that day is closed") }
        #expect(try registry.snapshot("inspections") == planned)
    }

    @Test func listFiltersByStatusAndDate() throws {
        let a = try inspection(in: .planned)
        _ = try ledger.plan(unitCode: "0100233488", on: LocalDate(iso: "2026-05-01")!, scopes: [.origin], team: nil, note: nil, now: now)
        #expect(try ledger.list(status: [.planned]).count == 2)
        #expect(try ledger.list(status: [.planned], to: day).map(\.id) == [a])
        #expect(try ledger.list(from: LocalDate(iso: "2026-04-01")).map(\.scopes) == ["origin"])
    }
}

/// The v5 migration on a registry holding v2 inspections, and the importer writing into the new table.
@Suite struct InspectionHistoryTests {
    @Test func importedHistoryIsCarriedOverClosed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-v5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try DatabasePool(path: dir.appendingPathComponent("r.sqlite").path, configuration: SpatiaLite.configuration())
        try RegistryMigrations.migrator().migrate(pool, upTo: "v4 tolerance and penalty rules")
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO economic_units (id, code, kind, name, search_text, created_at, updated_at) VALUES (7, 'U7', 'enterprise', 'A', 'a', 'x', 'x');
                INSERT INTO inspections (id, unit_id, inspected_on, scope, outcome, team, created_at) VALUES
                  (1, 7, '2025-03-01', 'metrology', 'violation', 'T1', 'x'), (2, 7, '2025-04-01', 'prices', 'compliant', NULL, 'x');
                INSERT INTO violations (inspection_id, category, fine_vnd, follow_up, follow_up_due, created_at)
                VALUES (1, 'instrument_unverified', 5000000, 're-verify', '2025-04-01', 'x');
                """)
        }
        try RegistryMigrations.migrator().migrate(pool)
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, status, outcome, team, scope FROM inspections ORDER BY id")
            #expect(rows.map { $0["status"] as String } == ["closed", "closed"])
            #expect(rows.map { $0["outcome"] as String } == ["violation", "compliant"])
            #expect(rows[0]["team"] as String? == "T1")
            #expect(try String.fetchAll(db, sql: "SELECT scope FROM inspection_scopes ORDER BY inspection_id") == ["metrology", "prices"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM violations v JOIN inspections i ON i.id = v.inspection_id") == 1)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
    }

    @Test func importsStillWriteClosedRecords() throws {
        let r = try stationRegistry()
        let file = r.directory.appendingPathComponent("insp.csv").path
        try "unit_code,inspected_on,scope,outcome,violation\n0100233488,2025-03-01,metrology,violation,instrument_unverified\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        _ = try Importer(store: r.store, now: Date()).importInspections(path: file, options: ImportOptions(today: day))
        let records = try InspectionLedger(store: r.store).list()
        #expect(records.map(\.status) == [.closed])
        #expect(records.map(\.scopes) == ["metrology"])
        #expect(records.map(\.outcome) == ["violation"])
    }
}
