import Foundation
import GeoJSON
import Registry

/// Recording a measured test in an inspection: judged by the rules in force on the inspection's date, stored
/// with its verdict, and every failed check turned into a violation by the ledger.
public struct InspectionWork: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    public func record(_ id: Int64, _ measurement: FieldMeasurement, instrumentSerial: String? = nil, note: String? = nil,
                       now: Date) throws -> (testId: Int64, verdict: Verdict) {
        let ledger = InspectionLedger(store: store)
        let inspection = try ledger.detail(id).inspection
        let rules = try ToleranceRuleQuery(store: store).ruleBook(on: inspection.inspectedOn)
        var measurement = measurement
        // A registered scale is judged by what the registry holds of it: its interval when none is given (the typical
        // one for the capacity gave a 30 kg scale of d = 10 g a 100 g limit), and a capacity that is its own.
        if case .scale(var test) = measurement, let serial = instrumentSerial,
           let registered = try ledger.registeredScale(unitCode: inspection.unitCode, serial: serial) {
            if let capacity = registered.capacityKg, abs(capacity - test.capacityKg) > capacity * 0.001 {
                throw RegistryError.invalidArgument(field: "capacity_kg", value: number(test.capacityKg),
                                                    expected: "the capacity of scale \(serial) as registered, \(number(capacity)) kg")
            }
            if test.intervalG == nil, let d = registered.intervalG {
                test.intervalG = d
                measurement = .scale(test)
            }
        }
        let verdict = try VerdictEngine(rules: rules).judge(measurement)
        let decisive = verdict.decisive
        var failures: [(category: String, description: String)] = []
        for c in verdict.checks where !c.passed {
            guard let category = c.rule.violationCategory else { continue }
            failures.append((category, "\(c.what): error \(number(c.error)) \(c.unit) beyond the limit \(number(c.limit)) \(c.unit) (\(c.rule.code), \(c.rule.source))"))
        }
        let test = JudgedTest(
            kind: measurement.kind, instrumentSerial: instrumentSerial, measurement: JSONText.encode(measurement.json),
            passed: verdict.passed, error: ToleranceCheck.rounded(decisive.error), limit: ToleranceCheck.rounded(decisive.limit),
            unit: decisive.unit, ruleCode: decisive.rule.code, ruleSource: decisive.rule.source,
            checks: JSONText.encode(verdict.json), failures: failures, note: note)
        return (try ledger.record(id, test, now: now), verdict)
    }
}

extension FieldMeasurement {
    public var kind: MeasuredTestKind {
        switch self {
        case .fuel: .fuel
        case .scale: .scale
        case .weighing: .weighing
        case .gold: .gold
        case .prepack: .prepack
        }
    }

    /// The inputs as given, under the field names errors use.
    public var json: JSONValue {
        func n(_ x: Double?) -> JSONValue { x.map(JSONValue.double) ?? .null }
        switch self {
        case .fuel(let t): return .object([("nominal_l", n(t.nominalL)), ("measured_l", n(t.measuredL))])
        case .scale(let t):
            return .object([("capacity_kg", n(t.capacityKg)), ("interval_g", n(t.intervalG)), ("load_kg", n(t.loadKg)), ("reading_kg", n(t.readingKg))])
        case .weighing(let t):
            return .object([("accuracy_class", .string(t.accuracyClass)), ("interval_g", n(t.intervalG)), ("capacity_kg", n(t.capacityKg)),
                            ("load_kg", n(t.loadKg)), ("reading_kg", n(t.readingKg)), ("in_service", .bool(t.inService))])
        case .gold(let t): return .object([("declared_g", n(t.declaredG)), ("delivered_g", n(t.deliveredG)), ("interval_mg", n(t.intervalMg))])
        case .prepack(let t):
            return .object([("nominal", n(t.nominal)), ("unit", .string(t.unit.rawValue)), ("measured", .array(t.measured.map(JSONValue.double)))])
        }
    }
}
