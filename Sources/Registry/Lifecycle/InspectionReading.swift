import GRDB

/// Reading the inspections the ledger writes: lists, one inspection with all recorded in it, and what a visit of
/// each kind looks at.
extension InspectionLedger {
    /// What a visit of each kind looks at (visit_profiles.scopes), by visit category.
    public func visitScopes() throws -> [String: [InspectionScope]] {
        try store.read { db in
            struct Profile: Decodable, FetchableRecord { var category: String; var scopes: String }
            var scopes: [String: [InspectionScope]] = [:]
            for profile in try Profile.fetchAll(db, sql: "SELECT category, scopes FROM visit_profiles") {
                let text = profile.scopes
                scopes[profile.category] = try text.split(separator: ",").map { part in
                    let name = part.trimmingCharacters(in: .whitespaces)
                    guard let s = InspectionScope(rawValue: name) else {
                        throw RegistryError.invalidArgument(field: "visit_profiles.scopes", value: text,
                                                            expected: "scopes separated by commas: \(InspectionScope.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return s
                }
            }
            return scopes
        }
    }

    public func list(status: [InspectionStatus] = [], unitCode: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil) throws -> [InspectionRecord] {
        var records: [InspectionRecord] = []
        try forEach(InspectionFilter(status: status, unitCode: unitCode, from: from, to: to)) { records.append($0) }
        return records
    }

    /// The inspections chosen, by date then id, handed to `body` one at a time from the database's cursor (memory stays
    /// flat however many there are); `page` takes a slice of them.
    public func forEach(_ filter: InspectionFilter, page: PageRequest = .all, _ body: (InspectionRecord) throws -> Void) throws {
        guard page.after == nil else {
            throw RegistryError.invalidArgument(field: "cursor", value: page.after!.encoded, expected: "no cursor: inspections are paged by offset")
        }
        try store.read { db in
            let cursor = try InspectionRecord.fetchCursor(db, SQLRequest(literal: """
                \(sql: InspectionRecord.select) \(filter.whereClause) ORDER BY i.inspected_on, i.id \(UnitStatement.limit(page))
                """))
            while let record = try cursor.next() { try body(record) }
        }
    }

    /// How many inspections `forEach` would hand out without a page.
    public func count(_ filter: InspectionFilter) throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, SQLRequest(literal: "SELECT count(*) FROM inspections i JOIN economic_units u ON u.id = i.unit_id \(filter.whereClause)"))!
        }
    }

    public func detail(_ id: Int64) throws -> InspectionDetail {
        try store.read { db in
            guard let inspection = try InspectionRecord.fetchOne(db, sql: InspectionRecord.select + " WHERE i.id = ?", arguments: [id]) else {
                throw RegistryError.notFound(what: "inspection", key: String(id))
            }
            let tests = try RecordedTest.fetchAll(db, sql: """
                SELECT t.id, m.serial_no AS instrument_serial, t.kind, t.measurement, t.verdict, t.error, t.limit_value, t.unit,
                       t.rule_code, t.rule_source, t.checks, t.note
                FROM inspection_tests t LEFT JOIN measuring_instruments m ON m.id = t.instrument_id WHERE t.inspection_id = ? ORDER BY t.id
                """, arguments: [id])
            let violations = try RecordedViolation.fetchAll(db, sql: """
                SELECT id, category, description, legal_basis, fine_min_vnd, fine_max_vnd, penalty_rules, follow_up, follow_up_due,
                       resolved_on, test_id
                FROM violations WHERE inspection_id = ? ORDER BY id
                """, arguments: [id])
            let seals = try InstrumentSeal.fetchAll(db, sql: InstrumentSeal.select + " WHERE s.inspection_id = ? ORDER BY s.id", arguments: [id])
            return InspectionDetail(inspection: inspection, tests: tests, violations: violations, seals: seals)
        }
    }
}

/// Which inspections a list holds: by status, unit, the ward of the unit's place on the inspection's own date, and dates.
public struct InspectionFilter: Sendable {
    public var status: [InspectionStatus] = []
    public var unitCode: String?
    /// A ward's code: the inspections of units that lay in the ward of that code in force on the inspection's date (a
    /// unit without a point: its declared ward), as the report places them. Codes were reused across the reforms.
    public var wardCode: String?
    public var from: LocalDate?
    public var to: LocalDate?

    public init(status: [InspectionStatus] = [], unitCode: String? = nil, wardCode: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.status = status
        self.unitCode = unitCode
        self.wardCode = wardCode
        self.from = from
        self.to = to
    }

    /// The WHERE clause on `inspections i JOIN economic_units u`.
    var whereClause: SQL {
        var conditions: [SQL] = []
        if !status.isEmpty { conditions.append("i.status IN \(status.map(\.rawValue))") }
        if let unitCode { conditions.append("u.code = \(unitCode)") }
        if let wardCode {
            let onTheDay = SQL(sql: Period.text("a", onColumn: "i.inspected_on"))
            conditions.append("""
                (EXISTS (SELECT 1 FROM unit_wards m JOIN admin_units a ON a.id = m.admin_unit_id
                         WHERE m.unit_id = i.unit_id AND a.level = 'ward' AND a.code = \(wardCode) AND \(onTheDay))
                 OR (u.geom IS NULL AND EXISTS (SELECT 1 FROM admin_units a
                         WHERE a.id = u.declared_ward_id AND a.code = \(wardCode) AND \(onTheDay))))
                """)
        }
        if let from { conditions.append("i.inspected_on >= \(from.description)") }
        if let to { conditions.append("i.inspected_on <= \(to.description)") }
        return conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}
