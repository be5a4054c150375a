import GeoJSON
import Registry

/// One comparison of a measured error with the limit of one rule row.
public struct ToleranceCheck: Sendable, Hashable {
    /// Which way the error is bounded.
    public enum Bound: String, Sendable {
        /// |error| ≤ limit: an instrument's error either way.
        case either
        /// −error ≤ limit: only a shortfall for the buyer counts.
        case shortfall
        /// error ≤ limit: a value (a scale interval) that must not exceed the limit.
        case atMost = "at_most"
    }

    /// What was compared, for a person: "shortfall of the goods", "scale interval d".
    public var what: String
    /// The measured error (true − claimed; indication − reference for instruments), in `unit`.
    public var error: Double
    /// The magnitude allowed, in `unit`.
    public var limit: Double
    public var unit: String
    public var bound: Bound
    public var rule: ToleranceRule

    /// Errors and limits are compared at a millionth of their unit, so that 19.94 L of 20 L is exactly −0.3 %.
    public var passed: Bool {
        let e = ToleranceCheck.rounded(error), l = ToleranceCheck.rounded(limit)
        switch bound {
        case .either: return abs(e) <= l
        case .shortfall: return -e <= l
        case .atMost: return e <= l
        }
    }

    static func rounded(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
}

/// The answer to a field check: pass or fail, and every check made with the rule and source it applied.
public struct Verdict: Sendable, Hashable {
    public var checks: [ToleranceCheck]

    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// The check that decides: the first that failed, else the first (the main comparison).
    public var decisive: ToleranceCheck { checks.first { !$0.passed } ?? checks[0] }

    /// The violation categories of the failed checks, in order, without repeats.
    public var violationCategories: [String] {
        var seen: [String] = []
        for c in checks where !c.passed {
            if let v = c.rule.violationCategory, !seen.contains(v) { seen.append(v) }
        }
        return seen
    }

    /// `{"verdict","error","limit","unit","rule","source","confidence","checks":[…]}`: the decisive check first.
    public var json: JSONValue {
        var object = Verdict.members(decisive)
        object.insert(("verdict", .string(passed ? "pass" : "fail")), at: 0)
        object.append(("checks", .array(checks.map { c in
            .object([("what", .string(c.what)), ("result", .string(c.passed ? "pass" : "fail"))] + Verdict.members(c) + [("bound", .string(c.bound.rawValue))])
        })))
        return .object(object)
    }

    static func members(_ c: ToleranceCheck) -> [(String, JSONValue)] {
        [("error", .double(ToleranceCheck.rounded(c.error))), ("limit", .double(ToleranceCheck.rounded(c.limit))),
         ("unit", .string(c.unit)), ("rule", .string(c.rule.code)), ("source", .string(c.rule.source)),
         ("confidence", .string(c.rule.confidence))]
    }
}
