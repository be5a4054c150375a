import GRDB

/// What the registry holds of a scale an inspection tests: its capacity and interval, in the units a test gives them,
/// and its accuracy class.
public struct RegisteredScale: Sendable, Hashable {
    public var capacityKg: Double?
    public var intervalG: Double?
    public var accuracyClass: String?
}

extension InspectionLedger {
    /// The inspected unit's scale with this serial number, as registered (the unit of measure applied to capacity and
    /// interval, which are nil when it is not one of mass). Throws as recording a test would: no such instrument, or not a
    /// scale.
    public func registeredScale(unitCode: String, serial: String) throws -> RegisteredScale? {
        try store.read { db in
            let id = try instrumentId(db, unitCode: unitCode, serial: serial, for: .scale)
            guard let row = try Row.fetchOne(db, sql: """
                SELECT max_capacity, scale_interval, measure_unit, accuracy_class FROM measuring_instruments WHERE id = ?
                """, arguments: [id]) else { return nil }
            let grams: Double? = switch row["measure_unit"] as String? {
            case "mg": 0.001
            case "g": 1
            case "kg": 1000
            case "t": 1_000_000
            default: nil
            }
            return RegisteredScale(capacityKg: grams.flatMap { g in (row["max_capacity"] as Double?).map { $0 * g / 1000 } },
                                   intervalG: grams.flatMap { g in (row["scale_interval"] as Double?).map { $0 * g } },
                                   accuracyClass: row["accuracy_class"])
        }
    }
}
