import ArgumentParser
import Foundation
import GeoJSON
import Inspections
import Output
import Registry

extension EconGIS {
    struct Verdict: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verdict",
            abstract: "Judge one field measurement against the legal tolerances in force, without recording anything.",
            discussion: """
                The limits come from the rule tables (tolerance_rules, typical_scale_intervals), each with its legal source. \
                Errors are true minus claimed: a negative error is a shortfall for the buyer.
                """,
            subcommands: [VerdictTest<FuelOptions>.self, VerdictTest<ScaleOptions>.self, VerdictTest<WeighingOptions>.self,
                          VerdictTest<GoldOptions>.self, VerdictTest<PrepackOptions>.self, ToleranceRulesList.self])
    }
}

/// What every `verdict` subcommand shares: the database holding the rules, their date and the output.
struct VerdictOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument { case table, json }

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Judge by the rules in force on this date (default: today).", valueName: "date")) var on: LocalDate?
    @Option(help: "table or json.") var format: Format = .table

    /// Judges the measurement and prints the verdict; library field names in errors become this command's flags.
    func run<M: MeasurementOptions>(_ test: M) throws {
        let verdict = try withFlags(M.flags) {
            let rules = try ToleranceRuleQuery(store: database.openForReading()).ruleBook(on: on ?? .today())
            return try VerdictEngine(rules: rules).judge(try test.measurement())
        }
        switch format {
        case .json: print(JSONText.encode(verdict.json))
        case .table: print(VerdictOptions.text(verdict), terminator: "")
        }
    }

    /// "load_kg" → "--load-kg"; "measured[3]" → "--measured item 3"; `flags` renames the rest.
    static func flag(_ field: String, _ flags: [String: String]) -> String {
        if field.hasPrefix("measured["), field.hasSuffix("]") { return "--measured item \(field.dropFirst(9).dropLast())" }
        if let flag = flags[field] { return flag }
        guard field.allSatisfy({ $0.isLetter || $0 == "_" }) else { return field }
        return "--" + field.replacingOccurrences(of: "_", with: "-")
    }

    static func text(_ v: Inspections.Verdict) -> String {
        var out = "verdict: \(v.passed ? "PASS" : "FAIL")\n"
        for c in v.checks {
            out += "  \(c.passed ? "pass" : "FAIL")  \(c.what): error \(shown(c.error)) \(c.unit), limit \(c.bound == .either ? "±" : "")\(shown(c.limit)) \(c.unit)"
            out += c.bound == .shortfall ? " short" : ""
            out += "\n        rule \(c.rule.code): \(c.rule.source) (\(c.rule.confidence))\n"
        }
        return out
    }

    static func shown(_ x: Double) -> String { InspectionRows.shown(x) }
}

/// The options of one kind of measurement, shared by `verdict KIND` and `inspections record KIND`.
protocol MeasurementOptions: ParsableArguments {
    /// The subcommand's name (fuel, scale, …) and what it judges.
    static var name: String { get }
    static var abstract: String { get }
    /// Library field names that are not simply this command's flags with dashes.
    static var flags: [String: String] { get }
    func measurement() throws -> FieldMeasurement
}

extension MeasurementOptions {
    static var flags: [String: String] { [:] }
}

struct FuelOptions: MeasurementOptions {
    static let name = "fuel"
    static let abstract = "A fuel dispenser: indicated volume against a standard measure (MPE, and 1.5 × MPE in a sale)."
    @Option(parsing: .unconditional, help: ArgumentHelp("Volume the dispenser indicated, in litres.", valueName: "litres")) var nominalL: Double
    @Option(parsing: .unconditional, help: ArgumentHelp("Volume found in the standard measure, in litres.", valueName: "litres")) var measuredL: Double

    func measurement() -> FieldMeasurement { .fuel(FuelTest(nominalL: nominalL, measuredL: measuredL)) }
}

struct ScaleOptions: MeasurementOptions {
    static let name = "scale"
    static let abstract = "A market or counter scale: goods as the scale showed them, re-weighed on a check scale (Circular 09/2017)."
    @Option(parsing: .unconditional, help: ArgumentHelp("Capacity of the checked scale, in kg.", valueName: "kg")) var capacityKg: Double
    @Option(name: .customLong("d-g"), parsing: .unconditional, help: ArgumentHelp("Its interval d, in grams (default: the typical d for the capacity).", valueName: "grams")) var dG: Double?
    @Option(parsing: .unconditional, help: ArgumentHelp("The quantity the checked scale showed (what was sold), in kg.", valueName: "kg")) var loadKg: Double
    @Option(parsing: .unconditional, help: ArgumentHelp("The true quantity, by the check scale or reference weights, in kg.", valueName: "kg")) var readingKg: Double

    static var flags: [String: String] { ["interval_g": "--d-g"] }
    func measurement() -> FieldMeasurement { .scale(ScaleTest(capacityKg: capacityKg, intervalG: dG, loadKg: loadKg, readingKg: readingKg)) }
}

struct WeighingOptions: MeasurementOptions {
    static let name = "weighing"
    static let abstract = "A non-automatic weighing instrument: indication for a reference load (OIML R76, doubled in service)."
    @Option(name: [.customLong("accuracy-class"), .customLong("class")], help: "Accuracy class: I, II, III or IIII.") var accuracyClass: String
    @Option(name: .customLong("e-g"), parsing: .unconditional, help: ArgumentHelp("Verification scale interval e, in grams.", valueName: "grams")) var eG: Double
    @Option(parsing: .unconditional, help: ArgumentHelp("Capacity (Max), in kg.", valueName: "kg")) var capacityKg: Double
    @Option(parsing: .unconditional, help: ArgumentHelp("Reference load put on the instrument, in kg.", valueName: "kg")) var loadKg: Double
    @Option(parsing: .unconditional, help: ArgumentHelp("What the instrument indicated, in kg.", valueName: "kg")) var readingKg: Double
    @Flag(help: "Judge by the limits of initial verification instead of those in service.") var initial = false

    static var flags: [String: String] { ["interval_g": "--e-g"] }
    func measurement() -> FieldMeasurement {
        .weighing(WeighingTest(accuracyClass: accuracyClass, intervalG: eG, capacityKg: capacityKg, loadKg: loadKg, readingKg: readingKg, inService: !initial))
    }
}

struct GoldOptions: MeasurementOptions {
    static let name = "gold"
    static let abstract = "Gold: delivered against declared mass, and the scale interval allowed for the load (Circular 22/2013)."
    @Option(parsing: .unconditional, help: ArgumentHelp("Declared mass, in grams.", valueName: "grams")) var declaredG: Double
    @Option(parsing: .unconditional, help: ArgumentHelp("Mass delivered, by the reference scale, in grams.", valueName: "grams")) var deliveredG: Double
    @Option(name: .customLong("e-mg"), parsing: .unconditional, help: ArgumentHelp("The shop scale's interval e, in milligrams (checked when given).", valueName: "mg")) var eMg: Double?

    static var flags: [String: String] { ["interval_mg": "--e-mg"] }
    func measurement() -> FieldMeasurement { .gold(GoldTest(declaredG: declaredG, deliveredG: deliveredG, intervalMg: eMg)) }
}

struct PrepackOptions: MeasurementOptions {
    static let name = "prepack"
    static let abstract = "Pre-packaged goods: each package's deficiency and the sample's mean against Qn (Circular 21/2014)."
    @Option(parsing: .unconditional, help: ArgumentHelp("Nominal quantity Qn on the label.", valueName: "quantity")) var nominal: Double
    @Option(help: "g, kg, mL or L.") var unit: PrepackTest.QuantityUnit
    @Option(parsing: .unconditional, help: ArgumentHelp("Quantity measured in each package of the sample, in --unit.", valueName: "q1,q2,…")) var measured: String

    func measurement() throws -> FieldMeasurement {
        var sample: [Double] = []
        for (i, item) in measured.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard let v = Double(text) else {
                throw RegistryError.invalidArgument(field: "--measured item \(i + 1)", value: text,
                                                    expected: "a number in \(unit.rawValue); items separated by commas, e.g. 496,501.5,489")
            }
            sample.append(v)
        }
        return .prepack(PrepackTest(nominal: nominal, unit: unit, measured: sample))
    }
}

/// `verdict rules`: the tolerance (or penalty) rows in force on a date, the data every verdict is judged by.
struct ToleranceRulesList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List the tolerance rules (or with --penalties the fines) in force: editable data with sources.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Date (default: today).", valueName: "date")) var on: LocalDate?
    @Flag(help: "The penalty rules (fine ranges by violation) instead.") var penalties = false
    @Option(help: "table, json or csv.") var format: Listing.Format = .table

    func validate() throws {
        if format == .geojson { throw ValidationError("--format geojson: expected table, json or csv") }
    }

    func run() throws {
        let book = try ToleranceRuleQuery(store: database.openForReading()).ruleBook(on: on ?? .today())
        func s(_ x: String?) -> JSONValue { x.map(JSONValue.string) ?? .null }
        func n(_ x: Double?) -> JSONValue { x.map(JSONValue.double) ?? .null }
        func i(_ x: Int?) -> JSONValue { x.map(JSONValue.int) ?? .null }
        try withStandardOutput { sink in
            if penalties {
                var w = try ListWriter(format: format, name: "penalty_rules", columns: [
                    "code", "violation", "legal_basis", "gain_above_vnd", "gain_up_to_vnd", "fine_min_vnd", "fine_max_vnd", "additional_measure",
                    "confidence", "source"], sink: sink)
                for p in book.penalties {
                    try w.write([.string(p.code), .string(p.violationCategory), .string(p.legalBasis), i(p.gainAboveVnd), i(p.gainUpToVnd),
                                 i(p.fineMinVnd), i(p.fineMaxVnd), s(p.additionalMeasure), .string(p.confidence), .string(p.source)])
                }
                try w.end()
                return
            }
            var w = try ListWriter(format: format, name: "tolerance_rules", columns: [
                "code", "test", "class", "above", "up_to", "of", "limit", "limit_unit", "in_service", "violation", "valid_from", "confidence",
                "source"], sink: sink)
            for r in book.tolerances {
                try w.write([.string(r.code), .string(r.test.rawValue), s(r.accuracyClass), n(r.bandAbove), n(r.bandUpTo), .string(r.bandUnit),
                             n(r.limitValue), .string(r.limitUnit.rawValue), n(r.inServiceFactor), s(r.violationCategory), .string(r.validFrom),
                             .string(r.confidence), .string(r.source)])
            }
            try w.end()
        }
    }
}

/// `verdict KIND …`: one kind of measurement judged, nothing recorded.
struct VerdictTest<M: MeasurementOptions>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: M.name, abstract: M.abstract) }
    @OptionGroup var test: M
    @OptionGroup var options: VerdictOptions
    func run() throws { try options.run(test) }
}

extension PrepackTest.QuantityUnit: ExpressibleByArgument {
    public init?(argument: String) {
        guard let u = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) else { return nil }
        self = u
    }
}

/// Runs `body`, naming a library field in an invalid-argument error by this command's flag.
func withFlags<T>(_ flags: [String: String], _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch RegistryError.invalidArgument(let field, let value, let expected) {
        throw RegistryError.invalidArgument(field: VerdictOptions.flag(field, flags), value: value, expected: expected)
    }
}
