import Registry

/// Judges a field measurement against the tolerance rules in force: no database, no clock, only the rule
/// book it is given. Bad input is an `invalidArgument` naming the measurement's field, the value and what
/// was expected; a test with no rule row in force is `notFound`.
public struct VerdictEngine: Sendable {
    public let rules: RuleBook

    public init(rules: RuleBook) { self.rules = rules }

    public func judge(_ measurement: FieldMeasurement) throws -> Verdict {
        switch measurement {
        case .fuel(let t): try fuel(t)
        case .scale(let t): try scale(t)
        case .weighing(let t): try weighing(t)
        case .gold(let t): try gold(t)
        case .prepack(let t): try prepack(t)
        }
    }

    func fuel(_ t: FuelTest) throws -> Verdict {
        try positive(t.nominalL, "nominal_l", "the volume the dispenser indicated, in litres, above 0")
        try notNegative(t.measuredL, "measured_l", "the volume in the standard measure, in litres, 0 or more")
        let mpe = try rule(.fuelDispenser, for: t.nominalL, field: "nominal_l", value: t.nominalL)
        let sale = try rule(.fuelSale, for: t.nominalL, field: "nominal_l", value: t.nominalL)
        let error = (t.measuredL - t.nominalL) / t.nominalL * 100
        let mpePercent = try percent(mpe, of: nil)
        return Verdict(checks: [
            ToleranceCheck(what: "dispenser error against its MPE", error: error, limit: mpePercent, unit: "%", bound: .either, rule: mpe),
            ToleranceCheck(what: "shortfall in a sale", error: error, limit: try percent(sale, of: mpePercent), unit: "%", bound: .shortfall, rule: sale),
        ])
    }

    func scale(_ t: ScaleTest) throws -> Verdict {
        try positive(t.capacityKg, "capacity_kg", "the scale's capacity in kg, above 0")
        try positive(t.loadKg, "load_kg", "the quantity the scale showed, in kg, above 0")
        try notNegative(t.readingKg, "reading_kg", "the check reading in kg, 0 or more")
        if t.loadKg > t.capacityKg {
            throw invalid("load_kg", t.loadKg, "at most the scale's capacity, \(number(t.capacityKg)) kg")
        }
        let d: Double
        if let given = t.intervalG {
            try positive(given, "interval_g", "the scale interval d in grams, above 0")
            d = given
        } else if let typical = rules.typicalIntervals.first(where: { $0.capacityG == t.capacityKg * 1000 }) {
            d = typical.intervalG
        } else {
            let known = rules.typicalIntervals.map { number($0.capacityG / 1000) }.joined(separator: ", ")
            throw invalid("interval_g", "not given", "the scale interval d in grams: a \(number(t.capacityKg)) kg scale has no typical d (known capacities: \(known) kg)")
        }
        let loadG = t.loadKg * 1000
        let required = try rule(.marketScaleInterval, for: loadG, field: "load_kg", value: t.loadKg, scale: 1000, unit: "kg")
        let shortfall = try rule(.marketScaleShortfall, for: loadG / d, field: "load_kg", value: t.loadKg, scale: 1000 / d, unit: "kg")
        return Verdict(checks: [
            ToleranceCheck(what: "shortfall of the goods (d = \(number(d)) g, load \(number(loadG / d)) d)", error: (t.readingKg - t.loadKg) * 1000,
                           limit: shortfall.limitValue * d, unit: "g", bound: .shortfall, rule: shortfall),
            ToleranceCheck(what: "scale interval d for the load", error: d, limit: required.limitValue, unit: "g", bound: .atMost, rule: required),
        ])
    }

    func weighing(_ t: WeighingTest) throws -> Verdict {
        let classes = Set(rules.tolerances.filter { $0.test == .weighingMPE }.compactMap(\.accuracyClass)).sorted { $0.count < $1.count }
        guard classes.contains(t.accuracyClass) else {
            throw invalid("accuracy_class", t.accuracyClass, "an OIML R76 accuracy class: \(classes.joined(separator: ", "))")
        }
        try positive(t.intervalG, "interval_g", "the verification scale interval e in grams, above 0")
        try positive(t.capacityKg, "capacity_kg", "the instrument's capacity in kg, above 0")
        try positive(t.loadKg, "load_kg", "the reference load in kg, above 0")
        try notNegative(t.readingKg, "reading_kg", "the indication in kg, 0 or more")
        if t.loadKg > t.capacityKg {
            throw invalid("load_kg", t.loadKg, "at most the instrument's capacity, \(number(t.capacityKg)) kg")
        }
        let r = try rule(.weighingMPE, accuracyClass: t.accuracyClass, for: t.loadKg * 1000 / t.intervalG, field: "load_kg",
                         value: t.loadKg, scale: 1000 / t.intervalG, unit: "kg")
        let factor = t.inService ? r.inServiceFactor : 1
        return Verdict(checks: [
            ToleranceCheck(what: "indication error, class \(t.accuracyClass), \(t.inService ? "in service" : "initial verification")",
                           error: (t.readingKg - t.loadKg) * 1000, limit: r.limitValue * t.intervalG * factor, unit: "g", bound: .either, rule: r),
        ])
    }

    func gold(_ t: GoldTest) throws -> Verdict {
        try positive(t.declaredG, "declared_g", "the declared mass in grams, above 0")
        try notNegative(t.deliveredG, "delivered_g", "the delivered mass in grams, 0 or more")
        let r = try rule(.goldShortfall, for: t.declaredG, field: "declared_g", value: t.declaredG)
        let limitMg = r.limitUnit == .percent ? r.limitValue / 100 * t.declaredG * 1000 : try milligrams(r)
        var checks = [ToleranceCheck(what: "shortfall of the gold delivered", error: (t.deliveredG - t.declaredG) * 1000,
                                     limit: limitMg, unit: "mg", bound: .shortfall, rule: r)]
        if let e = t.intervalMg {
            try positive(e, "interval_mg", "the gold scale's interval e in milligrams, above 0")
            let allowed = try rule(.goldInterval, for: t.declaredG, field: "declared_g", value: t.declaredG)
            checks.append(ToleranceCheck(what: "scale interval e for the load", error: e, limit: try milligrams(allowed), unit: "mg",
                                         bound: .atMost, rule: allowed))
        }
        return Verdict(checks: checks)
    }

    func prepack(_ t: PrepackTest) throws -> Verdict {
        try positive(t.nominal, "nominal", "the nominal quantity Qn on the label, above 0")
        guard !t.measured.isEmpty else { throw invalid("measured", nil, "the quantity in each package of the sample, separated by commas") }
        for (i, m) in t.measured.enumerated() {
            try notNegative(m, "measured[\(i + 1)]", "a quantity in \(t.unit.rawValue), 0 or more")
        }
        let qn = t.nominal * t.unit.factor
        let sample = t.measured.map { $0 * t.unit.factor }
        let deficiency = try rule(.prepackDeficiency, for: qn, field: "nominal", value: t.nominal, scale: t.unit.factor, unit: t.unit.rawValue)
        let meanRule = try rule(.prepackMean, for: qn, field: "nominal", value: t.nominal, scale: t.unit.factor, unit: t.unit.rawValue)
        let allowed = deficiency.limitUnit == .percent ? deficiency.limitValue / 100 * qn : try grams(deficiency)
        let worst = sample.min()!
        let beyond = sample.filter { ToleranceCheck.rounded(qn - $0) > ToleranceCheck.rounded(allowed) }.count
        let mean = sample.reduce(0, +) / Double(sample.count)
        return Verdict(checks: [
            ToleranceCheck(what: "worst package of \(sample.count) (\(beyond) beyond the allowed deficiency)", error: worst - qn,
                           limit: allowed, unit: t.unit.base, bound: .shortfall, rule: deficiency),
            ToleranceCheck(what: "mean of the sample against Qn", error: mean - qn, limit: try grams(meanRule), unit: t.unit.base,
                           bound: .shortfall, rule: meanRule),
        ])
    }

    // MARK: rule lookup and units

    /// The band holding `measure`; when none does, an error on `field` giving the range the rows cover,
    /// converted back to the field's unit by dividing by `scale`.
    func rule(_ test: ToleranceRule.Test, accuracyClass: String? = nil, for measure: Double, field: String, value: Double,
              scale: Double = 1, unit: String? = nil) throws -> ToleranceRule {
        if let r = rules.band(test, accuracyClass: accuracyClass, for: measure) { return r }
        let bands = rules.bands(test, accuracyClass: accuracyClass)
        guard let first = bands.first else {
            throw RegistryError.notFound(what: "tolerance rule", key: "\(test.rawValue)\(accuracyClass.map { " class \($0)" } ?? "") in force on \(rules.date)",
                                         hint: "add rows to tolerance_rules")
        }
        let upper = bands.compactMap(\.bandUpTo).max().flatMap { top in bands.contains { $0.bandUpTo == nil } ? nil : top }
        let range = "above \(number(first.bandAbove / scale))" + (upper.map { " and at most \(number($0 / scale))" } ?? "")
        throw invalid(field, value, "\(range)\(unit.map { " \($0)" } ?? "") (the range of \(first.source)\(accuracyClass.map { ", class \($0)" } ?? ""))")
    }

    func percent(_ r: ToleranceRule, of mpe: Double?) throws -> Double {
        switch r.limitUnit {
        case .percent: return r.limitValue
        case .mpe where mpe != nil: return r.limitValue * mpe!
        default: throw unitError(r)
        }
    }

    func grams(_ r: ToleranceRule) throws -> Double {
        switch r.limitUnit {
        case .g: return r.limitValue
        case .mg: return r.limitValue / 1000
        default: throw unitError(r)
        }
    }

    func milligrams(_ r: ToleranceRule) throws -> Double { try grams(r) * 1000 }

    func unitError(_ r: ToleranceRule) -> RegistryError {
        .invalidArgument(field: "tolerance_rules.limit_unit", value: r.limitUnit.rawValue, expected: "a unit the \(r.test.rawValue) test can apply (rule \(r.code))")
    }

    func positive(_ v: Double, _ field: String, _ expected: String) throws {
        guard v.isFinite, v > 0 else { throw invalid(field, v, expected) }
    }

    func notNegative(_ v: Double, _ field: String, _ expected: String) throws {
        guard v.isFinite, v >= 0 else { throw invalid(field, v, expected) }
    }

    func invalid(_ field: String, _ value: Double?, _ expected: String) -> RegistryError {
        .invalidArgument(field: field, value: value.map(number) ?? "", expected: expected)
    }

    func invalid(_ field: String, _ value: String, _ expected: String) -> RegistryError {
        .invalidArgument(field: field, value: value, expected: expected)
    }
}

/// A number as a person writes it: no trailing ".0", at most six decimals.
func number(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    let r = (x * 1e6).rounded() / 1e6
    if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
    return String(r)
}
