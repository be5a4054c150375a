import GRDB

/// Reading the inspections the ledger writes: one inspection with all recorded in it, and what a visit of each kind
/// looks at (lists: InspectionList).
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
        try InspectionList(store: store).forEach(InspectionFilter(status: status, unitCode: unitCode, from: from, to: to), sorts: []) { records.append($0) }
        return records
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
