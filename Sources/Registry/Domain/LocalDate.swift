import Foundation

/// A calendar date without time or zone, as the law and the registry use them ("2025-07-01").
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses strict ISO 8601 calendar dates, YYYY-MM-DD.
    public init?(iso text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard (0x30...0x39).contains(u[i]) else { return nil }
                v = v * 10 + Int(u[i] - 0x30)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The order of day, month and year in dates written as offices type them.
    public enum Order: String, Sendable, CaseIterable {
        /// YYYY-MM-DD only.
        case iso
        /// dd/mm/yyyy (also with - or .), the default of Vietnamese Excel; YYYY-MM-DD is read too.
        case dmy

        public var expected: String {
            switch self {
            case .iso: "a date YYYY-MM-DD that exists, e.g. 2024-03-15"
            case .dmy: "a date dd/mm/yyyy (or YYYY-MM-DD) that exists, e.g. 15/03/2024"
            }
        }
    }

    /// Reads `text` in `order`: ISO always, and for .dmy also d/m/yyyy with /, - or . between the parts.
    public init?(text: String, order: Order) {
        if let iso = LocalDate(iso: text) { self = iso; return }
        guard order == .dmy, let (first, second, year) = LocalDate.numericParts(text) else { return nil }
        self.init(year: year, month: second, day: first)
    }

    /// The parts of "15/03/2024", "5-3-2024" or "15.03.2024": two numbers of 1-2 digits and a 4-digit year.
    static func numericParts(_ text: String) -> (Int, Int, Int)? {
        let u = Array(text.utf8)
        guard let separator = u.first(where: { $0 == 0x2F || $0 == 0x2D || $0 == 0x2E }) else { return nil }
        let parts = u.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
              parts.allSatisfy({ $0.allSatisfy { (0x30...0x39).contains($0) } }) else { return nil }
        func number(_ p: ArraySlice<UInt8>) -> Int { p.reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        return (number(parts[0]), number(parts[1]), number(parts[2]))
    }

    /// How a date text constrains the file's order: ISO, certainly day first (15/03/2024), certainly
    /// month first (03/15/2024), either (03/05/2024), or not a date at all.
    enum Evidence { case iso, dayFirst, monthFirst, ambiguous, unreadable }

    static func evidence(_ text: String) -> Evidence {
        if LocalDate(iso: text) != nil { return .iso }
        guard let (a, b, _) = numericParts(text), a >= 1, b >= 1, a <= 31, b <= 31 else { return .unreadable }
        switch (a > 12, b > 12) {
        case (true, false): return .dayFirst
        case (false, true): return .monthFirst
        case (false, false): return a == b ? .dayFirst : .ambiguous  // 05/05/2024 reads the same either way
        case (true, true): return .unreadable
        }
    }

    public var description: String {
        // A date of years 0...9999 is ten ASCII bytes, written in place: a small string without an allocation (a bulk
        // import writes two per unit). Day arithmetic (`adding(days:)`) can reach other years: padded as before.
        guard (0...9999).contains(year) else {
            func pad(_ v: Int, _ width: Int) -> String {
                let digits = String(v)
                return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
            }
            return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        }
        return String(unsafeUninitializedCapacity: 10) { out in
            func put(_ value: Int, digits: Int, endingAt end: Int) {
                var v = value, i = end
                while i > end - digits {
                    i -= 1
                    out[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                    v /= 10
                }
            }
            put(year, digits: 4, endingAt: 4)
            out[4] = 0x2D
            put(month, digits: 2, endingAt: 7)
            out[7] = 0x2D
            put(day, digits: 2, endingAt: 10)
            return 10
        }
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's days_from_civil.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// Adds calendar months, clamping the day to the month's length (2024-01-31 + 1 month = 2024-02-29).
    public func adding(months: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12
        let m = total % 12 + 1
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y)))!
    }

    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    /// Today in Ho Chi Minh City (UTC+7, no daylight saving), the registry's civil date.
    public static func today(now: Date = Date()) -> LocalDate {
        let seconds = Int(now.timeIntervalSince1970.rounded(.down)) + 7 * 3600
        return LocalDate(dayNumber: Int((Double(seconds) / 86400).rounded(.down)))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = LocalDate(iso: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a date YYYY-MM-DD, got \(s)")
        }
        self = d
    }
}
