import Hummingbird

extension Parameters {
    /// A path segment as the client meant it: percent-decoded, so `/items/%31` is item 1 and `/collections/unit%73`
    /// is units (RFC 3986 §2.1: an encoded unreserved character is the character). Escapes that are not UTF-8 are
    /// kept as sent, and then name nothing.
    func decoded(_ name: String) -> String {
        let raw = get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
