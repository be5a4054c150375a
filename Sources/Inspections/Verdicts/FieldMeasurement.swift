/// What an inspector measured in one field check, in the units the check is done in. Every quantity is
/// "claimed" (what the seller's instrument showed or the package declares) against "true" (what the
/// reference measure, check scale or reference weights gave), except the weighing test, which compares an
/// instrument's indication with the reference load on it.
public enum FieldMeasurement: Sendable, Hashable {
    /// A fuel dispenser's indicated volume against the volume in a standard measure.
    case fuel(FuelTest)
    /// Goods sold on a market or counter scale, re-weighed on a check scale (Circular 09/2017).
    case scale(ScaleTest)
    /// A non-automatic weighing instrument's indication for a reference load (OIML R76).
    case weighing(WeighingTest)
    /// Gold delivered against the mass declared (Circular 22/2013).
    case gold(GoldTest)
    /// A sample of pre-packaged goods against their nominal quantity (Circular 21/2014).
    case prepack(PrepackTest)
}

public struct FuelTest: Sendable, Hashable {
    /// The volume the dispenser indicated, in litres.
    public var nominalL: Double
    /// The volume found in the standard measure, in litres.
    public var measuredL: Double

    public init(nominalL: Double, measuredL: Double) {
        self.nominalL = nominalL
        self.measuredL = measuredL
    }
}

public struct ScaleTest: Sendable, Hashable {
    public var capacityKg: Double
    /// The scale's interval d in grams; when nil, the typical d of a scale of this capacity.
    public var intervalG: Double?
    /// The quantity as the checked scale showed it (what was sold), in kg.
    public var loadKg: Double
    /// The true quantity, by the check scale or reference weights, in kg.
    public var readingKg: Double

    public init(capacityKg: Double, intervalG: Double? = nil, loadKg: Double, readingKg: Double) {
        self.capacityKg = capacityKg
        self.intervalG = intervalG
        self.loadKg = loadKg
        self.readingKg = readingKg
    }
}

public struct WeighingTest: Sendable, Hashable {
    /// OIML R76 accuracy class: I, II, III or IIII.
    public var accuracyClass: String
    /// The verification scale interval e, in grams.
    public var intervalG: Double
    public var capacityKg: Double
    /// The reference load put on the instrument, in kg.
    public var loadKg: Double
    /// What the instrument indicated, in kg.
    public var readingKg: Double
    /// In service the permissible error is that of initial verification times the rule's factor (2).
    public var inService: Bool

    public init(accuracyClass: String, intervalG: Double, capacityKg: Double, loadKg: Double, readingKg: Double, inService: Bool = true) {
        self.accuracyClass = accuracyClass
        self.intervalG = intervalG
        self.capacityKg = capacityKg
        self.loadKg = loadKg
        self.readingKg = readingKg
        self.inService = inService
    }
}

public struct GoldTest: Sendable, Hashable {
    public var declaredG: Double
    public var deliveredG: Double
    /// The gold scale's interval e in milligrams, checked against the interval allowed for the load when given.
    public var intervalMg: Double?

    public init(declaredG: Double, deliveredG: Double, intervalMg: Double? = nil) {
        self.declaredG = declaredG
        self.deliveredG = deliveredG
        self.intervalMg = intervalMg
    }
}

public struct PrepackTest: Sendable, Hashable {
    public enum QuantityUnit: String, Sendable, CaseIterable {
        case g, kg, mL, L

        /// Grams or millilitres per unit: the tables are in g or mL.
        var factor: Double { self == .kg || self == .L ? 1000 : 1 }
        var base: String { self == .g || self == .kg ? "g" : "mL" }
    }

    /// The nominal quantity Qn on the label.
    public var nominal: Double
    public var unit: QuantityUnit
    /// The quantity measured in each package of the sample, in `unit`.
    public var measured: [Double]

    public init(nominal: Double, unit: QuantityUnit, measured: [Double]) {
        self.nominal = nominal
        self.unit = unit
        self.measured = measured
    }
}
