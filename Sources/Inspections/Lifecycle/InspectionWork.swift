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
        if let serial = instrumentSerial, measurement.weighsOnAScale,
           let registered = try ledger.registeredScale(unitCode: inspection.unitCode, serial: serial) {
            measurement = try measurement.judged(as: registered, serial: serial)
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
    /// A test of a registered scale is judged by what the registry holds of it: the interval a test leaves out is the
    /// registered one (the typical one for a 30 kg scale gave a scale of d = 10 g a 100 g limit), and a capacity or an
    /// accuracy class given otherwise than registered is refused, naming both.
    func judged(as registered: RegisteredScale, serial: String) throws -> FieldMeasurement {
        func refuse(_ field: String, _ value: String, _ registeredValue: String) -> RegistryError {
            .invalidArgument(field: field, value: value, expected: "the \(field == "capacity_kg" ? "capacity" : "accuracy class") of scale \(serial) as registered, \(registeredValue)")
        }
        func checkCapacity(_ kg: Double) throws {
            if let capacity = registered.capacityKg, abs(capacity - kg) > capacity * 0.001 {
                throw refuse("capacity_kg", number(kg), "\(number(capacity)) kg")
            }
        }
        switch self {
        case .scale(var test):
            try checkCapacity(test.capacityKg)
            if test.intervalG == nil { test.intervalG = registered.intervalG }
            return .scale(test)
        case .weighing(let test):
            try checkCapacity(test.capacityKg)
            if let c = registered.accuracyClass, c.uppercased() != test.accuracyClass.uppercased() {
                throw refuse("accuracy_class", test.accuracyClass, c)
            }
            return self
        case .gold(var test):
            if test.intervalMg == nil { test.intervalMg = registered.intervalG.map { $0 * 1000 } }
            return .gold(test)
        case .fuel, .prepack:
            return self
        }
    }

    /// A test of what a scale weighs (a pre-packaged quantity is weighed on the inspectors' own).
    var weighsOnAScale: Bool {
        switch self {
        case .scale, .weighing, .gold: true
        case .fuel, .prepack: false
        }
    }

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
