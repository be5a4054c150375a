import Foundation
import GeoJSON
import Testing
@testable import Inspections
import Registry

/// One rule row and the limit FACTS.md §3 gives for a measurement in its band, written out by hand so that
/// the engine is checked against the law, not against itself. `make(error)` builds a measurement whose
/// error (or value, for an interval) is `error` in the check's unit.
struct RuleCase: CustomTestStringConvertible {
    let rule: String
    let limit: Double
    let bound: ToleranceCheck.Bound
    let make: @Sendable (Double) -> FieldMeasurement

    var testDescription: String { "\(rule) limit \(limit)" }
}

enum Cases {
    static func fuel(_ e: Double) -> FieldMeasurement { .fuel(FuelTest(nominalL: 20, measuredL: 20 * (1 + e / 100))) }

    /// A stall scale of `capacity` kg (interval from the table unless `d`) that showed `load` kg.
    static func scale(_ capacity: Double, _ load: Double, d: Double? = nil) -> @Sendable (Double) -> FieldMeasurement {
        { e in .scale(ScaleTest(capacityKg: capacity, intervalG: d, loadKg: load, readingKg: load + e / 1000)) }
    }

    /// A 100 kg scale whose interval is the value judged, at `load` kg.
    static func interval(_ load: Double) -> @Sendable (Double) -> FieldMeasurement {
        { d in .scale(ScaleTest(capacityKg: 100, intervalG: d, loadKg: load, readingKg: load)) }
    }

    static func weighing(_ cls: String, e: Double, capacity: Double, load: Double) -> @Sendable (Double) -> FieldMeasurement {
        { err in .weighing(WeighingTest(accuracyClass: cls, intervalG: e, capacityKg: capacity, loadKg: load, readingKg: load + err / 1000)) }
    }

    static func gold(_ declared: Double) -> @Sendable (Double) -> FieldMeasurement {
        { mg in .gold(GoldTest(declaredG: declared, deliveredG: declared + mg / 1000)) }
    }

    static func goldInterval(_ declared: Double) -> @Sendable (Double) -> FieldMeasurement {
        { e in .gold(GoldTest(declaredG: declared, deliveredG: declared, intervalMg: e)) }
    }

    /// A shortfall: two packages, Qn + error and Qn − error, so the mean is Qn and the worst package has the
    /// error; an excess: two packages with it.
    static func packages(_ qn: Double) -> @Sendable (Double) -> FieldMeasurement {
        { e in .prepack(PrepackTest(nominal: qn, unit: .g, measured: e < 0 ? [qn + e, qn - e] : [qn + e, qn + e])) }
    }

    static let all: [RuleCase] = [
        RuleCase(rule: "fuel-dispenser-mpe", limit: 0.3, bound: .either, make: fuel),
        RuleCase(rule: "fuel-sale-shortfall", limit: 0.45, bound: .shortfall, make: fuel),

        RuleCase(rule: "c09-2017-d-100g", limit: 2, bound: .atMost, make: interval(0.1)),
        RuleCase(rule: "c09-2017-d-200g", limit: 5, bound: .atMost, make: interval(0.15)),
        RuleCase(rule: "c09-2017-d-400g", limit: 10, bound: .atMost, make: interval(0.4)),
        RuleCase(rule: "c09-2017-d-1kg", limit: 20, bound: .atMost, make: interval(0.5)),
        RuleCase(rule: "c09-2017-d-2kg", limit: 50, bound: .atMost, make: interval(2)),
        RuleCase(rule: "c09-2017-d-4kg", limit: 100, bound: .atMost, make: interval(3)),
        RuleCase(rule: "c09-2017-d-100kg", limit: 200, bound: .atMost, make: interval(100)),
        // The three worked examples of FACTS.md §3, one per shortfall band.
        RuleCase(rule: "c09-2017-shortfall-1d", limit: 20, bound: .shortfall, make: scale(8, 1)),
        RuleCase(rule: "c09-2017-shortfall-2d", limit: 100, bound: .shortfall, make: scale(10, 7)),
        RuleCase(rule: "c09-2017-shortfall-3d", limit: 600, bound: .shortfall, make: scale(100, 50)),

        // OIML R76 in service (twice the initial MPE), a load at the top of each band.
        RuleCase(rule: "r76-I-0.5e", limit: 0.001, bound: .either, make: weighing("I", e: 0.001, capacity: 0.32, load: 0.05)),
        RuleCase(rule: "r76-I-1e", limit: 0.002, bound: .either, make: weighing("I", e: 0.001, capacity: 0.32, load: 0.2)),
        RuleCase(rule: "r76-I-1.5e", limit: 0.003, bound: .either, make: weighing("I", e: 0.001, capacity: 0.32, load: 0.3)),
        RuleCase(rule: "r76-II-0.5e", limit: 0.1, bound: .either, make: weighing("II", e: 0.1, capacity: 10, load: 0.5)),
        RuleCase(rule: "r76-II-1e", limit: 0.2, bound: .either, make: weighing("II", e: 0.1, capacity: 10, load: 2)),
        RuleCase(rule: "r76-II-1.5e", limit: 0.3, bound: .either, make: weighing("II", e: 0.1, capacity: 10, load: 10)),
        RuleCase(rule: "r76-III-0.5e", limit: 5, bound: .either, make: weighing("III", e: 5, capacity: 50, load: 2.5)),
        RuleCase(rule: "r76-III-1e", limit: 10, bound: .either, make: weighing("III", e: 5, capacity: 50, load: 10)),
        RuleCase(rule: "r76-III-1.5e", limit: 15, bound: .either, make: weighing("III", e: 5, capacity: 50, load: 50)),
        RuleCase(rule: "r76-IIII-0.5e", limit: 50, bound: .either, make: weighing("IIII", e: 50, capacity: 50, load: 2.5)),
        RuleCase(rule: "r76-IIII-1e", limit: 100, bound: .either, make: weighing("IIII", e: 50, capacity: 50, load: 10)),
        RuleCase(rule: "r76-IIII-1.5e", limit: 150, bound: .either, make: weighing("IIII", e: 50, capacity: 50, load: 50)),

        RuleCase(rule: "c22-2013-gold-30g", limit: 13, bound: .shortfall, make: gold(3.75)),
        RuleCase(rule: "c22-2013-gold-50g", limit: 17, bound: .shortfall, make: gold(37.5)),
        RuleCase(rule: "c22-2013-gold-100g", limit: 30, bound: .shortfall, make: gold(100)),
        RuleCase(rule: "c22-2013-gold-200g", limit: 56, bound: .shortfall, make: gold(200)),
        RuleCase(rule: "c22-2013-gold-300g", limit: 80, bound: .shortfall, make: gold(300)),
        RuleCase(rule: "c22-2013-gold-500g", limit: 130, bound: .shortfall, make: gold(375)),
        RuleCase(rule: "c22-2013-gold-1kg", limit: 240, bound: .shortfall, make: gold(1000)),
        RuleCase(rule: "c22-2013-gold-1.5kg", limit: 350, bound: .shortfall, make: gold(1500)),
        RuleCase(rule: "c22-2013-gold-2kg", limit: 430, bound: .shortfall, make: gold(2000)),
        RuleCase(rule: "c22-2013-gold-3kg", limit: 600, bound: .shortfall, make: gold(3000)),
        RuleCase(rule: "c22-2013-gold-5kg", limit: 900, bound: .shortfall, make: gold(5000)),
        RuleCase(rule: "c22-2013-gold-6kg", limit: 1100, bound: .shortfall, make: gold(6000)),
        RuleCase(rule: "c22-2013-gold-above-6kg", limit: 1400, bound: .shortfall, make: gold(8000)),
        RuleCase(rule: "c22-2013-e-200g", limit: 1, bound: .atMost, make: goldInterval(200)),
        RuleCase(rule: "c22-2013-e-3kg", limit: 10, bound: .atMost, make: goldInterval(3000)),
        RuleCase(rule: "c22-2013-e-10kg", limit: 100, bound: .atMost, make: goldInterval(10000)),

        // Qn inside each band, so that a percent and a fixed amount give different limits.
        RuleCase(rule: "c21-2014-t-50", limit: 2.25, bound: .shortfall, make: packages(25)),
        RuleCase(rule: "c21-2014-t-100", limit: 4.5, bound: .shortfall, make: packages(75)),
        RuleCase(rule: "c21-2014-t-200", limit: 6.75, bound: .shortfall, make: packages(150)),
        RuleCase(rule: "c21-2014-t-300", limit: 9, bound: .shortfall, make: packages(250)),
        RuleCase(rule: "c21-2014-t-500", limit: 12, bound: .shortfall, make: packages(400)),
        RuleCase(rule: "c21-2014-t-1000", limit: 15, bound: .shortfall, make: packages(750)),
        RuleCase(rule: "c21-2014-t-10k", limit: 30, bound: .shortfall, make: packages(2000)),
        RuleCase(rule: "c21-2014-t-15k", limit: 150, bound: .shortfall, make: packages(12000)),
        RuleCase(rule: "c21-2014-t-above-15k", limit: 200, bound: .shortfall, make: packages(20000)),
        RuleCase(rule: "c21-2014-lot-mean", limit: 0, bound: .shortfall,
                 make: { e in .prepack(PrepackTest(nominal: 500, unit: .g, measured: [500 + e, 500 + e])) }),
    ]
}

@Suite struct VerdictEngineTests {
    let registry: TemporaryRegistry
    let engine: VerdictEngine

    init() throws {
        registry = try TemporaryRegistry()
        engine = VerdictEngine(rules: try ToleranceRuleQuery(store: registry.store).ruleBook(on: LocalDate(iso: "2026-06-01")!))
    }

    func check(_ rule: String, _ m: FieldMeasurement) throws -> ToleranceCheck {
        let verdict = try engine.judge(m)
        return try #require(verdict.checks.first { $0.rule.code == rule }, "no check by \(rule) in \(verdict.checks.map(\.rule.code))")
    }

    @Test("every rule at, just inside and just outside its limit", arguments: Cases.all)
    func ruleLimits(_ c: RuleCase) throws {
        let delta = max(c.limit * 0.001, 0.001)
        let at: Double, inside: Double, outside: Double
        switch c.bound {
        case .shortfall: (at, inside, outside) = (-c.limit, -c.limit + delta, -c.limit - delta)
        case .atMost, .either: (at, inside, outside) = (c.limit, c.limit - delta, c.limit + delta)
        }
        let atLimit = try check(c.rule, c.make(at))
        #expect(abs(atLimit.limit - c.limit) < 1e-9, "limit applied \(atLimit.limit), FACTS.md gives \(c.limit)")
        #expect(atLimit.bound == c.bound)
        #expect(atLimit.passed, "at the limit: error \(atLimit.error)")
        #expect(try check(c.rule, c.make(inside)).passed, "just inside")
        #expect(try !check(c.rule, c.make(outside)).passed, "just outside")
        if c.bound == .either {
            #expect(try check(c.rule, c.make(-c.limit)).passed, "at the limit, other sign")
            #expect(try !check(c.rule, c.make(-outside)).passed, "just outside, other sign")
        }
        if c.bound == .shortfall {
            #expect(try check(c.rule, c.make(c.limit * 3 + 1)).passed, "an excess is no shortfall")
        }
    }

    /// A new row in tolerance_rules must come with a case above.
    @Test func everyRuleRowHasACase() throws {
        let codes = Set(engine.rules.tolerances.map(\.code))
        #expect(codes == Set(Cases.all.map(\.rule)))
        #expect(codes.count == 50)
    }

    @Test func workedExamplesOfCircular09() throws {
        for (capacity, load, allowed) in [(8.0, 1.0, 20.0), (10, 7, 100), (100, 50, 600)] {
            let v = try engine.judge(.scale(ScaleTest(capacityKg: capacity, loadKg: load, readingKg: load - allowed / 1000)))
            #expect(v.passed)
            #expect(v.decisive.limit == allowed)
            #expect(v.decisive.unit == "g")
            #expect(v.decisive.rule.source.contains("Circular 09/2017"))
            let short = try engine.judge(.scale(ScaleTest(capacityKg: capacity, loadKg: load, readingKg: load - (allowed + 1) / 1000)))
            #expect(!short.passed)
            #expect(short.violationCategories == ["quantity_short"])
        }
    }

    @Test func issueExamples() throws {
        let fuel = try engine.judge(.fuel(FuelTest(nominalL: 20, measuredL: 19.95)))
        #expect(fuel.passed)
        #expect(abs(fuel.decisive.error + 0.25) < 1e-9)
        let scale = try engine.judge(.scale(ScaleTest(capacityKg: 8, loadKg: 1, readingKg: 0.985)))
        #expect(scale.passed && abs(scale.decisive.error + 15) < 1e-9)
        let gold = try engine.judge(.gold(GoldTest(declaredG: 100, deliveredG: 99.975)))
        #expect(gold.passed && abs(gold.decisive.error + 25) < 1e-9 && gold.decisive.unit == "mg")
        // 489 g is 11 g short of 500 g (allowed 15 g) but the mean, 497.6 g, is below Qn.
        let prepack = try engine.judge(.prepack(PrepackTest(nominal: 500, unit: .g, measured: [496, 501, 489, 502, 500])))
        #expect(!prepack.passed)
        #expect(prepack.decisive.rule.code == "c21-2014-lot-mean")
        #expect(abs(prepack.decisive.error + 2.4) < 1e-9)
        #expect(prepack.violationCategories == ["prepackaged_quantity"])
    }

    @Test func unitsOfPrepackagedGoods() throws {
        // 1 kg is 1000 g: the 500-1000 band's 15 g, in any unit.
        let kg = try engine.judge(.prepack(PrepackTest(nominal: 1, unit: .kg, measured: [0.985, 1.015])))
        #expect(kg.passed && kg.checks[0].limit == 15 && kg.checks[0].unit == "g")
        let litres = try engine.judge(.prepack(PrepackTest(nominal: 1, unit: .L, measured: [0.984, 1.02])))
        #expect(!litres.passed && litres.checks[0].unit == "mL")
    }

    @Test func initialVerificationIsHalfTheServiceLimit() throws {
        let t = WeighingTest(accuracyClass: "III", intervalG: 5, capacityKg: 15, loadKg: 2, readingKg: 2.004, inService: false)
        let v = try engine.judge(.weighing(t))
        #expect(v.decisive.limit == 2.5)
        #expect(!v.passed)
        var s = t
        s.inService = true
        #expect(try engine.judge(.weighing(s)).passed)
    }

    @Test func unsuitableScaleFailsEvenWithoutShortfall() throws {
        // A 100 kg scale (d = 200 g) for 1 kg of goods: Table 1 asks d ≤ 20 g.
        let v = try engine.judge(.scale(ScaleTest(capacityKg: 100, loadKg: 1, readingKg: 1)))
        #expect(!v.passed)
        #expect(v.decisive.rule.code == "c09-2017-d-1kg")
        #expect(v.violationCategories == ["instrument_unsuitable"])
    }

    @Test func verdictJSONCarriesTheDecisiveCheck() throws {
        let v = try engine.judge(.scale(ScaleTest(capacityKg: 10, loadKg: 7, readingKg: 6.899)))
        let json = try JSONSerialization.jsonObject(with: Data(JSONText.encode(v.json).utf8)) as! [String: Any]
        #expect(json["verdict"] as? String == "fail")
        #expect(json["error"] as? Double == -101)
        #expect(json["limit"] as? Double == 100)
        #expect(json["rule"] as? String == "c09-2017-shortfall-2d")
        #expect((json["source"] as? String)?.hasPrefix("Circular 09/2017/TT-BKHCN") == true)
        #expect((json["checks"] as? [Any])?.count == 2)
    }

    @Test("bad input names the field, the value and what was expected", arguments: [
        (FieldMeasurement.fuel(FuelTest(nominalL: 20, measuredL: -1)), "measured_l", "-1", "0 or more"),
        (.fuel(FuelTest(nominalL: 0, measuredL: 1)), "nominal_l", "0", "above 0"),
        (.fuel(FuelTest(nominalL: .nan, measuredL: 1)), "nominal_l", "nan", "above 0"),
        (.scale(ScaleTest(capacityKg: 8, loadKg: 9, readingKg: 9)), "load_kg", "9", "at most the scale's capacity, 8 kg"),
        (.scale(ScaleTest(capacityKg: 8, loadKg: 0.03, readingKg: 0.03)), "load_kg", "0.03", "above 0.04 and at most 100 kg"),
        (.scale(ScaleTest(capacityKg: 6, loadKg: 1, readingKg: 1)), "interval_g", "not given", "no typical d"),
        (.scale(ScaleTest(capacityKg: 8, intervalG: 0, loadKg: 1, readingKg: 1)), "interval_g", "0", "above 0"),
        (.scale(ScaleTest(capacityKg: 8, loadKg: 1, readingKg: -0.5)), "reading_kg", "-0.5", "0 or more"),
        (.weighing(WeighingTest(accuracyClass: "V", intervalG: 5, capacityKg: 15, loadKg: 2, readingKg: 2)), "accuracy_class", "V", "I, II, III, IIII"),
        (.weighing(WeighingTest(accuracyClass: "iii", intervalG: 5, capacityKg: 15, loadKg: 2, readingKg: 2)), "accuracy_class", "iii", "I, II, III, IIII"),
        (.weighing(WeighingTest(accuracyClass: "IIII", intervalG: 50, capacityKg: 150, loadKg: 60, readingKg: 60)), "load_kg", "60", "at most 50 kg"),
        (.weighing(WeighingTest(accuracyClass: "III", intervalG: 5, capacityKg: 15, loadKg: 16, readingKg: 16)), "load_kg", "16", "capacity, 15 kg"),
        (.gold(GoldTest(declaredG: -3, deliveredG: 1)), "declared_g", "-3", "above 0"),
        (.gold(GoldTest(declaredG: 20000, deliveredG: 20000, intervalMg: 100)), "declared_g", "20000", "at most 10000"),
        (.prepack(PrepackTest(nominal: 500, unit: .g, measured: [])), "measured", "", "each package"),
        (.prepack(PrepackTest(nominal: 500, unit: .g, measured: [499, -2])), "measured[2]", "-2", "0 or more"),
        (.prepack(PrepackTest(nominal: 4, unit: .g, measured: [4])), "nominal", "4", "above 5"),
    ])
    func badInput(_ m: FieldMeasurement, field: String, value: String, expected: String) throws {
        do {
            let v = try engine.judge(m)
            Issue.record("judged instead of refused: \(v.passed)")
        } catch RegistryError.invalidArgument(let f, let val, let exp) {
            #expect(f == field)
            #expect(val == value)
            #expect(exp.contains(expected), "\(exp)")
        }
    }

    /// Rules are data: a row valid from a later date replaces the earlier one for checks on and after it.
    @Test func rulesFollowTheirValidityDates() throws {
        try registry.execute("""
            UPDATE tolerance_rules SET valid_to = '2026-12-31' WHERE code = 'fuel-dispenser-mpe';
            INSERT INTO tolerance_rules (code, test, band_above, band_unit, limit_value, limit_unit, violation_category, valid_from, source, confidence)
            VALUES ('fuel-dispenser-mpe', 'fuel_dispenser', 0, 'L', 0.5, 'percent', 'instrument_out_of_tolerance', '2027-01-01', 'test rule', 'uncertain');
            """)
        let query = ToleranceRuleQuery(store: registry.store)
        let m = FieldMeasurement.fuel(FuelTest(nominalL: 20, measuredL: 19.92))
        let before = try VerdictEngine(rules: query.ruleBook(on: LocalDate(iso: "2026-12-31")!)).judge(m)
        let after = try VerdictEngine(rules: query.ruleBook(on: LocalDate(iso: "2027-01-01")!)).judge(m)
        #expect(!before.passed && before.decisive.limit == 0.3)
        #expect(after.passed && after.checks[0].limit == 0.5 && after.checks[1].limit == 0.75)
        // Circular 09/2017 took effect on 2017-08-15: no market-scale rule before it.
        let old = try VerdictEngine(rules: query.ruleBook(on: LocalDate(iso: "2017-08-14")!))
        #expect(throws: RegistryError.self) { try old.judge(.scale(ScaleTest(capacityKg: 8, loadKg: 1, readingKg: 1))) }
    }
}
