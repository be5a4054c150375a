import Foundation

/// A request's query string decoded strictly: invalid percent-encoding or UTF-8 and repeated parameters are
/// refused with the parameter's name, rather than passed on half-decoded.
struct QueryParameters: Sendable {
    private(set) var values: [String: String] = [:]
    /// Names in the order given, for links that keep every parameter.
    private(set) var names: [String] = []

    static let maxLength = 200_000

    init(_ query: String?) throws {
        guard let query, !query.isEmpty else { return }
        guard query.utf8.count <= QueryParameters.maxLength else {
            throw OGCError(.badRequest, "InvalidRequest", "the query string has \(query.utf8.count) bytes; at most \(QueryParameters.maxLength) are accepted")
        }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try QueryParameters.decode(parts[0], parameter: "parameter name")
            let value = parts.count > 1 ? try QueryParameters.decode(parts[1], parameter: name) : ""
            guard values[name] == nil else {
                throw OGCError.invalid(name, value, expected: "the parameter once (it was given twice)")
            }
            values[name] = value
            names.append(name)
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// Percent-decoding with `+` as a space (HTML forms), then UTF-8 checked.
    static func decode(_ text: Substring, parameter: String) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var it = text.utf8.makeIterator()
        while let b = it.next() {
            switch b {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let h = it.next(), let l = it.next(), let hi = hexValue(h), let lo = hexValue(l) else {
                    throw OGCError.invalid(parameter, String(text), expected: "percent-encoding as %XX with two hexadecimal digits")
                }
                bytes.append(hi << 4 | lo)
            default: bytes.append(b)
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw OGCError.invalid(parameter, String(text), expected: "text in UTF-8")
        }
        guard !s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }) else {
            throw OGCError.invalid(parameter, String(text), expected: "text without control characters")
        }
        return s
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    /// The query string with `changes` applied (nil removes), in the original order, new names at the end.
    func encoded(changing changes: [String: String?]) -> String {
        var order = names
        for name in changes.keys.sorted() where !order.contains(name) { order.append(name) }
        var parts: [String] = []
        for name in order {
            let value: String?
            if let change = changes[name] { value = change } else { value = values[name] }
            guard let value else { continue }
            parts.append(QueryParameters.escape(name) + "=" + QueryParameters.escape(value))
        }
        return parts.joined(separator: "&")
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~,:")

    static func escape(_ s: String) -> String {
        // Most names and values (f=json, limit=100) need no escape: Foundation's encoder showed in the by-id profile.
        if s.utf8.allSatisfy(isUnreserved) { return s }
        return s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    /// A byte of `unreserved`, without Foundation.
    static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: ","), UInt8(ascii: ":"): true
        default: false
        }
    }
}
