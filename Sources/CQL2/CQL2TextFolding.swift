import Foundation

/// CASEI and ACCENTI as plain string functions. The SQL the translator writes calls them as the SQLite functions
/// `casei(x)` and `accenti(x)`, which the caller registers from these (see `sqlFunctions`); literals are folded
/// here before binding, so a column and a literal always go through the same code.
public enum CQL2TextFolding {
    /// The SQL functions the translator's output calls, with the Swift function each must run on a TEXT argument
    /// (NULL in, NULL out). With GRDB:
    /// `db.add(function: DatabaseFunction(name, argumentCount: 1, pure: true) { String.fromDatabaseValue($0[0]).map(fold) })`
    public static let sqlFunctions: [(name: String, fold: @Sendable (String) -> String)] = [
        ("casei", caseFolded),
        ("accenti", accentFolded),
    ]

    /// Unicode case folding, approximated as lower(upper(s)) in NFC: "Straße" and "STRASSE" fold alike, so do
    /// "ΟΔΟΣ" and "Οδος" (final sigma).
    @Sendable public static func caseFolded(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
        return s.uppercased().lowercased().precomposedStringWithCanonicalMapping
    }

    /// Diacritics removed: canonical decomposition, combining diacritical marks dropped, back to NFC; letters
    /// with a stroke that Unicode does not decompose (đ, ø, ł, ħ, ŧ) become their base letter. Case is kept.
    @Sendable public static func accentFolded(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        var out = String.UnicodeScalarView()
        for u in s.decomposedStringWithCanonicalMapping.unicodeScalars {
            if isCombiningDiacritic(u) { continue }
            if let base = strokeLetters[u] { out.append(base) } else { out.append(u) }
        }
        return String(out).precomposedStringWithCanonicalMapping
    }

    /// The combining diacritical mark blocks (not every nonspacing mark: Thai or Devanagari vowel signs are letters' parts).
    static func isCombiningDiacritic(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x0300...0x036F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F: true
        default: false
        }
    }

    static let strokeLetters: [Unicode.Scalar: Unicode.Scalar] = [
        "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
        "ƀ": "b", "Ɨ": "I", "ɨ": "i", "ı": "i",
    ]
}
