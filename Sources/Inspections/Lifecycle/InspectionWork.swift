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
    /// registered one (the typical one for a 30 kg scale gave a scale of d = 10 g a 100 g limit), and a capacity, an
    /// accuracy class or an interval given otherwise than registered is refused, naming both (a coarser interval typed
    /// in widened the limit and passed a scale that fails). A weighing's verification interval e may exceed the
    /// registered d (classes I and II), never be finer.
    func judged(as registered: RegisteredScale, serial: String) throws -> FieldMeasurement {
        func refuse(_ field: String, _ what: String, _ value: String, _ registeredValue: String) -> RegistryError {
            .invalidArgument(field: field, value: value, expected: "the \(what) of scale \(serial) as registered, \(registeredValue)")
        }
        func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= max(abs(a), abs(b)) * 0.001 }
        func checkCapacity(_ kg: Double) throws {
            if let capacity = registered.capacityKg, !same(capacity, kg) {
                throw refuse("capacity_kg", "capacity", number(kg), "\(number(capacity)) kg")
            }
        }
        switch self {
        case .scale(var test):
            try checkCapacity(test.capacityKg)
            if let d = registered.intervalG, let given = test.intervalG, !same(d, given) {
                throw refuse("interval_g", "interval d", number(given), "\(number(d)) g")
            }
            if test.intervalG == nil { test.intervalG = registered.intervalG }
            return .scale(test)
        case .weighing(let test):
            try checkCapacity(test.capacityKg)
            if let c = registered.accuracyClass, c.uppercased() != test.accuracyClass.uppercased() {
                throw refuse("accuracy_class", "accuracy class", test.accuracyClass, c)
            }
            if let d = registered.intervalG, test.intervalG < d, !same(d, test.intervalG) {
                throw RegistryError.invalidArgument(field: "interval_g", value: number(test.intervalG),
                                                    expected: "a verification interval e no finer than the interval d of scale \(serial) as registered, \(number(d)) g")
            }
            return self
        case .gold(var test):
            let registeredMg = registered.intervalG.map { $0 * 1000 }
            if let e = registeredMg, let given = test.intervalMg, !same(e, given) {
                throw refuse("interval_mg", "interval e", number(given), "\(number(e)) mg")
            }
            if test.intervalMg == nil { test.intervalMg = registeredMg }
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
