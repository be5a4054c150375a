import Foundation

/// Text rules for Vietnamese names: stored in NFC, searched without diacritics or case.
public enum VietnameseText {
    /// Unicode NFC with surrounding white space trimmed and inner runs of white space folded to one space.
    public static func normalised(_ s: String) -> String {
        var text = s
        if !s.utf8.allSatisfy({ $0 < 0x80 }) {
            text = s.precomposedStringWithCanonicalMapping
        }
        let parts = text.split(whereSeparator: { $0.isWhitespace })
        return parts.joined(separator: " ")
    }

    /// Lower-case ASCII-ish key: diacritics removed (NFD then combining marks dropped) and đ/Đ to d,
    /// which Unicode does not decompose. "Chợ Bình Thới" → "cho binh thoi", "Đường" → "duong".
    public static func searchKey(_ s: String) -> String {
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
