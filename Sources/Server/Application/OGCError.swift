import CQL2
import Foundation
import Hummingbird
import Registry

/// A refused request with its HTTP status and the OGC exception code (`InvalidParameterValue`, `NotFound`, …).
public struct OGCError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var description: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ description: String) {
        self.status = status
        self.code = code
        self.description = description
    }

    /// A query parameter with a value the server cannot use.
    static func invalid(_ parameter: String, _ value: String, expected: String) -> OGCError {
        let shown = value.count > 200 ? String(value.prefix(200)) + "…" : value
        return OGCError(.badRequest, "InvalidParameterValue", "\(parameter): \"\(shown)\": \(expected)")
    }

    static func notFound(_ what: String) -> OGCError { OGCError(.notFound, "NotFound", what) }

    /// The library errors in HTTP terms: bad values are the client's (400), missing things 404, the rest ours (500).
    static func from(_ error: any Error) -> OGCError {
        switch error {
        case let e as OGCError: return e
        case let e as CQL2Error: return OGCError(.badRequest, "InvalidParameterValue", "filter: \(e.description)")
        case let e as RegistryError:
            // The library's name for the text search is the server's `q`.
            if case .invalidArgument(field: "search", let value, let expected) = e { return invalid("q", value, expected: expected) }
            switch e.kind {
            case .invalidInput: return OGCError(.badRequest, "InvalidParameterValue", e.description)
            case .notFound: return OGCError(.notFound, "NotFound", e.description)
            case .conflict:
                if case .busy = e { return OGCError(.serviceUnavailable, "ServiceUnavailable", e.description) }
                return OGCError(.conflict, "Conflict", e.description)
            case .internal: return OGCError(.internalServerError, "ServerError", e.description)
            }
        case let e as HTTPError:
            return OGCError(e.status, e.status == .notFound ? "NotFound" : "InvalidRequest", e.body ?? e.status.reasonPhrase)
        default: return OGCError(.internalServerError, "ServerError", "\(error)")
        }
    }

    /// `{"code": …, "description": …}` as OGC API – Features' exception schema has it.
    var body: Data {
        (try? JSONSerialization.data(withJSONObject: ["code": code, "description": description], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    var response: Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns every error a handler throws into an OGC exception response, so no request ends without a body
/// that says what was wrong with which parameter.
struct OGCErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            // The API is read-only: every resource answers GET (and HEAD); CORS answers a preflight OPTIONS before this.
            guard request.method == .get || request.method == .head else {
                throw OGCError(.methodNotAllowed, "MethodNotAllowed", "\(request.method.rawValue) \(request.uri.path): this API only reads (GET)")
            }
            return try await next(request, context)
        } catch {
            let ogc = OGCError.from(error)
            if ogc.status.code >= 500 { context.logger.error("\(request.uri): \(ogc.description)") }
            var response = ogc.response
            if ogc.status == .methodNotAllowed { response.headers[.allow] = "GET, HEAD" }
            return response
        }
    }
}

