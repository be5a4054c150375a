import GeoJSON

/// A link of a document, a page or a feature (`rel`, `type`, `title`, `href`, all four always given). Typed rather
/// than a dictionary of `Any`: a page or a feature writes its links straight as JSON (the by-id profile showed the
/// dictionaries, their merging and their sorted keys at a tenth of the server's samples), and the documents built
/// for JSONSerialization take `object`.
struct Link: Sendable {
    var rel: String
    var type: String
    var title: String
    var href: String

    /// As a document for JSONSerialization holds it.
    var object: [String: Any] { ["rel": rel, "type": type, "title": title, "href": href] }

    /// The links as a JSON array, each object's keys in alphabetical order (as JSONSerialization's sortedKeys
    /// writes the documents' links).
    static func json(_ links: [Link]) -> String {
        var out = "["
        for (i, link) in links.enumerated() {
            out += i > 0 ? ",{\"href\":" : "{\"href\":"
            JSONText.writeString(link.href, to: &out)
            out += ",\"rel\":"
            JSONText.writeString(link.rel, to: &out)
            out += ",\"title\":"
            JSONText.writeString(link.title, to: &out)
            out += ",\"type\":"
            JSONText.writeString(link.type, to: &out)
            out += "}"
        }
        return out + "]"
    }
}
