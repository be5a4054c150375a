import GeoJSON

/// One CQL2 filter as a syntax tree. cql2-text and cql2-json both parse to it, so a filter has one meaning
/// whichever encoding it came in. The cases mirror cql2-json's `op`/`args` shape: `NOT LIKE`, `NOT BETWEEN`,
/// `NOT IN` and `IS NOT NULL` are `.not` around the positive predicate, as cql2-json writes them.
public indirect enum CQL2Expression: Hashable, Sendable {
    // Literals
    case boolean(Bool)
    /// Numbers are IEEE 754 doubles, as in JSON; always finite.
    case number(Double)
    case string(String)
    case date(CQL2Date)
    case timestamp(CQL2Timestamp)
    /// `INTERVAL(start, end)`: each bound is a date, a timestamp, `.unbounded`, a property or a function.
    case interval(CQL2Expression, CQL2Expression)
    /// `'..'` as an interval bound: open on that side.
    case unbounded
    case geometry(Geometry)
    /// `BBOX(west, south, east, north)` or with heights `BBOX(west, south, min, east, north, max)`.
    case bbox([Double])
    case array([CQL2Expression])

    // References
    case property(String)
    /// A function the standard does not define (`avg(windSpeed)`); the SQL generator refuses these.
    case function(String, [CQL2Expression])

    // Case- and accent-insensitive comparison
    case casei(CQL2Expression)
    case accenti(CQL2Expression)

    // Logic
    case and([CQL2Expression])
    case or([CQL2Expression])
    case not(CQL2Expression)

    // Predicates
    case comparison(CQL2ComparisonOperator, CQL2Expression, CQL2Expression)
    case like(CQL2Expression, pattern: CQL2Expression)
    case between(CQL2Expression, low: CQL2Expression, high: CQL2Expression)
    case inList(CQL2Expression, [CQL2Expression])
    case isNull(CQL2Expression)
    case spatial(CQL2SpatialOperator, CQL2Expression, CQL2Expression)
    case temporal(CQL2TemporalOperator, CQL2Expression, CQL2Expression)
    case arrayPredicate(CQL2ArrayOperator, CQL2Expression, CQL2Expression)

    // Arithmetic
    case arithmetic(CQL2ArithmeticOperator, CQL2Expression, CQL2Expression)
}

public enum CQL2ComparisonOperator: String, Hashable, Sendable, CaseIterable {
    case equal = "=", notEqual = "<>", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
}

/// The spatial functions; raw values are the cql2-json `op` names.
public enum CQL2SpatialOperator: String, Hashable, Sendable, CaseIterable {
    case intersects = "s_intersects", equals = "s_equals", disjoint = "s_disjoint", touches = "s_touches"
    case within = "s_within", overlaps = "s_overlaps", crosses = "s_crosses", contains = "s_contains"
}

/// The temporal functions; raw values are the cql2-json `op` names (mixed case as the schema spells them).
public enum CQL2TemporalOperator: String, Hashable, Sendable, CaseIterable {
    case after = "t_after", before = "t_before", contains = "t_contains", disjoint = "t_disjoint"
    case during = "t_during", equals = "t_equals", finishedBy = "t_finishedBy", finishes = "t_finishes"
    case intersects = "t_intersects", meets = "t_meets", metBy = "t_metBy", overlappedBy = "t_overlappedBy"
    case overlaps = "t_overlaps", startedBy = "t_startedBy", starts = "t_starts"
}

public enum CQL2ArrayOperator: String, Hashable, Sendable, CaseIterable {
    case equals = "a_equals", contains = "a_contains", containedBy = "a_containedBy", overlaps = "a_overlaps"
}

public enum CQL2ArithmeticOperator: String, Hashable, Sendable, CaseIterable {
    case plus = "+", minus = "-", times = "*", divide = "/", modulo = "%", integerDivide = "div", power = "^"
}

/// A calendar date `YYYY-MM-DD`, checked to exist.
public struct CQL2Date: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { text }

    /// Nil unless `text` is `YYYY-MM-DD` naming a real day.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D,
              let y = CQL2Date.digits(u[0..<4]), let m = CQL2Date.digits(u[5..<7]), let d = CQL2Date.digits(u[8..<10]),
              (1...12).contains(m), d >= 1, d <= CQL2Date.daysIn(month: m, year: y)
        else { return nil }
        self.text = text
    }

    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for b in bytes {
            guard b >= 0x30, b <= 0x39 else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        return v
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A UTC timestamp `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, kept with trailing zeros of the fraction removed so that
/// `…:00.000000Z` and `…:00Z` (the same instant) are equal.
public struct CQL2Timestamp: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { text }

    /// Nil unless `text` is an RFC 3339 UTC timestamp with a real date and time (leap second 60 allowed, read as
    /// second 59.999).
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count >= 20, u[10] == 0x54 || u[10] == 0x74, u.last == 0x5A || u.last == 0x7A,
              CQL2Date(String(decoding: u[0..<10], as: UTF8.self)) != nil,
              u[13] == 0x3A, u[16] == 0x3A,
              let h = CQL2Date.digits(u[11..<13]), let mi = CQL2Date.digits(u[14..<16]), let s = CQL2Date.digits(u[17..<19]),
              h < 24, mi < 60, s < 60 || (s == 60 && h == 23 && mi == 59)  // a leap second ends a UTC day
        else { return nil }
        var fraction = u[19..<(u.count - 1)]
        if !fraction.isEmpty {
            guard fraction.first == 0x2E, fraction.count >= 2, fraction.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { return nil }
            while fraction.last == 0x30 { fraction = fraction.dropLast() }
            if fraction.count == 1 { fraction = [] }
        }
        if s == 60 {
            // A leap second is read as the minute's last millisecond, the finest step SQLite's date functions tell
            // apart: they have no second 60 (NULL, so that X and NOT X both matched nothing).
            self.text = String(decoding: u[0..<10], as: UTF8.self) + "T" + String(decoding: u[11..<17], as: UTF8.self) + "59.999Z"
            return
        }
        self.text = String(decoding: u[0..<10], as: UTF8.self) + "T" + String(decoding: u[11..<19], as: UTF8.self)
            + String(decoding: fraction, as: UTF8.self) + "Z"
    }
}
