import Foundation

/// Encodes and decodes JSON text. Encoding keeps object member order so that files are reproducible.
public enum JSONText {
    public static func encode(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    public static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? JSONValue.format(d) : "null"
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, item)) in members.enumerated() {
                if i > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(item, to: &out)
            }
            out += "}"
        }
    }

    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        if isPlain(s) {  // most text (names, links, titles): copied whole rather than scalar by scalar
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Whether `s` goes into a JSON string as it is: no `"`, `\` or control character (below U+0020).
    @inline(__always) public static func isPlain(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }
    }

    /// Decodes one JSON value from UTF-8 bytes. Object members keep the order they have in the text
    /// (Foundation's decoders do not promise that), so a file read and written again is unchanged.
    public static func decode(_ bytes: some Collection<UInt8>) throws(GeoJSONError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(GeoJSONError) in
            var parser = JSONParser(bytes: buffer)
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.pos == buffer.count else { throw parser.error("unexpected text after the value") }
            return value
        }
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ message: String) -> GeoJSONError {
        GeoJSONError("invalid JSON: \(message) at byte \(pos + 1)")
    }

    mutating func skipSpace() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 {
            pos += 1
        }
    }

    mutating func value(depth: Int) throws(GeoJSONError) -> JSONValue {
        guard depth < 512 else { throw error("nesting deeper than 512 levels") }
        skipSpace()
        guard pos < bytes.count else { throw error("unexpected end of text") }
        switch bytes[pos] {
        case 0x7B: // {
            pos += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == 0x7D { pos += 1; return .object(members) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == 0x22 else { throw error("expected a member name in quotes") }
                let key = try string()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == 0x3A else { throw error("expected : after member name") }
                pos += 1
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard pos < bytes.count else { throw error("unexpected end of text in an object") }
                if bytes[pos] == 0x2C { pos += 1; continue }
                if bytes[pos] == 0x7D { pos += 1; return .object(members) }
                throw error("expected , or } in an object")
            }
        case 0x5B: // [
            pos += 1
            var items: [JSONValue] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == 0x5D { pos += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw error("unexpected end of text in an array") }
                if bytes[pos] == 0x2C { pos += 1; continue }
                if bytes[pos] == 0x5D { pos += 1; return .array(items) }
                throw error("expected , or ] in an array")
            }
        case 0x22: return .string(try string())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case 0x2D, 0x30...0x39: return try number()
        default: throw error("unexpected character \"\(Character(Unicode.Scalar(bytes[pos])))\"")
        }
    }

    mutating func literal(_ word: String) throws(GeoJSONError) {
        for b in word.utf8 {
            guard pos < bytes.count, bytes[pos] == b else { throw error("expected \(word)") }
            pos += 1
        }
    }

    mutating func number() throws(GeoJSONError) -> JSONValue {
        let start = pos
        var isInteger = true
        if bytes[pos] == 0x2D { pos += 1 }
        func digits(_ p: inout Int) -> Int {
            let s = p
            while p < bytes.count, bytes[p] >= 0x30, bytes[p] <= 0x39 { p += 1 }
            return p - s
        }
        let intDigits = digits(&pos)
        guard intDigits > 0 else { throw error("expected digits in a number") }
        if intDigits > 1, bytes[pos - intDigits] == 0x30 { throw error("a number may not start with 0") }
        if pos < bytes.count, bytes[pos] == 0x2E {
            isInteger = false
            pos += 1
            guard digits(&pos) > 0 else { throw error("expected digits after the decimal point") }
        }
        if pos < bytes.count, bytes[pos] == 0x65 || bytes[pos] == 0x45 {
            isInteger = false
            pos += 1
            if pos < bytes.count, bytes[pos] == 0x2B || bytes[pos] == 0x2D { pos += 1 }
            guard digits(&pos) > 0 else { throw error("expected digits in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if isInteger, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else { throw error("number \(text) out of range") }
        return .double(d)
    }

    mutating func string() throws(GeoJSONError) -> String {
        pos += 1 // opening quote
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count, bytes[pos] != 0x22, bytes[pos] != 0x5C, bytes[pos] >= 0x20 { pos += 1 }
        if pos < bytes.count, bytes[pos] == 0x22 {
            pos += 1
            return try utf8(start..<(pos - 1))
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: try utf8(start..<pos).unicodeScalars)
        while true {
            guard pos < bytes.count else { throw error("unterminated string") }
            let b = bytes[pos]
            if b == 0x22 { pos += 1; return String(scalars) }
            if b < 0x20 { throw error("control character in a string (escape it)") }
            if b == 0x5C {
                pos += 1
                guard pos < bytes.count else { throw error("unterminated escape") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case 0x22: scalars.append("\"")
                case 0x5C: scalars.append("\\")
                case 0x2F: scalars.append("/")
                case 0x62: scalars.append("\u{08}")
                case 0x66: scalars.append("\u{0C}")
                case 0x6E: scalars.append("\n")
                case 0x72: scalars.append("\r")
                case 0x74: scalars.append("\t")
                case 0x75:
                    var code = try hex4()
                    if code >= 0xD800, code < 0xDC00 {
                        guard pos + 1 < bytes.count, bytes[pos] == 0x5C, bytes[pos + 1] == 0x75 else {
                            throw error("a high surrogate must be followed by a low one")
                        }
                        pos += 2
                        let low = try hex4()
                        guard low >= 0xDC00, low < 0xE000 else { throw error("invalid low surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    scalars.append(scalar)
                default: throw error("invalid escape \\\(Character(Unicode.Scalar(e)))")
                }
                continue
            }
            let runStart = pos
            while pos < bytes.count, bytes[pos] != 0x22, bytes[pos] != 0x5C, bytes[pos] >= 0x20 { pos += 1 }
            scalars.append(contentsOf: try utf8(runStart..<pos).unicodeScalars)
        }
    }

    mutating func hex4() throws(GeoJSONError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("unterminated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: throw error("expected 4 hex digits after \\u")
            }
            v = v << 4 | UInt32(d)
            pos += 1
        }
        return v
    }

    func utf8(_ range: Range<Int>) throws(GeoJSONError) -> String {
        guard let s = UTF8Text.string(UnsafeBufferPointer(rebasing: bytes[range])) else {
            throw GeoJSONError("invalid JSON: the text is not valid UTF-8 near byte \(range.lowerBound + 1)")
        }
        return s
    }
}
