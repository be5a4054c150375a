import GRDB

/// A unit's ward through one stretch of time: the old-to-new crosswalk an office reads a unit by ("Phường 9,
/// now Bình Thới"). The ward is found as lists find it on each day (the point's ward, else the declared one).
/// Its dates decode as `AdminUnit`'s do, so a malformed ward date is an error here as wherever wards are read.
public struct UnitWardPeriod: Sendable, Hashable, Decodable, FetchableRecord {
    public var from: LocalDate
    /// The last day, nil while it lasts.
    public var to: LocalDate?
    /// nil when the unit lies in no ward of the period (or has no point and declared none valid then).
    public var wardCode: String?
    public var wardName: String?

    enum CodingKeys: String, CodingKey {
        case from = "day", to = "last_day", wardCode = "code", wardName = "name"
    }
}

extension UnitQuery {
    /// The ward of unit `id` in each period of wards (read on each day a ward begins), oldest first, with
    /// neighbouring periods of the same ward joined into one; nil for an unknown id.
    public func wardPeriods(unitId id: Int64) throws -> [UnitWardPeriod]? {
        try store.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM economic_units WHERE id = ?", arguments: [id]) != nil else { return nil }
            let rows = try UnitWardPeriod.fetchAll(db, SQLRequest<UnitWardPeriod>(literal: """
                SELECT p.day, w.code, w.name,
                       coalesce(date((SELECT min(n.valid_from) FROM admin_units n WHERE n.level = 'ward' AND n.valid_from > p.day), '-1 day'),
                                w.valid_to) AS last_day
                FROM economic_units u
                CROSS JOIN (SELECT DISTINCT valid_from AS day FROM admin_units WHERE level = 'ward') p
                LEFT JOIN admin_units w ON w.id = \(UnitStatement.wardId(onSQL: "p.day"))
                WHERE u.id = \(id)
                ORDER BY p.day
                """))
            var periods: [UnitWardPeriod] = []
            for period in rows {
                if let last = periods.last, last.wardCode == period.wardCode, last.wardName == period.wardName {
                    periods[periods.count - 1].to = period.to
                } else {
                    periods.append(period)
                }
            }
            return periods
        }
    }
}
