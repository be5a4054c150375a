import GRDB

/// The verification states of each ward's instruments on a date: what a map colours wards by ("share overdue").
public struct WardDueShare: Sendable, Hashable, Decodable, FetchableRecord {
    public var wardCode: String
    public var instruments: Int
    public var expired: Int
    public var due: Int
    public var unknown: Int

    /// Expired instruments as a share of all the ward's instruments (0 without instruments).
    public var overdueShare: Double { instruments == 0 ? 0 : Double(expired) / Double(instruments) }

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

extension DueList {
    /// Counts by state of the instruments of `filter`'s units, per ward on its date (the due list's rule and window).
    public func sharesByWard(_ filter: DueFilter) throws -> [WardDueShare] {
        try store.read { db in
            let (_, sql) = try DueList.statement(db, filter)
            return try WardDueShare.fetchAll(db, SQLRequest<WardDueShare>(literal: """
                SELECT ward_code, count(*) AS instruments,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'expired' THEN 1 END) AS expired,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'due' THEN 1 END) AS due,
                       count(CASE WHEN \(DueList.listed(filter)) AND state = 'unknown' THEN 1 END) AS unknown
                FROM (\(sql)) WHERE ward_code IS NOT NULL GROUP BY ward_code ORDER BY ward_code
                """))
        }
    }
}

/// A ward on a date as the map shades it: how many units it holds (as `wards` counts them) and its instruments
/// by verification state (as the due list finds them).
public struct WardShade: Sendable, Hashable {
    public var ward: AdminUnit
    public var units: Int
    public var instruments: WardDueShare
}

extension DueList {
    /// Every ward valid on `date`, in code order, with its units and its instruments' states on that date.
    public func wardShades(on date: LocalDate) throws -> [WardShade] {
        let wards = try AdminQuery(store: store).wards(on: date, boundaries: false)
        let shares = Dictionary(try sharesByWard(DueFilter(units: UnitFilter(asOf: date))).map { ($0.wardCode, $0) },
                                uniquingKeysWith: { a, _ in a })
        return wards.map { w in
            WardShade(ward: w.ward, units: w.units,
                      instruments: shares[w.ward.code] ?? WardDueShare(wardCode: w.ward.code, instruments: 0, expired: 0, due: 0, unknown: 0))
        }
    }
}
