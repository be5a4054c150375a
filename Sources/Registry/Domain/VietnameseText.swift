import Foundation

/// Text rules for Vietnamese names: stored in NFC, searched without diacritics or case.
public enum VietnameseText {
    /// Unicode NFC with surrounding white space trimmed and inner runs of white space folded to one space.
    public static func normalised(_ s: String) -> String {
        if isAlreadyNormalised(s) { return s }
        var text = s
        if !s.utf8.allSatisfy({ $0 < 0x80 }) {
            text = s.precomposedStringWithCanonicalMapping
        }
        // Split on white-space scalars, not Characters: a space joined before a combining mark would
        // make one Character with it, and a second pass would drop the mark (found by scripts/fuzz).
        let parts = text.unicodeScalars.split(whereSeparator: isWhitespace)
        return parts.map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    /// The text with white space at either end removed (Unicode White_Space, as `Character.isWhitespace`).
    public static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return s }
        if !isWhitespace(first) && !isWhitespace(last) { return s }
        guard let start = scalars.firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isWhitespace($0) })!
        return String(scalars[start...end])
    }

    /// Unicode White_Space, answered without the property tables for ASCII and the Latin letters.
    static func isWhitespace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x20: return true
        case 0..<0x80, 0xC0...0x2FF, 0x1E00...0x1EFF: return false
        default: return u.properties.isWhitespace
        }
    }

    /// True when `normalised` would return `s` unchanged, decided in one pass without Foundation: every
    /// scalar is one that NFC leaves alone and cannot combine with a neighbour (U+0000–U+02FF, and the
    /// precomposed letters of Latin Extended Additional, U+1E00–U+1EFF, where Vietnamese letters live),
    /// and the only white space is single inner spaces. Most real names pass; the rest take the slow path.
    static func isAlreadyNormalised(_ s: String) -> Bool {
        var previousWasSpace = true // a leading space is not normalised
        for u in s.unicodeScalars {
            switch u.value {
            case 0x20:
                if previousWasSpace { return false }
                previousWasSpace = true
                continue
            case 0x09...0x0D, 0x85, 0xA0: return false
            case 0...0x2FF, 0x1E00...0x1EFF: previousWasSpace = false
            default: return false
            }
        }
        return !previousWasSpace || s.isEmpty
    }

    /// Lower-case ASCII-ish key: diacritics removed (NFD then combining marks dropped) and đ/Đ to d,
    /// which Unicode does not decompose. "Chợ Bình Thới" → "cho binh thoi", "Đường" → "duong".
    public static func searchKey(_ s: String) -> String { searchKey(joining: [s]) }

    /// The search key of `parts` joined by spaces, without joining them first.
    static func searchKey(joining parts: [String]) -> String {
        let keys = LatinKeys.shared
        // A key is at most `longest` bytes for each scalar of at least one byte, plus a space between parts.
        let capacity = parts.reduce(parts.count) { $0 + $1.utf8.count * keys.longest }
        var latin = true
        let key = String(unsafeUninitializedCapacity: capacity) { out in
            var n = 0
            for s in parts {
                var part = s
                // A pass over the UTF-8 bytes, each scalar decoded in place (a bulk import keys every unit on its reading thread).
                latin = part.withUTF8 { bytes -> Bool in
                    var pendingSpace = n > 0
                    var i = 0
                    while i < bytes.count {
                        let b0 = bytes[i]
                        var v = UInt32(b0)
                        if b0 < 0x80 {
                            i += 1
                        } else if b0 < 0xE0 {
                            v = (UInt32(b0 & 0x1F) << 6) | UInt32(bytes[i + 1] & 0x3F)
                            i += 2
                        } else if b0 < 0xF0 {
                            v = (UInt32(b0 & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F)
                            i += 3
                        } else {
                            return false  // beyond the Basic Multilingual Plane: not a Latin letter
                        }
                        if v == 0x20 || (0x09...0x0D).contains(v) || v == 0x85 || v == 0xA0 {
                            pendingSpace = n > 0
                            continue
                        }
                        if v >= 0x0300 && v <= 0x036F { continue }
                        if pendingSpace {
                            out[n] = 0x20
                            n += 1
                            pendingSpace = false
                        }
                        if v < 0x80 {
                            out[n] = UInt8(v) | (v >= 0x41 && v <= 0x5A ? 0x20 : 0)
                            n += 1
                        } else if !keys.put(v, into: out, at: &n) {
                            return false
                        }
                    }
                    return true
                }
                if !latin { return 0 }
            }
            return n
        }
        // Outside the Latin blocks: decompose the whole text.
        return latin ? key : slowSearchKey(parts.joined(separator: " "))
    }

    /// The search key (UTF-8) of each Latin-1 Supplement, Latin Extended and Latin Extended Additional
    /// scalar, computed once by the general path so the fast path gives exactly the same keys. One byte
    /// array with each scalar's range in it, indexed by the scalar's offset in its block (U+0080–U+02FF,
    /// then U+1E00–U+1EFF): a lookup in a dictionary hashed every letter of a Vietnamese name, and an
    /// array per letter cost a retain and a release.
    private struct LatinKeys: Sendable {
        var bytes: [UInt8] = []
        /// Per scalar: where its key starts in `bytes`, and its length (0: no key, the general path decides).
        var starts: [Int32] = []
        var lengths: [UInt8] = []
        /// The longest key, in bytes.
        var longest = 1

        static let shared: LatinKeys = {
            var keys = LatinKeys()
            for v in Array(0x80..<0x300) + Array(0x1E00..<0x1F00) {
                var key: [UInt8] = []
                if let scalar = Unicode.Scalar(UInt32(v)), !scalar.properties.isWhitespace {
                    let k = slowSearchKey(String(scalar))
                    if !k.isEmpty && !k.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { key = Array(k.utf8) }
                }
                keys.starts.append(Int32(keys.bytes.count))
                keys.lengths.append(UInt8(key.count))
                keys.bytes += key
                keys.longest = max(keys.longest, key.count)
            }
            return keys
        }()

        /// Writes the key of `v` (U+0080 or above) at `out[n]` on, moving `n` past it; false when it has none here.
        func put(_ v: UInt32, into out: UnsafeMutableBufferPointer<UInt8>, at n: inout Int) -> Bool {
            let k: Int
            switch v {
            case 0x80..<0x300: k = Int(v - 0x80)
            case 0x1E00..<0x1F00: k = Int(v - 0x1E00) + 0x280
            default: return false
            }
            let length = Int(lengths[k])
            guard length > 0 else { return false }
            let start = Int(starts[k])
            for j in 0..<length { out[n + j] = bytes[start + j] }
            n += length
            return true
        }
    }

    static func slowSearchKey(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        let source = s.utf8.allSatisfy({ $0 < 0x80 }) ? s : s.decomposedStringWithCanonicalMapping
        for scalar in source.unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F: continue // combining diacritical marks
            case 0x0110, 0x0111: out.append("d") // Đ đ
            case 0x41...0x5A: out.append(Unicode.Scalar(scalar.value + 32)!)
            default:
                if scalar.value < 0x80 {
                    out.append(scalar)
                } else {
                    for l in String(scalar).lowercased().unicodeScalars { out.append(l) }
                }
            }
        }
        return String(out).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The first control character in `s` other than tab and line breaks (LF, CR LF), with its 1-based
    /// position: C0, DEL and C1. A NUL ends a C string early; ESC drives the terminal.
    public static func controlCharacter(in s: String) -> (scalar: Unicode.Scalar, position: Int)? {
        // Most text has none: one pass over the bytes says so (C1 is 0xC2 then 0x80–0x9F in UTF-8; a CR is
        // left to the scalar pass, which knows whether a line feed follows).
        let clean = s.utf8.withContiguousStorageIfAvailable { bytes in
            var afterC2 = false
            for b in bytes {
                if (b < 0x20 && b != 0x09 && b != 0x0A) || b == 0x7F || (afterC2 && b < 0xA0) { return false }
                afterC2 = b == 0xC2
            }
            return true
        }
        if clean == true { return nil }
        var position = 0
        var pendingCR: Int?
        for u in s.unicodeScalars {
            position += 1
            if let cr = pendingCR, u != "\n" { return ("\r", cr) }
            pendingCR = nil
            switch u.value {
            case 0x09, 0x0A: continue
            case 0x0D: pendingCR = position
            case 0..<0x20, 0x7F...0x9F: return (u, position)
            default: continue
            }
        }
        return pendingCR.map { ("\r", $0) }
    }

    /// A header or option value reduced to a key: "Mã số" → "ma_so", "Stall No." → "stall_no".
    public static func fieldKey(_ s: String) -> String {
        let folded = searchKey(s)
        var out = ""
        var lastUnderscore = true
        for c in folded {
            if c.isLetter || c.isNumber {
                out.append(c)
                lastUnderscore = false
            } else if !lastUnderscore {
                out.append("_")
                lastUnderscore = true
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out
    }
}
