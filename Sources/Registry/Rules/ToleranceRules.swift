import GRDB

/// One band of a tolerance table (`tolerance_rules`): the limit that applies to a value of the band's
/// measure in (bandAbove, bandUpTo]. Rows are data with their source, so a verdict can say which law it applied.
public struct ToleranceRule: Sendable, Hashable, Codable, FetchableRecord {
    public enum Test: String, Sendable, Codable, CaseIterable {
        case fuelDispenser = "fuel_dispenser", fuelSale = "fuel_sale"
        case marketScaleInterval = "market_scale_interval", marketScaleShortfall = "market_scale_shortfall"
        case weighingMPE = "weighing_mpe", goldShortfall = "gold_shortfall", goldInterval = "gold_interval"
        case prepackDeficiency = "prepack_deficiency", prepackMean = "prepack_mean"
    }

    public enum LimitUnit: String, Sendable, Codable {
        case percent, g, mg, d, e
        /// A multiple of the fuel dispenser's MPE in force (the sale rule).
        case mpe
    }

    public var code: String
    public var test: Test
    public var accuracyClass: String?
    public var bandAbove: Double
    public var bandUpTo: Double?
    public var bandUnit: String
    public var limitValue: Double
    public var limitUnit: LimitUnit
    public var inServiceFactor: Double
    public var violationCategory: String?
    public var validFrom: String
    public var validTo: String?
    public var source: String
    public var confidence: String
    public var note: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    public func covers(_ value: Double) -> Bool {
        value > bandAbove && (bandUpTo.map { value <= $0 } ?? true)
    }
}

/// The usual interval d of a market spring dial scale of a given capacity (`typical_scale_intervals`).
public struct TypicalScaleInterval: Sendable, Hashable, Codable, FetchableRecord {
    public var capacityG: Double
    public var intervalG: Double
    public var source: String
    public var confidence: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// A fine a violation may draw (`penalty_rules`), graded by the illegal gain where the law does so.
public struct PenaltyRule: Sendable, Hashable, Codable, FetchableRecord {
    public var code: String
    public var violationCategory: String
    public var legalBasis: String
    public var gainAboveVnd: Int?
    public var gainUpToVnd: Int?
    public var fineMinVnd: Int?
    public var fineMaxVnd: Int?
    public var additionalMeasure: String?
    public var source: String
    public var confidence: String
    public var note: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// Every tolerance, typical interval and penalty in force on one date: what a verdict is judged against.
public struct RuleBook: Sendable {
    public var date: LocalDate
    public var tolerances: [ToleranceRule]
    public var typicalIntervals: [TypicalScaleInterval]
    public var penalties: [PenaltyRule]

    public init(date: LocalDate, tolerances: [ToleranceRule], typicalIntervals: [TypicalScaleInterval], penalties: [PenaltyRule]) {
        self.date = date
        self.tolerances = tolerances
        self.typicalIntervals = typicalIntervals
        self.penalties = penalties
    }

    /// The bands of one test (and accuracy class), lowest first.
    public func bands(_ test: ToleranceRule.Test, accuracyClass: String? = nil) -> [ToleranceRule] {
        tolerances.filter { $0.test == test && $0.accuracyClass == accuracyClass }.sorted { $0.bandAbove < $1.bandAbove }
    }

    /// The band of `test` that holds `value`, if any.
    public func band(_ test: ToleranceRule.Test, accuracyClass: String? = nil, for value: Double) -> ToleranceRule? {
        bands(test, accuracyClass: accuracyClass).first { $0.covers(value) }
    }
}

/// Reads the rule tables as they stand on a date.
public struct ToleranceRuleQuery: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    public func ruleBook(on date: LocalDate) throws -> RuleBook {
        try store.read { db in try ToleranceRuleQuery.ruleBook(db, on: date) }
    }

    static func ruleBook(_ db: Database, on date: LocalDate) throws -> RuleBook {
        let period = Period(date)
        return RuleBook(
            date: date,
            tolerances: try ToleranceRule.fetchAll(db, SQLRequest(literal: """
                SELECT code, test, accuracy_class, band_above, band_up_to, band_unit, limit_value, limit_unit, in_service_factor,
                       violation_category, valid_from, valid_to, source, confidence, note
                FROM tolerance_rules r WHERE \(period.contains("r")) ORDER BY test, accuracy_class, band_above
                """)),
            typicalIntervals: try TypicalScaleInterval.fetchAll(db, SQLRequest(literal: """
                SELECT capacity_g, interval_g, source, confidence FROM typical_scale_intervals r
                WHERE \(period.contains("r")) ORDER BY capacity_g
                """)),
            penalties: try PenaltyRule.fetchAll(db, SQLRequest(literal: """
                SELECT code, violation_category, legal_basis, gain_above_vnd, gain_up_to_vnd, fine_min_vnd, fine_max_vnd,
                       additional_measure, source, confidence, note
                FROM penalty_rules r WHERE \(period.contains("r")) ORDER BY violation_category, gain_above_vnd
                """)))
    }
}
