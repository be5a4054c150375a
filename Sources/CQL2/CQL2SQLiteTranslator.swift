import GeoJSON

/// Translates a CQL2 tree into a WHERE fragment for SQLite with SpatiaLite. User values only ever reach SQL as bound
/// arguments; property names are looked up in the queryables and replaced by the server's own SQL expression.
///
/// The SQL calls `casei(x)` and `accenti(x)` (register `CQL2TextFolding.sqlFunctions`), SpatiaLite's
/// `ST_*`/`GeomFromText`, and SQLite's `julianday`, `power` and `GLOB`.
public struct CQL2SQLiteTranslator: Sendable {
    public let queryables: CQL2Queryables

    public init(queryables: CQL2Queryables) {
        self.queryables = queryables
    }

    /// The WHERE fragment for `filter`, or an error naming an unknown property, a type mismatch or an unsupported part.
    public func translate(_ filter: CQL2Expression) throws(CQL2Error) -> CQL2SQL {
        let c = try condition(filter)
        return CQL2SQL(sql: c.sql, arguments: c.args)
    }

    /// SQL text with its arguments, and what it yields.
    struct Fragment {
        var sql: String
        var args: [CQL2SQLValue]
        var type: ValueType = .boolean
        /// The folded value when this is a string literal, so CASEI/ACCENTI and LIKE can work on it before binding.
        var literal: String?
    }

    enum ValueType: Equatable {
        case string, number, boolean, date, timestamp
        case geometry(srid: Int?)

        var name: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .boolean: "a boolean"
            case .date: "a date"
            case .timestamp: "a timestamp"
            case .geometry: "a geometry"
            }
        }
    }

    func invalid(_ message: String, expected: String? = nil) -> CQL2Error {
        CQL2Error(.invalidOperand, message, expected: expected)
    }

    // MARK: Conditions

    func condition(_ e: CQL2Expression) throws(CQL2Error) -> Fragment {
        switch e {
        case .boolean(let b):
            return Fragment(sql: b ? "1" : "0", args: [])
        case .and(let parts): return try joined(parts, "AND")
        case .or(let parts): return try joined(parts, "OR")
        case .not(let x):
            let inner = try condition(x)
            return Fragment(sql: "(NOT \(inner.sql))", args: inner.args)
        case .comparison(let op, let a, let b):
            let (l, r) = try comparable(try scalar(a), try scalar(b), op.rawValue)
            return Fragment(sql: "(\(l.sql) \(op.rawValue) \(r.sql))", args: l.args + r.args)
        case .like(let a, let pattern):
            return try like(a, pattern)
        case .between(let a, let low, let high):
            let v = try scalar(a), lo = try scalar(low), hi = try scalar(high)
            for f in [v, lo, hi] where f.type != .number {
                throw invalid("BETWEEN compares numbers, but an operand is \(f.type.name)", expected: "numbers")
            }
            return Fragment(sql: "(\(v.sql) BETWEEN \(lo.sql) AND \(hi.sql))", args: v.args + lo.args + hi.args)
        case .inList(let a, let list):
            let v = try scalar(a)
            var items: [Fragment] = []
            var left = v
            for item in list {
                let (l, r) = try comparable(v, try scalar(item), "IN")
                left = l
                items.append(r)
            }
            return Fragment(sql: "(\(left.sql) IN (\(items.map(\.sql).joined(separator: ", "))))",
                            args: left.args + items.flatMap(\.args))
        case .isNull(let a):
            let v = CQL2Expression.logicalOperands.contains(a.kind) && a.kind != .reference ? try condition(a) : try value(a)
            return Fragment(sql: "(\(v.sql) IS NULL)", args: v.args)
        case .spatial(let op, let a, let b):
            return try spatial(op, a, b)
        case .temporal(let op, let a, let b):
            return try temporal(op, a, b)
        case .property(let name):
            let p = try property(name)
            guard p.type == .boolean else {
                throw invalid("property \(name) is \(p.type.name), not a boolean, so it cannot stand as a condition",
                              expected: "a predicate")
            }
            return Fragment(sql: "(\(p.sql) = 1)", args: [])
        case .function(let name, _):
            throw CQL2Error(.unsupported, "function \(name) is not supported", found: name, expected: "the standard CQL2 operators")
        case .arrayPredicate(let op, _, _):
            throw CQL2Error(.unsupported, "array predicates (\(op.rawValue)) are not supported", found: op.rawValue)
        default:
            throw invalid("\(CQL2Expression.kindName(e)) is not a condition", expected: "a predicate")
        }
    }

    /// AND/OR of many parts as a balanced tree of parentheses, so SQLite's expression depth stays logarithmic.
    func joined(_ parts: [CQL2Expression], _ op: String) throws(CQL2Error) -> Fragment {
        var fragments: [Fragment] = []
        for p in parts { fragments.append(try condition(p)) }
        func join(_ slice: ArraySlice<Fragment>) -> Fragment {
            if slice.count == 1 { return slice.first! }
            let mid = slice.startIndex + slice.count / 2
            let l = join(slice[..<mid]), r = join(slice[mid...])
            return Fragment(sql: "(\(l.sql) \(op) \(r.sql))", args: l.args + r.args)
        }
        return join(fragments[...])
    }

    /// Checks that two values can be compared; timestamps (and a date against a timestamp) compare through julianday().
    func comparable(_ a: Fragment, _ b: Fragment, _ op: String) throws(CQL2Error) -> (Fragment, Fragment) {
        switch (a.type, b.type) {
        case (.string, .string), (.number, .number), (.boolean, .boolean), (.date, .date):
            return (a, b)
        case (.timestamp, .timestamp), (.date, .timestamp), (.timestamp, .date):
            return (julian(a), julian(b))
        default:
            throw invalid("\(op) cannot compare \(a.type.name) with \(b.type.name)", expected: "two values of the same type")
        }
    }

    func julian(_ f: Fragment) -> Fragment {
        Fragment(sql: "julianday(\(f.sql))", args: f.args, type: .number)
    }

    // MARK: Values

    func property(_ name: String) throws(CQL2Error) -> Fragment {
        guard let p = queryables[name] else {
            let names = queryables.properties.map(\.name)
            let list = names.prefix(60).joined(separator: ", ") + (names.count > 60 ? ", …" : "")
            throw CQL2Error(.unknownProperty, "unknown property \"\(name)\"", found: name,
                            expected: names.isEmpty ? "no queryables are offered" : "one of the queryables: \(list)")
        }
        let type: ValueType = switch p.type {
        case .string: .string
        case .number, .integer: .number
        case .boolean: .boolean
        case .date: .date
        case .timestamp: .timestamp
        case .geometry(let srid): .geometry(srid: srid)
        }
        return Fragment(sql: p.sql, args: [], type: type)
    }

    /// A non-geometry value: literal, property, CASEI/ACCENTI or arithmetic.
    func scalar(_ e: CQL2Expression) throws(CQL2Error) -> Fragment {
        let f = try value(e)
        if case .geometry = f.type { throw invalid("a geometry cannot be compared with a scalar operator", expected: "a scalar value") }
        return f
    }

    func value(_ e: CQL2Expression) throws(CQL2Error) -> Fragment {
        switch e {
        case .number(let d):
            return Fragment(sql: "?", args: [CQL2SQLiteTranslator.bound(d)], type: .number)
        case .string(let s):
            return Fragment(sql: "?", args: [.text(s)], type: .string, literal: s)
        case .boolean(let b):
            return Fragment(sql: "?", args: [.integer(b ? 1 : 0)], type: .boolean)
        case .date(let d):
            return Fragment(sql: "?", args: [.text(d.text)], type: .date)
        case .timestamp(let t):
            return Fragment(sql: "?", args: [.text(t.text)], type: .timestamp)
        case .property(let name):
            return try property(name)
        case .casei(let x), .accenti(let x):
            let isCase: Bool = if case .casei = e { true } else { false }
            let inner = try value(x)
            guard inner.type == .string else {
                throw invalid("\(isCase ? "CASEI" : "ACCENTI") applies to strings, not \(inner.type.name)", expected: "a string")
            }
            if let literal = inner.literal {
                let folded = isCase ? CQL2TextFolding.caseFolded(literal) : CQL2TextFolding.accentFolded(literal)
                return Fragment(sql: "?", args: [.text(folded)], type: .string, literal: folded)
            }
            return Fragment(sql: "\(isCase ? "casei" : "accenti")(\(inner.sql))", args: inner.args, type: .string)
        case .arithmetic(let op, let a, let b):
            let l = try value(a), r = try value(b)
            guard l.type == .number, r.type == .number else {
                throw invalid("\(op.rawValue) applies to numbers, not \(l.type == .number ? r.type.name : l.type.name)", expected: "numbers")
            }
            let sql: String = switch op {
            case .plus, .minus, .times, .modulo: "(\(l.sql) \(op.rawValue) \(r.sql))"
            case .divide: "(\(l.sql) * 1.0 / \(r.sql))"
            case .integerDivide: "CAST(\(l.sql) / \(r.sql) AS INTEGER)"
            case .power: "power(\(l.sql), \(r.sql))"
            }
            return Fragment(sql: sql, args: l.args + r.args, type: .number)
        case .geometry(let g):
            return Fragment(sql: "GeomFromText(?, \(srid(nil)))", args: [.text(g.wkt)], type: .geometry(srid: nil))
        case .bbox(let values):
            return try bbox(values, srid: nil)
        case .function(let name, _):
            throw CQL2Error(.unsupported, "function \(name) is not supported", found: name, expected: "the standard CQL2 operators")
        default:
            throw invalid("\(CQL2Expression.kindName(e)) cannot be used as a value here", expected: "a literal, a property or arithmetic")
        }
    }

    /// Integral numbers bind as integers (SQLite then compares them with INTEGER and TEXT columns as written).
    static func bound(_ d: Double) -> CQL2SQLValue {
        if d == d.rounded(), abs(d) < 9_007_199_254_740_992 { return .integer(Int64(d)) }
        return .real(d)
    }

    /// The SRID for a geometry literal: the other operand's, else the first geometry queryable's, else 4326.
    func srid(_ other: Int?) -> Int {
        if let other { return other }
        for p in queryables.properties { if case .geometry(let s) = p.type { return s } }
        return 4326
    }

    // MARK: LIKE

    /// CQL2 LIKE is case-sensitive with `%`, `_` and `\` escapes; SQLite's LIKE is not, so it becomes GLOB.
    func like(_ a: CQL2Expression, _ pattern: CQL2Expression) throws(CQL2Error) -> Fragment {
        let v = try scalar(a)
        guard v.type == .string else { throw invalid("LIKE applies to strings, not \(v.type.name)", expected: "a string") }
        let p = try value(pattern)
        guard let literal = p.literal else { throw invalid("the LIKE pattern must be a string literal", expected: "a quoted pattern") }
        return Fragment(sql: "(\(v.sql) GLOB ?)", args: v.args + [.text(CQL2SQLiteTranslator.glob(fromLike: literal))])
    }

    static func glob(fromLike pattern: String) -> String {
        var out = ""
        var escaped = false
        for c in pattern {
            if escaped {
                out += globLiteral(c)
                escaped = false
                continue
            }
            switch c {
            case "\\": escaped = true
            case "%": out += "*"
            case "_": out += "?"
            default: out += globLiteral(c)
            }
        }
        if escaped { out += "\\" }
        return out
    }

    static func globLiteral(_ c: Character) -> String {
        switch c {
        case "*": "[*]"
        case "?": "[?]"
        case "[": "[[]"
        default: String(c)
        }
    }
}
