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
            struct Stored: Decodable, FetchableRecord {
                var maxCapacity, scaleInterval: Double?
                var measureUnit, accuracyClass: String?
                static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
            }
            guard let stored = try Stored.fetchOne(db, sql: """
                SELECT max_capacity, scale_interval, measure_unit, accuracy_class FROM measuring_instruments WHERE id = ?
                """, arguments: [id]) else { return nil }
            let grams: Double? = switch stored.measureUnit {
            case "mg": 0.001
            case "g": 1
            case "kg": 1000
            case "t": 1_000_000
            default: nil
            }
            return RegisteredScale(capacityKg: grams.flatMap { g in stored.maxCapacity.map { $0 * g / 1000 } },
                                   intervalG: grams.flatMap { g in stored.scaleInterval.map { $0 * g } },
                                   accuracyClass: stored.accuracyClass)
        }
    }
}
