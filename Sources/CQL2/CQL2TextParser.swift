import GeoJSON

/// A recursive-descent parser for cql2-text (the BNF of OGC 21-065r2). Precedence, loosest first:
/// OR, AND, NOT, predicates (comparison, LIKE, BETWEEN, IN, IS NULL), + -, * / % div, ^, unary minus.
/// Every recursion passes `enter`, so nesting beyond `limits.maxDepth` is an error, never a deep stack.
struct CQL2TextParser {
    /// An expression with the height of its tree, so operator chains cannot build a tree deeper than the limit.
    struct Node {
        var expr: CQL2Expression
        var height: Int
        var offset: Int
    }

    let tokens: [CQL2Token]
    let limits: CQL2Limits
    var index = 0
    var depth = 0
    var coordinates = 0

    static let reserved: Set<String> = ["AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "DIV"]

    init(tokens: [CQL2Token], limits: CQL2Limits) {
        self.tokens = tokens
        self.limits = limits
    }

    var token: CQL2Token { tokens[index] }
    var nextToken: CQL2Token { tokens[min(index + 1, tokens.count - 1)] }
    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func error(_ message: String, at t: CQL2Token, expected: String? = nil) -> CQL2Error {
        CQL2Error(.syntax, message, offset: t.offset, found: t.shown, expected: expected)
    }

    mutating func enter() throws(CQL2Error) {
        depth += 1
        guard depth <= limits.maxDepth else {
            throw CQL2Error(.limit, "the filter nests deeper than \(limits.maxDepth) levels", offset: token.offset)
        }
    }

    mutating func expect(_ symbol: String, _ context: String) throws(CQL2Error) {
        guard token.isSymbol(symbol) else { throw error(context, at: token, expected: "'\(symbol)'") }
        advance()
    }

    func isKeyword(_ k: String) -> Bool { token.keyword == k }

    /// Builds a node through the shared operator table; a misfit operand is reported at that operand's offset.
    func build(_ op: String, _ args: [Node], at offset: Int) throws(CQL2Error) -> Node {
        let height = 1 + (args.map(\.height).max() ?? 0)
        guard height <= limits.maxDepth else {
            throw CQL2Error(.limit, "the filter nests deeper than \(limits.maxDepth) levels", offset: offset)
        }
        do {
            return Node(expr: try CQL2Expression.make(op: op, args: args.map(\.expr)), height: height, offset: offset)
        } catch {
            let at = error.index.map { $0 < args.count ? args[$0].offset : offset } ?? offset
            throw CQL2Error(.invalidOperand, error.message, offset: at, expected: error.expected)
        }
    }

    // MARK: Boolean expressions

    mutating func filter() throws(CQL2Error) -> CQL2Expression {
        let node = try orExpression()
        guard token.kind == .end else {
            throw error("unexpected text after the filter", at: token, expected: "AND, OR or the end of the filter")
        }
        guard CQL2Expression.logicalOperands.contains(node.expr.kind) else {
            throw CQL2Error(.invalidOperand, "a filter must be a predicate, but this is \(CQL2Expression.kindName(node.expr))",
                            offset: node.offset, expected: "a comparison, spatial, temporal or logical expression")
        }
        return node.expr
    }

    mutating func orExpression() throws(CQL2Error) -> Node {
        try chain("OR") { (p: inout CQL2TextParser) throws(CQL2Error) in try p.andExpression() }
    }

    mutating func andExpression() throws(CQL2Error) -> Node {
        try chain("AND") { (p: inout CQL2TextParser) throws(CQL2Error) in try p.notExpression() }
    }

    /// `operand { keyword operand }` as one n-ary AND or OR node (a single operand stands alone).
    mutating func chain(_ keyword: String, _ operand: (inout CQL2TextParser) throws(CQL2Error) -> Node) throws(CQL2Error) -> Node {
        let start = token.offset
        var operands = [try operand(&self)]
        while isKeyword(keyword) {
            advance()
            operands.append(try operand(&self))
        }
        return operands.count == 1 ? operands[0] : try build(keyword.lowercased(), operands, at: start)
    }

    mutating func notExpression() throws(CQL2Error) -> Node {
        guard isKeyword("NOT") else { return try predicate() }
        let start = token.offset
        advance()
        try enter()
        defer { depth -= 1 }
        return try build("not", [try notExpression()], at: start)
    }

    /// A scalar expression, optionally followed by one comparison, LIKE, BETWEEN, IN or IS NULL.
    mutating func predicate() throws(CQL2Error) -> Node {
        let left = try additive()
        let opToken = token
        if case .symbol(let s) = token.kind, CQL2ComparisonOperator(rawValue: s) != nil {
            advance()
            return try build(s, [left, try additive()], at: opToken.offset)
        }
        var negated = false
        if isKeyword("NOT"), let k = nextToken.keyword, ["LIKE", "BETWEEN", "IN"].contains(k) {
            negated = true
            advance()
        }
        var result: Node
        switch token.keyword {
        case "LIKE":
            advance()
            result = try build("like", [left, try additive()], at: opToken.offset)
        case "BETWEEN":
            advance()
            let low = try additive()
            guard isKeyword("AND") else { throw error("BETWEEN needs AND between its bounds", at: token, expected: "AND") }
            advance()
            result = try build("between", [left, low, try additive()], at: opToken.offset)
        case "IN":
            advance()
            let listStart = token
            try expect("(", "IN needs a parenthesised list")
            let items = try commaList { (p: inout CQL2TextParser) throws(CQL2Error) in try p.additive() }
            try expect(")", "the IN list is not closed")
            let list = Node(expr: .array(items.map(\.expr)), height: 1 + (items.map(\.height).max() ?? 0), offset: listStart.offset)
            result = try build("in", [left, list], at: opToken.offset)
        case "IS":
            advance()
            if isKeyword("NOT") { negated = true; advance() }
            guard isKeyword("NULL") else { throw error("IS must be followed by NULL or NOT NULL", at: token, expected: "NULL") }
            advance()
            result = try build("isNull", [left], at: opToken.offset)
        default:
            return left
        }
        return negated ? try build("not", [result], at: opToken.offset) : result
    }

    // MARK: Arithmetic

    mutating func additive() throws(CQL2Error) -> Node {
        var left = try multiplicative()
        while case .symbol(let s) = token.kind, s == "+" || s == "-" {
            let at = token.offset
            advance()
            left = try build(s, [left, try multiplicative()], at: at)
        }
        return left
    }

    mutating func multiplicative() throws(CQL2Error) -> Node {
        var left = try power()
        while true {
            let op: String
            if case .symbol(let s) = token.kind, ["*", "/", "%"].contains(s) { op = s }
            else if isKeyword("DIV") { op = "div" }
            else { return left }
            let at = token.offset
            advance()
            left = try build(op, [left, try power()], at: at)
        }
    }

    mutating func power() throws(CQL2Error) -> Node {
        var left = try unary()
        while token.isSymbol("^") {
            let at = token.offset
            advance()
            left = try build("^", [left, try unary()], at: at)
        }
        return left
    }

    /// A sign before a number is part of the literal (`-1`); before anything else `-x` is `-1 * x`, as cql2-json writes it.
    mutating func unary() throws(CQL2Error) -> Node {
        guard case .symbol(let s) = token.kind, s == "-" || s == "+" else { return try primary() }
        let start = token.offset
        advance()
        if case .number(let v, _) = token.kind {
            advance()
            return Node(expr: .number(s == "-" ? -v : v), height: 1, offset: start)
        }
        try enter()
        defer { depth -= 1 }
        let operand = try unary()
        if s == "+" { return operand }
        return try build("*", [Node(expr: .number(-1), height: 1, offset: start), operand], at: start)
    }
}

extension CQL2Expression {
    /// Parses a cql2-text filter. Throws `CQL2Error` naming the offset, what was found and what was expected.
    public static func parse(text: String, limits: CQL2Limits = .standard) throws(CQL2Error) -> CQL2Expression {
        guard text.utf8.count <= limits.maxLength else {
            throw CQL2Error(.limit, "the filter is \(text.utf8.count) bytes long", expected: "at most \(limits.maxLength) bytes")
        }
        var parser = CQL2TextParser(tokens: try CQL2Tokenizer.tokens(text), limits: limits)
        return try parser.filter()
    }
}
