import Foundation
import Testing

/// Responses framed for the request they answer, read over raw sockets (URLSession speaks HTTP/1.1 only and would
/// not send a request line NIO cannot parse).
@Suite struct HTTPFramingTests {
    /// A page over 256 KiB goes out in chunks to an HTTP/1.1 client. An HTTP/1.0 client cannot read chunks (RFC 9112
    /// forbids sending it them): it gets an HTTP/1.0 answer whose body ends when the server ends the connection, and
    /// the same features.
    @Test func anHTTP10ClientReadsAStreamedPage() async throws {
        let s = try await TestServer.shared.value
        let path = "/collections/units/items?limit=2000"
        let old = try await rawExchange(port: s.port, "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        let head = old.head.lowercased()
        #expect(old.closed, "the server did not end the connection: \(old.head)")
        #expect(old.head.hasPrefix("HTTP/1.0 200"), "\(old.head)")
        #expect(!head.contains("transfer-encoding") && head.contains("connection: close"), "\(old.head)")
        let page = try JSONSerialization.jsonObject(with: Data(old.body)) as? [String: Any]
        let ids = (page?["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(ids.count == 2000)

        let current = try await get(s.base + path)
        #expect((current.json["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int } == ids)
        // An HTTP/1.1 client still gets chunks: only the older protocol is framed otherwise.
        let chunked = try await rawExchange(port: s.port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(chunked.head.hasPrefix("HTTP/1.1 200") && chunked.head.lowercased().contains("transfer-encoding: chunked"), "\(chunked.head)")
    }

    /// HTTP/1.0 keeps a connection only when asked and when the body's length is known; the last answer ends it.
    @Test func anHTTP10ConnectionIsKeptOnlyWhenAsked() async throws {
        let s = try await TestServer.shared.value
        let two = "GET /conformance HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
            + "GET /conformance HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        let r = try await rawExchange(port: s.port, two)
        let all = (r.head + "\r\n\r\n" + String(decoding: r.body, as: UTF8.self)).lowercased()
        #expect(r.closed, "the server did not end the connection after the second answer")
        #expect(all.components(separatedBy: "http/1.0 200").count - 1 == 2, "\(all.prefix(600))")
        #expect(r.head.lowercased().contains("connection: keep-alive") && r.head.lowercased().contains("content-length"), "\(r.head)")
        #expect(all.components(separatedBy: "connection: close").count - 1 == 1, "\(all.prefix(600))")
    }

    /// A request NIO cannot read (a URL past the 80 KiB of request line and headers it reads, a line that is not
    /// HTTP) gets a 400 that says why, in an OGC exception body, not an empty one.
    @Test func anUnreadableRequestGetsAnExceptionBody() async throws {
        let s = try await TestServer.shared.value
        let before = try s.fileDigest()
        let long = "/collections/units/items?q=" + String(repeating: "a", count: 100_000)
        for (request, says) in [("GET \(long) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "80 KiB"), ("NOT HTTP AT ALL\r\n\r\n", "HTTP/1.1")] {
            let r = try await rawExchange(port: s.port, request)
            #expect(r.head.hasPrefix("HTTP/1.1 400"), "\(r.head)")
            #expect(r.head.lowercased().contains("application/json"), "\(r.head)")
            let body = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: String]
            #expect(body?["code"] == "InvalidRequest" && body?["description"]?.contains(says) == true, "\(String(decoding: r.body, as: UTF8.self))")
        }
        #expect(try s.fileDigest() == before)
    }
}
