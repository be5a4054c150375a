import GRDB

/// The fine range a violation of one category may draw, from the penalty rows in force: when the law grades
/// the fine by the illegal gain and the gain is not known yet, the range spans every grade.
public struct ProposedFine: Sendable, Hashable {
    public var minVND: Int?
    public var maxVND: Int?
    public var legalBasis: String?
    /// The penalty_rules codes the range was taken from.
    public var rules: [String]

    public init(_ rows: [PenaltyRule], categoryBasis: String?) {
        let known = !rows.isEmpty && rows.allSatisfy { $0.fineMinVnd != nil && $0.fineMaxVnd != nil }
        minVND = known ? rows.compactMap(\.fineMinVnd).min() : nil
        maxVND = known ? rows.compactMap(\.fineMaxVnd).max() : nil
        let bases = rows.map(\.legalBasis).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        legalBasis = bases.isEmpty ? categoryBasis : bases.joined(separator: "; ")
        rules = rows.map(\.code)
    }
}

/// Writes the violation a failed check proposes: legal basis, fine range and a re-inspection due after the
/// category's reinspect_within_days. A second failure of the same category in one inspection adds to it.
enum ViolationProposal {
    static func write(_ db: Database, inspectionId: Int64, on date: LocalDate, testId: Int64, category: String,
                      description: String, now: String) throws {
        let period = Period(date)
        struct Category: Decodable, FetchableRecord { var legalBasis: String?; var reinspectWithinDays: Int?
            static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase }
        guard let row = try Category.fetchOne(db, SQLRequest(literal: """
            SELECT c.legal_basis, c.reinspect_within_days FROM violation_categories c
            WHERE c.code = \(category) AND \(period.contains("c"))
            """)) else {
            throw RegistryError.notFound(what: "violation category", key: category, hint: "in force on \(date) (violation_categories)")
        }
        let penalties = try PenaltyRule.fetchAll(db, SQLRequest(literal: """
            SELECT code, violation_category, legal_basis, gain_above_vnd, gain_up_to_vnd, fine_min_vnd, fine_max_vnd,
                   additional_measure, source, confidence, note
            FROM penalty_rules r WHERE r.violation_category = \(category) AND \(period.contains("r")) ORDER BY gain_above_vnd
            """))
        let fine = ProposedFine(penalties, categoryBasis: row.legalBasis)
        let due = date.adding(days: row.reinspectWithinDays ?? 30)
        try db.execute(sql: """
            INSERT INTO violations (inspection_id, category, description, legal_basis, fine_min_vnd, fine_max_vnd, penalty_rules,
                                    follow_up, follow_up_due, test_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 're-inspection', ?, ?, ?)
            ON CONFLICT (inspection_id, category) DO UPDATE SET description = coalesce(description || '; ', '') || excluded.description
            """, arguments: [inspectionId, category, description, fine.legalBasis, fine.minVND, fine.maxVND,
                             fine.rules.isEmpty ? nil : fine.rules.joined(separator: ","), due.description, testId, now])
    }
}
