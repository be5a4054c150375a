/// One lexical token of cql2-text with the offset (in Unicode scalars) where it starts.
struct CQL2Token: Hashable {
    enum Kind: Hashable {
        case word(String)           // an identifier or keyword, as written
        case quotedName(String)     // "name"
        case string(String)         // 'text' with quotes undone
        case number(Double, String) // value and the text as written
        case symbol(String)         // ( ) , = <> < > <= >= + - * / % ^
        case end
    }

    var kind: Kind
    var offset: Int

    /// How the token reads in an error message.
    var shown: String {
        switch kind {
        case .word(let w): "'\(w)'"
        case .quotedName(let n): "\"\(n)\""
        case .string(let s): "string '\(s.count > 40 ? s.prefix(40) + "…" : Substring(s))'"
        case .number(_, let t): "number \(t.count > 40 ? t.prefix(40) + "…" : Substring(t))"
        case .symbol(let s): "'\(s)'"
        case .end: "the end of the filter"
        }
    }

    /// The keyword this token spells, upper-cased, if it is a bare word.
    var keyword: String? {
        if case .word(let w) = kind { return w.uppercased() }
        return nil
    }

    func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
}

/// Splits cql2-text into tokens. Rejects control characters, unterminated strings and numbers out of range,
/// naming the offset.
struct CQL2Tokenizer {
    let scalars: [Unicode.Scalar]
    var pos = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    static func tokens(_ text: String) throws(CQL2Error) -> [CQL2Token] {
        var t = CQL2Tokenizer(text)
        var out: [CQL2Token] = []
        while true {
            let token = try t.next()
            out.append(token)
            if token.kind == .end { return out }
        }
    }

    func error(_ message: String, at offset: Int, found: String? = nil, expected: String? = nil) -> CQL2Error {
        CQL2Error(.syntax, message, offset: offset, found: found, expected: expected)
    }

    static func isWhitespace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `identifierStart` of the BNF.
    static func isNameStart(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x3A, 0x5F, 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D,
             0x37F...0x1FFE, 0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF,
             0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF: true
        default: false
        }
    }

    /// `identifierPart` of the BNF.
    static func isNamePart(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x2E, 0x30...0x39, 0x300...0x36F, 0x203F...0x2040: true
        default: isNameStart(u)
        }
    }

    /// A C0 or C1 control character that is not white space: never allowed, not even in a string.
    static func isForbiddenControl(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 || (0x7F...0x9F).contains(u.value)) && !isWhitespace(u) && u.value != 0x07 && u.value != 0x08
    }

    static func codePoint(_ u: Unicode.Scalar) -> String {
        let hex = String(u.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    func isDigit(_ i: Int) -> Bool { i < scalars.count && (0x30...0x39).contains(scalars[i].value) }

    mutating func next() throws(CQL2Error) -> CQL2Token {
        while pos < scalars.count, CQL2Tokenizer.isWhitespace(scalars[pos]) { pos += 1 }
        let start = pos
        guard pos < scalars.count else { return CQL2Token(kind: .end, offset: pos) }
        let c = scalars[pos]
        if CQL2Tokenizer.isForbiddenControl(c) {
            throw error("control character \(CQL2Tokenizer.codePoint(c)) is not allowed", at: pos)
        }
        if isDigit(pos) || (c == "." && isDigit(pos + 1)) { return try number() }
        if CQL2Tokenizer.isNameStart(c) {
            while pos < scalars.count, CQL2Tokenizer.isNamePart(scalars[pos]) { pos += 1 }
            return CQL2Token(kind: .word(text(start, pos)), offset: start)
        }
        switch c {
        case "'": return CQL2Token(kind: .string(try quoted("'")), offset: start)
        case "\"":
            let name = try quoted("\"")
            guard !name.isEmpty else { throw error("empty property name", at: start, found: "\"\"", expected: "a property name") }
            return CQL2Token(kind: .quotedName(name), offset: start)
        case "<":
            pos += 1
            if pos < scalars.count, scalars[pos] == "=" || scalars[pos] == ">" {
                pos += 1
                return CQL2Token(kind: .symbol(text(start, pos)), offset: start)
            }
            return CQL2Token(kind: .symbol("<"), offset: start)
        case ">":
            pos += 1
            if pos < scalars.count, scalars[pos] == "=" { pos += 1; return CQL2Token(kind: .symbol(">="), offset: start) }
            return CQL2Token(kind: .symbol(">"), offset: start)
        case "(", ")", ",", "=", "+", "-", "*", "/", "%", "^":
            pos += 1
            return CQL2Token(kind: .symbol(String(c)), offset: start)
        default:
            throw error("unexpected character '\(c)' (\(CQL2Tokenizer.codePoint(c)))", at: start,
                        expected: "a property name, a literal, an operator or a parenthesis")
        }
    }

    func text(_ from: Int, _ to: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[from..<to])
        return String(s)
    }

    /// A quoted string or name; in strings `''` and `\'` stand for one quote, other backslashes stay as written.
    mutating func quoted(_ quote: Unicode.Scalar) throws(CQL2Error) -> String {
        let start = pos
        pos += 1
        var out = String.UnicodeScalarView()
        while true {
            guard pos < scalars.count else {
                throw error("unterminated \(quote == "'" ? "string" : "quoted property name")", at: start,
                            found: "the end of the filter", expected: "a closing \(quote)")
            }
            let c = scalars[pos]
            if CQL2Tokenizer.isForbiddenControl(c) {
                throw error("control character \(CQL2Tokenizer.codePoint(c)) is not allowed", at: pos)
            }
            if c == quote {
                if quote == "'", pos + 1 < scalars.count, scalars[pos + 1] == "'" {
                    out.append("'")
                    pos += 2
                    continue
                }
                pos += 1
                return String(out)
            }
            if quote == "'", c == "\\", pos + 1 < scalars.count, scalars[pos + 1] == "'" {
                out.append("'")
                pos += 2
                continue
            }
            out.append(c)
            pos += 1
        }
    }

    /// An unsigned decimal or scientific number; the sign is a separate token.
    mutating func number() throws(CQL2Error) -> CQL2Token {
        let start = pos
        while isDigit(pos) { pos += 1 }
        if pos < scalars.count, scalars[pos] == "." {
            pos += 1
            while isDigit(pos) { pos += 1 }
        }
        if pos < scalars.count, scalars[pos] == "e" || scalars[pos] == "E" {
            let signed = pos + 1 < scalars.count && (scalars[pos + 1] == "+" || scalars[pos + 1] == "-")
            if isDigit(pos + 1) || (signed && isDigit(pos + 2)) {
                pos += signed ? 2 : 1
                while isDigit(pos) { pos += 1 }
            }
        }
        let written = text(start, pos)
        guard let value = Double(written), value.isFinite else {
            throw error("number out of range", at: start, found: written.count > 40 ? String(written.prefix(40)) + "…" : written,
                        expected: "a number of magnitude below 1.8e308")
        }
        return CQL2Token(kind: .number(value, written), offset: start)
    }
}
