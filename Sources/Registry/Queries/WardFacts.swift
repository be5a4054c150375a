import GRDB

/// What the registry knows about the active units of one ward on a day, read in one snapshot: the
/// ward, its units' instruments' verification states, past violations, last inspections and the visit
/// profiles; the units themselves are streamed (`UnitQuery.wardFacts(code:asOf:date:forUnits:)`). Past means done or closed: a planned, started or cancelled inspection found nothing yet. The inspection planner scores and routes from this; storage knows no optimiser.
public struct WardFacts: Sendable {
    public struct Violation: Sendable, Decodable, FetchableRecord {
        public var unitId: Int64
        public var inspectedOn: LocalDate
        public var category: String
        public var seriousness: Int
        public var followUp: String?
        public var followUpDue: LocalDate?
        public var resolvedOn: LocalDate?

        public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    /// Service minutes and opening hours ("07:00-11:00,13:00-17:00") of a kind of visit (`category`).
    public struct VisitProfile: Sendable, Decodable, FetchableRecord {
        public var category: String
        public var serviceMinutes: Int
        public var openingHours: String

        public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    /// A unit's last finished inspection.
    struct LastInspection: Decodable, FetchableRecord {
        var unitId: Int64
        var last: LocalDate

        static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    /// A point of the ward, nil where it has no geometry.
    struct Point: Decodable, FetchableRecord {
        var x: Double?
        var y: Double?
    }

    public var ward: AdminUnit
    /// A point inside the ward (SpatiaLite's ST_PointOnSurface), where teams start by default.
    public var inside: (lon: Double, lat: Double)
    public var instruments: [DueItem]
    public var lastInspection: [Int64: LocalDate]
    public var violations: [Violation]
    public var profiles: [String: VisitProfile]
    public var instrumentTypeNames: [String: String]
}

extension UnitQuery {
    /// The facts for planning visits in ward `code` (read on `asOf`) on `date`; then, in the same snapshot, each
    /// active unit of the ward is given to the function that `forUnits` makes of the facts. The units are streamed
    /// from the cursor, never all held: a ward of 230 000 units in a registry of a million took 730 MB held.
    public func wardFacts(code: String, asOf: LocalDate, date: LocalDate,
                          forUnits: ((WardFacts) throws -> (ListedUnit) throws -> Void)? = nil) throws -> WardFacts {
        try store.read { db in
            let w = try UnitQuery.ward(db, code: code, on: asOf)
            let inside = try WardFacts.Point.fetchOne(db, sql: "SELECT X(ST_PointOnSurface(geom)) AS x, Y(ST_PointOnSurface(geom)) AS y FROM admin_units WHERE id = ?",
                                          arguments: [w.id])
            var filter = UnitFilter(asOf: asOf)
            filter.wardCode = code
            filter.statuses = [.active]
            var due = DueFilter(units: filter)
            due.units.asOf = date  // the instruments' states on the day of the visits, of the ward's units as of `asOf`
            due.units.wardCodeOn = asOf
            due.within = 3660
            due.reinspections = false  // the planner reads them from `violations`, with the category's seriousness
            var instruments: [DueItem] = []
            try DueList.forEach(db, due) { instruments.append($0) }
            let last = Dictionary(try WardFacts.LastInspection.fetchAll(db, sql: """
                SELECT i.unit_id, max(i.inspected_on) AS last FROM inspections i
                WHERE i.inspected_on <= ? AND i.status IN ('done', 'closed') GROUP BY i.unit_id
                """, arguments: [date.description]).map { ($0.unitId, $0.last) }, uniquingKeysWith: { a, _ in a })
            let violations = try WardFacts.Violation.fetchAll(db, sql: """
                SELECT i.unit_id, i.inspected_on, c.name_en AS category, c.seriousness, v.follow_up, v.follow_up_due, v.resolved_on
                FROM violations v JOIN inspections i ON i.id = v.inspection_id JOIN violation_categories c ON c.code = v.category
                WHERE i.inspected_on <= ? AND i.status IN ('done', 'closed')
                """, arguments: [date.description])
            let profiles = Dictionary(try WardFacts.VisitProfile.fetchAll(db, sql: "SELECT category, service_minutes, opening_hours FROM visit_profiles")
                .map { ($0.category, $0) }, uniquingKeysWith: { a, _ in a })
            let names = Dictionary(try InstrumentType.fetchAll(db).map { ($0.code, $0.nameEn) }, uniquingKeysWith: { a, _ in a })
            let facts = WardFacts(ward: w, inside: (inside?.x ?? 0, inside?.y ?? 0), instruments: instruments,
                                  lastInspection: last, violations: violations, profiles: profiles, instrumentTypeNames: names)
            if let forUnits {
                let body = try forUnits(facts)
                _ = try forEach(db, filter, sort: nil, page: .all, wardsOn: [], body)
            }
            return facts
        }
    }
}
