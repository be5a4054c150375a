import GRDB

/// An open follow-up: a violation's re-inspection (or other measure) not yet resolved, with when it is due.
public struct OpenFollowUp: Sendable, Hashable, Codable, FetchableRecord {
    public var violationId: Int64
    public var inspectionId: Int64
    public var unitCode: String
    public var unitName: String
    public var wardCode: String?
    public var wardName: String?
    public var category: String
    public var followUp: String?
    public var dueOn: LocalDate
    /// Days past the due date on the day asked; negative while it is still ahead.
    public var daysOverdue: Int

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

extension InspectionLedger {
    /// Follow-ups open on `asOf` that are overdue or due within `within` days, oldest due first; with `wardCode`
    /// only those of units in that ward on `asOf`. As in the due list, a follow-up exists once its inspection is done.
    public func followUps(asOf: LocalDate, within: Int, wardCode: String? = nil) throws -> [OpenFollowUp] {
        try store.read { db in
            let d = asOf.description
            let ward: SQL = """
                (SELECT a.id FROM unit_wards m JOIN admin_units a ON a.id = m.admin_unit_id
                 WHERE m.unit_id = u.id AND a.level = 'ward' AND \(Period(asOf).contains("a")) ORDER BY a.code LIMIT 1)
                """
            let inWard: SQL = wardCode.map { "AND w.code = \($0)" } ?? ""
            return try OpenFollowUp.fetchAll(db, SQLRequest(literal: """
                SELECT v.id AS violation_id, v.inspection_id, u.code AS unit_code, u.name AS unit_name, w.code AS ward_code,
                       w.name AS ward_name, v.category, v.follow_up, v.follow_up_due AS due_on,
                       CAST(julianday(\(d)) - julianday(v.follow_up_due) AS INTEGER) AS days_overdue
                FROM violations v JOIN inspections i ON i.id = v.inspection_id JOIN economic_units u ON u.id = i.unit_id
                LEFT JOIN admin_units w ON w.id = \(ward)
                WHERE v.follow_up_due IS NOT NULL AND (v.resolved_on IS NULL OR v.resolved_on > \(d)) AND i.inspected_on <= \(d)
                  AND i.status IN ('done', 'closed')
                  AND v.follow_up_due <= date(\(d), '+' || \(within) || ' days')
                  \(inWard)
                ORDER BY v.follow_up_due, v.id
                """))
        }
    }
}
