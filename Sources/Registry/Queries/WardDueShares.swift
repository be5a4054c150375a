import GRDB

/// The verification states of each ward's instruments on a date: what a map colours wards by ("share overdue").
public struct WardDueShare: Sendable, Hashable {
    public var wardCode: String
    public var instruments: Int
    public var expired: Int
    public var due: Int
    public var unknown: Int

    /// Expired instruments as a share of all the ward's instruments (0 without instruments).
    public var overdueShare: Double { instruments == 0 ? 0 : Double(expired) / Double(instruments) }
}

extension DueList {
    /// Counts by state of the instruments of `filter`'s units, per ward on its date (the due list's rule and window).
    public func sharesByWard(_ filter: DueFilter) throws -> [WardDueShare] {
        try store.read { db in
            let (_, sql) = try DueList.statement(db, filter)
            return try Row.fetchAll(db, SQLRequest<Row>(literal: """
                SELECT ward_code, count(*) AS instruments,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'expired' THEN 1 END) AS expired,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'due' THEN 1 END) AS due,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'unknown' THEN 1 END) AS unknown
                FROM (\(sql)) WHERE ward_code IS NOT NULL GROUP BY ward_code ORDER BY ward_code
                """)).map { row in
                WardDueShare(wardCode: row["ward_code"], instruments: row["instruments"], expired: row["expired"],
                             due: row["due"], unknown: row["unknown"])
            }
        }
    }
}
