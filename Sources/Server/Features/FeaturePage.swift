import Foundation
import Hummingbird
import GeoJSON
import Output
import Registry

/// One page of features written as GeoJSON (RFC 7946 with OGC's members) or HTML, on the reading thread, into a
/// ByteChannel: the FeatureCollection's head and features as rows come, then numberReturned and the links.
enum FeaturePage {
    /// Bytes handed to the response at a time: 252 KiB, so a 10 000-feature page (5.3 MB of units) is about 21 hand-overs
    /// between threads. With the sink's slack for a record that ends past it, a buffer asks for 256 KiB: NIO rounds a
    /// buffer's capacity up to a power of two, and 256 KiB and 4 KiB took 512 KiB, half of it never touched.
    static let chunkSize = (1 << 18) - ByteSink.slack

    static func writeGeoJSON(_ items: ItemsRequest, service: ServiceState, info: RequestContextInfo, to channel: ByteChannel) throws {
        let sink = channel.sink(chunk: chunkSize)
        var options = FeatureWriter.Options()
        options.precision = items.crs.decimals
        var writer = FeatureWriter(options, sink: sink, transform: try items.crs.fromCRS84())
        var matched = service.counts.claim(items.countKey)
        let claimed = matched == nil
        var stored = false
        defer { if claimed && !stored { service.counts.abandon(items.countKey) } }
        let next = try service.page(items, counting: claimed, timeLimit: service.timeLimit, begin: { q, count in
            if let count {
                matched = count
                service.counts.store(items.countKey, count)
                stored = true
            }
            writer.begin(q, name: items.collection.id)
        }) { row in try writer.write(row) }
        var tail = "\n],\"numberMatched\":\(matched ?? 0),\"numberReturned\":\(writer.written),\"timeStamp\":\"\(timeStamp())\",\"links\":"
        let links = pageLinks(items, info: info, next: next, returned: writer.written)
        tail += Link.json(links) + "}\n"
        sink.append(tail)
        try sink.flush()
    }

    /// self, alternate, next (a keyset cursor: the next page costs what this one did), prev (an offset) and the collection;
    /// next and prev in the page's own format (an HTML page's lead to HTML pages).
    static func pageLinks(_ items: ItemsRequest, info: RequestContextInfo, next: PageCursor?, returned: Int) -> [Link] {
        var links = info.selfLinks(jsonType: "application/geo+json", title: "This page")
        let (f, type) = info.format == .html ? ("html", "text/html") : ("json", "application/geo+json")
        if let next {
            links.append(Link(rel: "next", type: type, title: "Next page",
                              href: info.href(nil, ["cursor": "\(items.position + returned).\(next.encoded)", "offset": nil, "f": f])))
        }
        if items.position > 0 {
            links.append(Link(rel: "prev", type: type, title: "Previous page",
                              href: info.href(nil, ["cursor": nil, "offset": String(max(0, items.position - items.limit)), "f": f])))
        }
        links.append(collectionLink(items, info))
        return links
    }

    static func collectionLink(_ items: ItemsRequest, _ info: RequestContextInfo) -> Link {
        Link(rel: "collection", type: "application/json", title: items.collection.title,
             href: info.href("/collections/\(items.collection.id)", [:], keepQuery: false))
    }

    /// Now in UTC as RFC 3339, without a date formatter (making one per request showed in the by-id profile).
    static func timeStamp() -> String {
        var now = time(nil)
        var t = tm()
        gmtime_r(&now, &t)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))T\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec))Z"
    }

    /// A table of the page's properties; coordinates are for the JSON.
    static func writeHTML(_ items: ItemsRequest, service: ServiceState, info: RequestContextInfo, to channel: ByteChannel) throws {
        let sink = channel.sink(chunk: chunkSize)
        var names: [String] = []
        var query: FeatureLayer.Query?
        var matched: Int?
        var returned = 0
        // A feature is read on the page's day: its link keeps the page's datetime (a past ward is not today's).
        let itemQuery = info.query["datetime"].map { "&amp;datetime=" + HTMLPage.escape($0.addingPercentEncoding(withAllowedCharacters: CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&+=#;"))) ?? "") } ?? ""
        let next = try service.page(items, timeLimit: service.timeLimit, begin: { q, count in
            matched = count
            query = q
            names = q.properties.map(\.name)
            sink.append(HTMLPage.head(items.collection.title))
            sink.append("<table><tr><th>id</th>" + names.map { "<th>\(HTMLPage.escape($0))</th>" }.joined() + "</tr>\n")
        }) { row in
            returned += 1
            let id = row.int64(0)
            sink.append("<tr><td><a href=\"/collections/\(items.collection.id)/items/\(id)?f=html\(itemQuery)\">\(id)</a></td>")
            for i in names.indices {
                sink.append("<td>")
                query?.text(row, i) { text in
                    if text.baseAddress != nil { sink.append(HTMLPage.escape(String(decoding: text, as: UTF8.self))) }
                }
                sink.append("</td>")
            }
            sink.append("</tr>\n")
            try sink.recordDone()
        }
        sink.append("</table><p>\(returned) of \(matched ?? 0) features.</p>")
        sink.append("<h2>Links</h2>" + HTMLPage.links(pageLinks(items, info: info, next: next, returned: returned)) + HTMLPage.tail)
        try sink.flush()
    }

    /// One feature with its links, or a 404, in the buffer the response sends. The sink starts small (a feature
    /// is a few hundred bytes; it grows for a large footprint): a megabyte per request showed in the by-id profile.
    static func single(_ items: ItemsRequest, service: ServiceState, info: RequestContextInfo, id: Int64) throws -> ByteBuffer {
        var bytes = ByteBuffer()
        let sink = ByteSink(capacity: 1 << 13) { bytes.writeBytes($0) }
        let links = info.selfLinks(jsonType: "application/geo+json", title: "This feature") + [collectionLink(items, info)]
        if info.format == .html {
            var found = false
            var query: FeatureLayer.Query?
            try service.page(items, counting: false, begin: { q, _ in
                query = q
                sink.append(HTMLPage.head("\(items.collection.title) \(id)") + "<table>")
            }) { row in
                found = true
                sink.append("<tr><th>id</th><td>\(id)</td></tr>")
                for (i, p) in (query?.properties ?? []).enumerated() {
                    query?.text(row, i) { text in
                        guard text.baseAddress != nil else { return }
                        sink.append("<tr><th>\(HTMLPage.escape(p.name))</th><td>\(HTMLPage.escape(String(decoding: text, as: UTF8.self)))</td></tr>")
                    }
                }
            }
            guard found else { throw OGCError.notFound("no feature \(id) in \(items.collection.id) on \(items.filter.asOf)") }
            sink.append("</table><h2>Links</h2>" + HTMLPage.links(links) + HTMLPage.tail)
            try sink.flush()
            return bytes
        }
        var options = FeatureWriter.Options()
        options.format = .geojsonseq
        options.precision = items.crs.decimals
        var writer = FeatureWriter(options, sink: sink, transform: try items.crs.fromCRS84())
        try service.page(items, counting: false, begin: { q, _ in writer.begin(q, name: items.collection.id) }) { row in try writer.write(row) }
        try sink.flush()
        guard writer.written == 1, bytes.readableBytes > 2 else {
            throw OGCError.notFound("no feature \(id) in \(items.collection.id) on \(items.filter.asOf)")
        }
        // The writer ends a feature with "}\n": the links go inside it.
        bytes.moveWriterIndex(to: bytes.writerIndex - 2)
        bytes.writeString(",\"links\":")
        bytes.writeString(Link.json(links))
        bytes.writeString("}\n")
        return bytes
    }
}
