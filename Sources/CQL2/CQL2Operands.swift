/// The operator table both parsers share: given an operator name and its operands, it checks the count and the
/// kind of each operand and builds the node, so cql2-text and cql2-json accept exactly the same trees.
extension CQL2Expression {
    /// What an expression yields, as far as the grammar can tell without knowing the queryables.
    public enum Kind: Hashable, Sendable {
        case predicate, booleanLiteral, number, string, instant, interval, unbounded, geometry, array
        /// A property or a function: its type is known only with the queryables.
        case reference
    }

    public var kind: Kind {
        switch self {
        case .boolean: .booleanLiteral
        case .number, .arithmetic: .number
        case .string, .casei, .accenti: .string
        case .date, .timestamp: .instant
        case .interval: .interval
        case .unbounded: .unbounded
        case .geometry, .bbox: .geometry
        case .array: .array
        case .property, .function: .reference
        case .and, .or, .not, .comparison, .like, .between, .inList, .isNull, .spatial, .temporal, .arrayPredicate:
            .predicate
        }
    }

    /// An operand that does not fit its operator: which one (0-based) and what would.
    struct OperandProblem: Error {
        var index: Int?
        var message: String
        var expected: String?
    }

    static let logicalOperands: Set<Kind> = [.predicate, .booleanLiteral, .reference]
    static let scalarOperands: Set<Kind> = [.number, .string, .instant, .booleanLiteral, .reference]
    static let characterOperands: Set<Kind> = [.string, .reference]
    static let numericOperands: Set<Kind> = [.number, .reference]
    static let spatialOperands: Set<Kind> = [.geometry, .reference]
    static let temporalOperands: Set<Kind> = [.instant, .interval, .reference]
    static let arrayOperands: Set<Kind> = [.array, .reference]
    static let intervalBounds: Set<Kind> = [.instant, .unbounded, .reference]

    static func describe(_ kinds: Set<Kind>) -> String {
        let names: [(Kind, String)] = [
            (.predicate, "a predicate"), (.booleanLiteral, "TRUE or FALSE"), (.number, "a number"),
            (.string, "a string"), (.instant, "a DATE or TIMESTAMP"), (.interval, "an INTERVAL"),
            (.unbounded, "'..'"), (.geometry, "a geometry or BBOX"), (.array, "an array"),
            (.reference, "a property or function"),
        ]
        let parts = names.filter { kinds.contains($0.0) }.map(\.1)
        return parts.count <= 1 ? parts.joined() : parts.dropLast().joined(separator: ", ") + " or " + parts.last!
    }

    static func kindName(_ e: CQL2Expression) -> String { describe([e.kind]) }

    static func require(_ args: [CQL2Expression], count: Int, op: String) throws(OperandProblem) {
        guard args.count == count else {
            throw OperandProblem(message: "\(op) takes \(count) operand\(count == 1 ? "" : "s"), got \(args.count)")
        }
    }

    static func check(_ args: [CQL2Expression], _ allowed: Set<Kind>, op: String, from: Int = 0) throws(OperandProblem) {
        for (i, a) in args.enumerated() where i >= from && !allowed.contains(a.kind) {
            throw OperandProblem(index: i, message: "operand \(i + 1) of \(op) is \(kindName(a))", expected: describe(allowed))
        }
    }

    /// A LIKE pattern is a string literal, possibly inside CASEI/ACCENTI.
    static func isPattern(_ e: CQL2Expression) -> Bool {
        switch e {
        case .string: true
        case .casei(let x), .accenti(let x): isPattern(x)
        default: false
        }
    }

    /// Builds the node for `op` (a cql2-json op name, any letter case) applied to `args`. Unknown names are functions.
    static func make(op: String, args: [CQL2Expression]) throws(OperandProblem) -> CQL2Expression {
        let name = op.lowercased()
        switch name {
        case "and", "or":
            guard args.count >= 2 else { throw OperandProblem(message: "\(name) takes at least 2 operands, got \(args.count)") }
            try check(args, logicalOperands, op: name)
            return name == "and" ? .and(args) : .or(args)
        case "not":
            try require(args, count: 1, op: name)
            try check(args, logicalOperands, op: name)
            return .not(args[0])
        case "like":
            try require(args, count: 2, op: name)
            try check([args[0]], characterOperands, op: name)
            guard isPattern(args[1]) else {
                throw OperandProblem(index: 1, message: "the pattern of LIKE is \(kindName(args[1]))",
                                     expected: "a string literal, possibly inside CASEI or ACCENTI")
            }
            return .like(args[0], pattern: args[1])
        case "between":
            try require(args, count: 3, op: name)
            try check(args, numericOperands, op: name)
            return .between(args[0], low: args[1], high: args[2])
        case "in":
            try require(args, count: 2, op: name)
            try check([args[0]], scalarOperands, op: name)
            guard case .array(let list) = args[1] else {
                throw OperandProblem(index: 1, message: "the second operand of IN is \(kindName(args[1]))", expected: "a list")
            }
            guard !list.isEmpty else { throw OperandProblem(index: 1, message: "IN needs at least one value", expected: "a value") }
            for (i, item) in list.enumerated() where !scalarOperands.contains(item.kind) {
                throw OperandProblem(index: 1, message: "item \(i + 1) of the IN list is \(kindName(item))",
                                     expected: describe(scalarOperands))
            }
            return .inList(args[0], list)
        case "isnull":
            try require(args, count: 1, op: "IS NULL")
            return .isNull(args[0])
        case "casei", "accenti":
            try require(args, count: 1, op: name)
            try check(args, characterOperands, op: name)
            return name == "casei" ? .casei(args[0]) : .accenti(args[0])
        default:
            break
        }
        if let c = CQL2ComparisonOperator(rawValue: name) {
            try require(args, count: 2, op: name)
            try check(args, scalarOperands, op: name)
            return .comparison(c, args[0], args[1])
        }
        if let a = CQL2ArithmeticOperator(rawValue: name) {
            try require(args, count: 2, op: name)
            try check(args, numericOperands, op: name)
            return .arithmetic(a, args[0], args[1])
        }
        if let s = CQL2SpatialOperator(rawValue: name) {
            try require(args, count: 2, op: name)
            try check(args, spatialOperands, op: name)
            return .spatial(s, args[0], args[1])
        }
        if let t = temporalByLowercasedName[name] {
            try require(args, count: 2, op: name)
            try check(args, temporalOperands, op: name)
            return .temporal(t, args[0], args[1])
        }
        if let a = arrayByLowercasedName[name] {
            try require(args, count: 2, op: name)
            try check(args, arrayOperands, op: name)
            return .arrayPredicate(a, args[0], args[1])
        }
        return .function(op, args)
    }

    static func makeInterval(_ start: CQL2Expression, _ end: CQL2Expression) throws(OperandProblem) -> CQL2Expression {
        try check([start, end], intervalBounds, op: "INTERVAL")
        return .interval(start, end)
    }

    static let temporalByLowercasedName = Dictionary(uniqueKeysWithValues: CQL2TemporalOperator.allCases.map { ($0.rawValue.lowercased(), $0) })
    static let arrayByLowercasedName = Dictionary(uniqueKeysWithValues: CQL2ArrayOperator.allCases.map { ($0.rawValue.lowercased(), $0) })

    /// Whether `op` names a standard operator rather than a custom function (any letter case).
    static func isStandardOperator(_ op: String) -> Bool {
        let name = op.lowercased()
        return ["and", "or", "not", "like", "between", "in", "isnull", "casei", "accenti"].contains(name)
            || CQL2ComparisonOperator(rawValue: name) != nil || CQL2ArithmeticOperator(rawValue: name) != nil
            || CQL2SpatialOperator(rawValue: name) != nil || temporalByLowercasedName[name] != nil
            || arrayByLowercasedName[name] != nil
    }
}
