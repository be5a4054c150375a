import Hummingbird

/// Headers every response carries: `Vary: Accept`, since without `f` the Accept header chooses HTML or JSON (a shared
/// cache must not hand one to a client that asked for the other), and for a cross-origin request
/// `Access-Control-Expose-Headers`, so that a browser's script may read the CRS, the ETag and the links (Hummingbird's
/// CORSMiddleware puts that header on preflight answers only, where the Fetch standard reads it from the response).
struct CommonHeaders<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[values: .vary].insert("Accept", at: 0)
        if request.headers.contains(.origin) {
            response.headers[.accessControlExposeHeaders] = CrossOrigin.exposedHeaders.joined(separator: ", ")
        }
        return response
    }
}

enum CrossOrigin {
    /// The response headers a browser's script may read.
    static let exposedHeaders = ["ETag", "Content-Crs", "Link"]
}
