import GRDB
import GeoJSON

/// A ward of one period with its boundary and how many units it held on the date asked.
public struct WardSummary: Sendable {
    public var ward: AdminUnit
    public var areaKm2: Double?
    public var units: Int
    /// "Phường 9 (whole); Phường 10 (part)": the wards it succeeded.
    public var predecessors: String?
    public var boundary: Geometry?

    /// The columns `WardList` computes beside the ward's own.
    struct Counted: Decodable, FetchableRecord {
        var area: Double?
        var g: String?
        var predecessors: String?
        var units: Int
    }
}

/// Read-only views of administrative units and rule tables.
public struct AdminQuery: Sendable {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// The wards valid on `date` with their unit counts, in code order (see WardList).
    public func wards(on date: LocalDate, boundaries: Bool = true) throws -> [WardSummary] {
        try WardList(store: store, boundaries: boundaries).list(WardFilter(asOf: date), sorts: []).items
    }

    /// Verification cycles in force on `date`.
    public func verificationRules(on date: LocalDate) throws -> [VerificationCycle] {
        try store.read { db in
            try VerificationCycle.fetchAll(db, SQLRequest(literal: """
                SELECT r.instrument_type, t.name_vi AS type_name, r.cycle_months AS months, r.valid_from, r.valid_to, r.confidence, r.source
                FROM verification_rules r JOIN instrument_types t ON t.code = r.instrument_type
                WHERE \(Period(date).contains("r")) ORDER BY r.instrument_type
                """))
        }
    }
}
