/// The HTML encoding: plain pages with the same content and links as the JSON, for a person with a browser.
enum HTMLPage {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func head(_ title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="vi"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}</style>
        </head><body><h1>\(escape(title))</h1>

        """
    }

    static let tail = "</body></html>\n"

    /// A list of links (`rel`, `href`, `title`).
    static func links(_ links: [Link]) -> String {
        "<ul>" + links.map { l in
            "<li><a href=\"\(escape(l.href))\">\(escape(l.title))</a> (\(escape(l.rel)))</li>"
        }.joined() + "</ul>\n"
    }

    static func page(_ title: String, _ body: String, links: [Link]) -> String {
        head(title) + body + "<h2>Links</h2>" + self.links(links) + tail
    }
}
