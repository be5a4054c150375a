import Foundation
import GRDB
import Inspections
import Registry

/// Replays geodata/field_work.csv through the inspection lifecycle, so that the demo's measured tests, verdicts,
/// violations and seals come from the same rules and code as an inspector's (dates moved by `shift` days).
struct FieldWorkReplay {
    let store: RegistryStore
    let shift: Int
    let now: Date

    struct Summary {
        var visits = 0
        var tests = 0
        var failed = 0
        var seals = 0
    }

    func replay(path: String) throws -> Summary {
        let reader = try CSVReader(path: path)
        let index = Dictionary(uniqueKeysWithValues: reader.header.enumerated().map { ($1, $0) })
        func column(_ name: String) throws -> Int {
            guard let i = index[name] else { throw RegistryError.unreadable(file: path, reason: "no column \(name)") }
            return i
        }
        let (visitCol, dateCol, unitCol, scopesCol, teamCol, statusCol) = try (column("visit"), column("date"), column("unit_code"),
                                                                              column("scopes"), column("team"), column("status"))
        let (testCol, instrumentCol, valuesCol, noteCol) = try (column("test"), column("instrument"), column("values"), column("note"))
        var visits: [(head: [String], tests: [[String]])] = []
        while let r = try reader.next() {
            if visits.last?.head[visitCol] == r.fields[visitCol] {
                visits[visits.count - 1].tests.append(r.fields)
            } else {
                visits.append((r.fields, [r.fields]))
            }
        }
        let ledger = InspectionLedger(store: store)
        let work = InspectionWork(store: store)
        var summary = Summary()
        for (head, rows) in visits {
            func bad(_ field: String, _ value: String) -> RegistryError {
                .invalidArgument(field: "field_work.csv visit \(head[visitCol]) \(field)", value: value, expected: "see FieldWorkMaker")
            }
            guard let date = LocalDate(iso: head[dateCol])?.adding(days: shift) else { throw bad("date", head[dateCol]) }
            let scopes = try head[scopesCol].split(separator: ";").map { s in
                guard let scope = InspectionScope(rawValue: String(s)) else { throw bad("scopes", head[scopesCol]) }
                return scope
            }
            // Moved back (a demo day before the reference date), a visit may fall before the unit existed: left out.
            let registered = try store.read { db in
                try String.fetchOne(db, sql: "SELECT registered_on FROM economic_units WHERE code = ?", arguments: [head[unitCol]])
            }
            if let r = registered.flatMap(LocalDate.init(iso:)), date < r { continue }
            let id = try ledger.plan(unitCode: head[unitCol], on: date, scopes: scopes, team: head[teamCol], note: nil, now: now)
            summary.visits += 1
            switch head[statusCol] {
            case "planned": continue
            case "cancelled":
                try ledger.cancel(id, on: date.adding(days: -1), reason: head[noteCol].isEmpty ? "called off" : head[noteCol], now: now)
                continue
            default: try ledger.start(id, on: nil, now: now)
            }
            for row in rows where !row[testCol].isEmpty {
                let values = row[valuesCol].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
                let serial = row[instrumentCol]
                switch row[testCol] {
                case "seal":
                    _ = try ledger.seal(id, instrumentSerial: serial, reason: row[noteCol], now: now)
                    summary.seals += 1
                case "check":
                    let findings = try ledger.checkAdministration(id, AdministrationCheck(
                        instrumentSerial: serial, stamp: AdministrationCheck.Stamp(rawValue: values[0]) ?? .intact,
                        certificateShown: values.count < 2 || values[1] != "no"), now: now)
                    summary.tests += 1
                    if !findings.allSatisfy(\.passed) { summary.failed += 1 }
                default:
                    guard let measurement = FieldWorkReplay.measurement(row[testCol], values) else { throw bad("values", row[valuesCol]) }
                    let (_, verdict) = try work.record(id, measurement, instrumentSerial: serial, now: now)
                    summary.tests += 1
                    if !verdict.passed { summary.failed += 1 }
                }
            }
            if head[statusCol] == "in_progress" { continue }
            try ledger.finish(id, on: nil, now: now)
            if head[statusCol] == "closed" { try ledger.close(id, on: date.adding(days: 7), now: now) }
        }
        return summary
    }

    /// The measurement of a test row: its values in the order of `econgis verdict KIND`'s options.
    static func measurement(_ kind: String, _ v: [String]) -> FieldMeasurement? {
        let n = v.map { Double($0) }
        switch (kind, v.count) {
        case ("fuel", 2):
            guard let a = n[0], let b = n[1] else { return nil }
            return .fuel(FuelTest(nominalL: a, measuredL: b))
        case ("scale", 4):
            guard let c = n[0], let d = n[1], let l = n[2], let r = n[3] else { return nil }
            return .scale(ScaleTest(capacityKg: c, intervalG: d, loadKg: l, readingKg: r))
        case ("weighing", 5):
            guard let e = n[1], let c = n[2], let l = n[3], let r = n[4] else { return nil }
            return .weighing(WeighingTest(accuracyClass: v[0], intervalG: e, capacityKg: c, loadKg: l, readingKg: r))
        case ("gold", 2):
            guard let a = n[0], let b = n[1] else { return nil }
            return .gold(GoldTest(declaredG: a, deliveredG: b))
        default: return nil
        }
    }
}
