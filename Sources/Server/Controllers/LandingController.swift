import CQL2
import Hummingbird

/// `/`, `/conformance` and `/api`: what the service is, which standards' parts it meets, and its OpenAPI document.
struct LandingController<Context: RequestContext>: Sendable {
    let service: ServiceState

    /// The conformance classes: Part 1 Core with GeoJSON, HTML and OpenAPI 3.0, Part 2 CRS, Part 3 filtering, and the
    /// CQL2 classes the CQL2 target translates and runs on SpatiaLite.
    static var conformance: [String] {
        let features = "http://www.opengis.net/spec/ogcapi-features"
        return [
            "\(features)-1/1.0/conf/core", "\(features)-1/1.0/conf/geojson", "\(features)-1/1.0/conf/html",
            "\(features)-1/1.0/conf/oas30", "\(features)-2/1.0/conf/crs",
            "\(features)-3/1.0/conf/queryables", "\(features)-3/1.0/conf/queryables-query-parameters",
            "\(features)-3/1.0/conf/filter", "\(features)-3/1.0/conf/features-filter",
        ] + CQL2Conformance.classes
    }

    func addRoutes(to router: Router<Context>) {
        router.get("/", use: landing)
        router.get("/conformance", use: conformance)
        router.get("/api", use: api)
    }

    func landing(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        var links = info.selfLinks(title: "This document")
        links += [
            Link(rel: "service-desc", type: "application/vnd.oai.openapi+json;version=3.0", title: "The API definition (OpenAPI 3.0)",
                 href: info.href("/api", [:], keepQuery: false)),
            Link(rel: "conformance", type: "application/json", title: "Conformance classes", href: info.href("/conformance", [:], keepQuery: false)),
            Link(rel: "data", type: "application/json", title: "Collections", href: info.href("/collections", [:], keepQuery: false)),
        ]
        let title = "EconGIS registry", description = "Economic units, markets, measuring instruments, wards and inspections of the ward economic offices (OGC API – Features)."
        if info.format == .html {
            return Responses.html(HTMLPage.page(title, "<p>\(HTMLPage.escape(description))</p>", links: links))
        }
        return try Responses.json(["title": title, "description": description, "links": links.map(\.object)])
    }

    func conformance(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        let classes = LandingController.conformance
        if info.format == .html {
            let list = "<ul>" + classes.map { "<li>\(HTMLPage.escape($0))</li>" }.joined() + "</ul>"
            return Responses.html(HTMLPage.page("Conformance", list, links: info.selfLinks(title: "Conformance")))
        }
        return try Responses.json(["conformsTo": classes, "links": info.selfLinks(title: "Conformance").map(\.object)])
    }

    func api(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        let document = OpenAPIDocument.make(serverURL: info.base, collections: try await service.collections())
        if info.format == .html {
            return Responses.html(HTMLPage.page("API definition", "<p>The OpenAPI 3.0 document of this service is at <a href=\"/api?f=json\">/api?f=json</a>.</p>",
                                                links: info.selfLinks(title: "API definition")))
        }
        return try Responses.json(document, type: "application/vnd.oai.openapi+json;version=3.0")
    }
}
