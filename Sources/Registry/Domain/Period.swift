import GRDB

/// "Valid on a date" for the tables with `valid_from` and `valid_to` (both inclusive, `valid_to` NULL
/// while in force): the one place that writes that condition, so no query forgets `valid_to`.
public struct Period: Sendable, Hashable, CustomStringConvertible {
    public var date: LocalDate

    public init(_ date: LocalDate) { self.date = date }

    /// The condition on `alias.valid_from` / `alias.valid_to`, the date bound as a parameter.
    public func contains(_ alias: String) -> SQL {
        Period.contains(alias, on: "\(date.description)")
    }

    /// The same condition for a date given as an SQL expression (a column, or `coalesce(…)`).
    public static func contains(_ alias: String, on date: SQL) -> SQL {
        let a = SQL(sql: alias.quotedDatabaseIdentifier)
        return "(\(a).valid_from <= \(date) AND (\(a).valid_to IS NULL OR \(a).valid_to >= \(date)))"
    }

    /// The same condition as SQL text, for a date that is itself a column or expression with nothing to bind
    /// (statements still written as text).
    public static func text(_ alias: String, onColumn date: String) -> String {
        let a = alias.quotedDatabaseIdentifier
        return "(\(a).valid_from <= \(date) AND (\(a).valid_to IS NULL OR \(a).valid_to >= \(date)))"
    }

    /// The same condition on a row already read (both ends inclusive, no end while in force).
    public func contains(from: LocalDate, to: LocalDate?) -> Bool {
        from <= date && (to.map { date <= $0 } ?? true)
    }

    public var description: String { date.description }
}
