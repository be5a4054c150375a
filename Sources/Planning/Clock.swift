/// A span of the day in seconds since midnight, [start, end).
public struct TimeWindow: Hashable, Sendable, Codable, CustomStringConvertible {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    public static let allDay = TimeWindow(start: 0, end: 24 * 3600)

    public var description: String { "\(Clock.text(start))-\(Clock.text(end))" }
}

/// "HH:MM" times of day and lists of windows such as "07:30-11:30,13:30-17:00".
public enum Clock {
    /// Seconds since midnight for "H:MM" or "HH:MM" (24:00 allowed as the end of the day).
    public static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0..<60).contains(m), h < 24 || m == 0 else { return nil }
        return Double(h * 3600 + m * 60)
    }

    /// "08:05"; seconds are rounded to the nearest minute.
    public static func text(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded())
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    /// Windows from "07:30-11:30,13:30-17:00": each start before its end, in order, not overlapping.
    public static func windows(_ text: String) -> Result<[TimeWindow], ClockError> {
        var result: [TimeWindow] = []
        for part in text.split(separator: ",") {
            let ends = part.split(separator: "-")
            guard ends.count == 2, let s = seconds(String(ends[0]).trimmed), let e = seconds(String(ends[1]).trimmed) else {
                return .failure(ClockError(value: String(part), expected: "a time span HH:MM-HH:MM, e.g. 07:30-11:30"))
            }
            guard s < e else { return .failure(ClockError(value: String(part), expected: "a start before the end")) }
            if let last = result.last, s < last.end {
                return .failure(ClockError(value: String(part), expected: "spans in order that do not overlap"))
            }
            result.append(TimeWindow(start: s, end: e))
        }
        guard !result.isEmpty else { return .failure(ClockError(value: text, expected: "at least one span HH:MM-HH:MM")) }
        return .success(result)
    }
}

public struct ClockError: Error, CustomStringConvertible, Sendable {
    public var value: String
    public var expected: String
    public var description: String { "\"\(value)\": expected \(expected)" }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
