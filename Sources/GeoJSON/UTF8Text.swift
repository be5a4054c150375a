import Foundation

/// Text from bytes that must be UTF-8, for the readers of import files (GeoJSON here, CSV in the registry).
public enum UTF8Text {
    /// The bytes as a String when they are UTF-8, else nil. `String(decoding:as:)` puts U+FFFD for what is not
    /// UTF-8, so the text is valid when its bytes are the input's. (`String(validating:as:)` takes a generic path
    /// that looked up type metadata twice for every field: 6 % of a CSV import's reading thread.)
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var s = String(decoding: bytes, as: UTF8.self)
        guard s.utf8.count == bytes.count else { return nil }
        guard let base = bytes.baseAddress else { return s }
        return s.withUTF8 { memcmp($0.baseAddress!, base, bytes.count) == 0 } ? s : nil
    }
}
