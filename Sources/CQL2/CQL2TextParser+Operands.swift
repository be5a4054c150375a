import GeoJSON

/// Operands of cql2-text: literals, property names, parenthesised expressions and arrays, function calls,
/// DATE, TIMESTAMP, INTERVAL and BBOX.
extension CQL2TextParser {
    mutating func primary() throws(CQL2Error) -> Node {
        let t = token
        switch t.kind {
        case .number(let v, _):
            advance()
            return Node(expr: .number(v), height: 1, offset: t.offset)
        case .string(let s):
            advance()
            return Node(expr: .string(s), height: 1, offset: t.offset)
        case .quotedName(let name):
            advance()
            return Node(expr: .property(name), height: 1, offset: t.offset)
        case .symbol("("):
            return try parenthesised()
        case .word(let word):
            return try wordOperand(word)
        default:
            throw error("expected an operand", at: t, expected: "a literal, a property name, a function or '('")
        }
    }

    /// `( expression )` or an array `( a, b, … )` / `()` as A_* predicates take.
    mutating func parenthesised() throws(CQL2Error) -> Node {
        let start = token.offset
        advance()
        try enter()
        defer { depth -= 1 }
        if token.isSymbol(")") {
            advance()
            return Node(expr: .array([]), height: 1, offset: start)
        }
        var items = [try orExpression()]
        while token.isSymbol(",") {
            advance()
            items.append(try orExpression())
        }
        try expect(")", "a parenthesis is not closed")
        if items.count == 1 { return items[0] }
        return Node(expr: .array(items.map(\.expr)), height: 1 + (items.map(\.height).max() ?? 0), offset: start)
    }

    mutating func wordOperand(_ word: String) throws(CQL2Error) -> Node {
        let t = token
        let upper = word.uppercased()
        if upper == "TRUE" || upper == "FALSE" {
            advance()
            return Node(expr: .boolean(upper == "TRUE"), height: 1, offset: t.offset)
        }
        if CQL2TextParser.reserved.contains(upper) {
            throw error("the keyword \(upper) cannot start an operand", at: t,
                        expected: "a literal, a property name, a function or '('")
        }
        let call = nextToken.isSymbol("(")
        if let geometryType = CQL2TextParser.geometryTypes[upper],
           call || nextToken.keyword == "Z" || nextToken.keyword == "EMPTY" {
            advance()
            let g = try geometry(geometryType, at: t)
            return Node(expr: .geometry(g), height: 1, offset: t.offset)
        }
        guard call else {
            advance()
            return Node(expr: .property(word), height: 1, offset: t.offset)
        }
        advance()
        switch upper {
        case "DATE", "TIMESTAMP": return try instant(upper, at: t)
        case "INTERVAL": return try interval(at: t)
        case "BBOX": return try bbox(at: t)
        default: return try functionCall(word, at: t)
        }
    }

    /// `item, item, …` up to a closing parenthesis (not consumed); empty when the parenthesis comes first.
    mutating func commaList(_ item: (inout CQL2TextParser) throws(CQL2Error) -> Node) throws(CQL2Error) -> [Node] {
        if token.isSymbol(")") { return [] }
        var items = [try item(&self)]
        while token.isSymbol(",") {
            advance()
            items.append(try item(&self))
        }
        return items
    }

    /// `name(arguments)`: CASEI, ACCENTI, the S_/T_/A_ predicates and custom functions.
    mutating func functionCall(_ name: String, at t: CQL2Token) throws(CQL2Error) -> Node {
        advance() // (
        try enter()
        defer { depth -= 1 }
        let args = try commaList { (p: inout CQL2TextParser) throws(CQL2Error) in try p.orExpression() }
        try expect(")", "the arguments of \(name) are not closed")
        return try build(name, args, at: t.offset)
    }

    mutating func instant(_ type: String, at t: CQL2Token) throws(CQL2Error) -> Node {
        advance() // (
        let valueToken = token
        guard case .string(let text) = token.kind else {
            throw error("\(type) takes a quoted value", at: token, expected: type == "DATE" ? "'YYYY-MM-DD'" : "'YYYY-MM-DDTHH:MM:SSZ'")
        }
        advance()
        try expect(")", "\(type)( is not closed")
        if type == "DATE" {
            guard let d = CQL2Date(text) else { throw error("not a valid date", at: valueToken, expected: "'YYYY-MM-DD' naming a real day") }
            return Node(expr: .date(d), height: 1, offset: t.offset)
        }
        guard let ts = CQL2Timestamp(text) else {
            throw error("not a valid timestamp", at: valueToken, expected: "'YYYY-MM-DDTHH:MM:SS[.fraction]Z' in UTC")
        }
        return Node(expr: .timestamp(ts), height: 1, offset: t.offset)
    }

    mutating func interval(at t: CQL2Token) throws(CQL2Error) -> Node {
        advance() // (
        try enter()
        defer { depth -= 1 }
        let start = try intervalBound()
        try expect(",", "INTERVAL takes two bounds")
        let end = try intervalBound()
        try expect(")", "INTERVAL( is not closed")
        do {
            return Node(expr: try CQL2Expression.makeInterval(start.expr, end.expr), height: 1 + max(start.height, end.height), offset: t.offset)
        } catch {
            throw CQL2Error(.invalidOperand, error.message, offset: (error.index == 1 ? end : start).offset, expected: error.expected)
        }
    }

    /// A quoted date, timestamp or `'..'`, or a property or function.
    mutating func intervalBound() throws(CQL2Error) -> Node {
        let t = token
        guard case .string(let text) = t.kind else { return try additive() }
        advance()
        if text == ".." { return Node(expr: .unbounded, height: 1, offset: t.offset) }
        if let d = CQL2Date(text) { return Node(expr: .date(d), height: 1, offset: t.offset) }
        if let ts = CQL2Timestamp(text) { return Node(expr: .timestamp(ts), height: 1, offset: t.offset) }
        throw error("not a valid interval bound", at: t, expected: "'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM:SSZ' or '..'")
    }

    mutating func bbox(at t: CQL2Token) throws(CQL2Error) -> Node {
        advance() // (
        var values = [try signedNumber()]
        while token.isSymbol(",") {
            advance()
            values.append(try signedNumber())
        }
        try expect(")", "BBOX( is not closed")
        guard values.count == 4 || values.count == 6 else {
            throw CQL2Error(.syntax, "BBOX takes 4 or 6 numbers, got \(values.count)", offset: t.offset,
                            expected: "west, south, east, north (or with min and max height)")
        }
        return Node(expr: .bbox(values), height: 1, offset: t.offset)
    }

    mutating func signedNumber() throws(CQL2Error) -> Double {
        var sign = 1.0
        if case .symbol(let s) = token.kind, s == "-" || s == "+" {
            sign = s == "-" ? -1 : 1
            advance()
        }
        guard case .number(let v, _) = token.kind else { throw error("expected a number", at: token, expected: "a number") }
        advance()
        return sign * v
    }
}
