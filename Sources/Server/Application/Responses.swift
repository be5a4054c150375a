import Foundation
import Hummingbird

/// What a request is answered in: `f=json|html`, else the Accept header (a browser asks for HTML).
enum OutputFormat: String, Sendable {
    case json, html

    init(_ query: QueryParameters, _ request: Request) throws {
        if let f = query["f"] {
            guard let format = OutputFormat(rawValue: f) else { throw OGCError.invalid("f", f, expected: "json or html") }
            self = format
            return
        }
        let accept = request.headers[.accept] ?? ""
        self = accept.contains("text/html") && !accept.contains("json") ? .html : .json
    }
}

/// The links and bodies every controller writes: absolute URLs on the host the client used, weak ETags over the
/// database's version and the URL.
struct RequestContextInfo: Sendable {
    let base: String
    let query: QueryParameters
    let format: OutputFormat
    let path: String

    init(_ request: Request) throws {
        let host = request.head.authority ?? "127.0.0.1"
        base = "http://" + host
        query = try QueryParameters(request.uri.query)
        format = try OutputFormat(query, request)
        path = request.uri.path
    }

    /// This path (or `path`) with the query changed.
    func href(_ path: String? = nil, _ changes: [String: String?] = [:], keepQuery: Bool = true) -> String {
        let q = keepQuery ? query.encoded(changing: changes) : QueryParameters.empty.encoded(changing: changes)
        return base + (path ?? self.path) + (q.isEmpty ? "" : "?" + q)
    }

    /// self and alternate links for a document offered as JSON (`jsonType`) and HTML.
    func selfLinks(jsonType: String = "application/json", title: String) -> [Link] {
        let json = format == .json
        let jsonLink = Link(rel: json ? "self" : "alternate", type: jsonType, title: title + " as JSON", href: href(nil, ["f": "json"]))
        let htmlLink = Link(rel: json ? "alternate" : "self", type: "text/html", title: title + " as HTML", href: href(nil, ["f": "html"]))
        return json ? [jsonLink, htmlLink] : [htmlLink, jsonLink]  // the document's own format first
    }

    /// FNV-1a over `version|path?query|format`, hashed piece by piece (no joined string per request).
    func etag(version: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for piece in [version, "|", path, "?", query.encoded(changing: [:]), "|", format.rawValue] {
            for b in piece.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        return "W/\"" + String(h, radix: 16) + "\""
    }
}

extension QueryParameters {
    static let empty = try! QueryParameters(nil)
}

enum Responses {
    static func json(_ object: Any, type: String = "application/json", etag: String? = nil, extra: HTTPFields = [:]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        var headers: HTTPFields = [.contentType: type]
        if let etag { headers[.eTag] = etag }
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func html(_ text: String, etag: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if let etag { headers[.eTag] = etag }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// 304 when the client already holds this version.
    /// 304 when If-None-Match holds `etag`, compared weakly as RFC 9110 §13.1.2 asks (`"x"` matches `W/"x"`); `vary`
    /// is what the full response would say (§15.4.5).
    static func notModified(_ request: Request, etag: String, vary: String? = nil) -> Response? {
        guard let held = request.headers[.ifNoneMatch] else { return nil }
        func opaque(_ tag: String) -> Substring { tag.hasPrefix("W/") ? tag.dropFirst(2) : tag[...] }
        let tags = held.split(separator: ",").map { opaque($0.trimmingCharacters(in: .whitespaces)) }
        guard tags.contains(opaque(etag)) || tags.contains("*") else { return nil }
        var headers: HTTPFields = [.eTag: etag]
        if let vary { headers[.vary] = vary }
        return Response(status: .notModified, headers: headers)
    }

    /// Whether an Accept-Encoding header takes gzip: named (or `*`) with a quality above 0 (RFC 9110 §12.5.3).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var any = false  // what `*` says, for codings not named
        for element in header.split(separator: ",") {
            let parts = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if coding == "gzip" || coding == "x-gzip" { return q > 0 }
            if coding == "*" { any = q > 0 }
        }
        return any
    }
}
