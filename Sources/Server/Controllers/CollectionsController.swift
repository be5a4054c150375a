import Foundation
import Hummingbird
import Registry

/// `/collections`, `/collections/{id}` and `/collections/{id}/queryables`: the layers, their extent, CRS and queryables.
struct CollectionsController<Context: RequestContext>: Sendable {
    let service: ServiceState

    func addRoutes(to router: Router<Context>) {
        router.get("/collections", use: list)
        router.get("/collections/:collectionId", use: one)
        router.get("/collections/:collectionId/queryables", use: queryables)
    }

    /// A collection's links: itself as JSON and HTML, its items in both, its queryables.
    func links(_ c: Collection, _ info: RequestContextInfo) -> [Link] {
        let path = "/collections/\(c.id)"
        return [
            Link(rel: "self", type: "application/json", title: c.title, href: info.href(path, ["f": "json"], keepQuery: false)),
            Link(rel: "alternate", type: "text/html", title: c.title + " as HTML", href: info.href(path, ["f": "html"], keepQuery: false)),
            Link(rel: "items", type: "application/geo+json", title: c.title + " (GeoJSON)", href: info.href(path + "/items", ["f": "json"], keepQuery: false)),
            Link(rel: "items", type: "text/html", title: c.title + " (HTML)", href: info.href(path + "/items", ["f": "html"], keepQuery: false)),
            Link(rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", type: "application/schema+json", title: "Queryables",
                 href: info.href(path + "/queryables", [:], keepQuery: false)),
        ]
    }

    func description(_ c: Collection, _ info: RequestContextInfo) -> [String: Any] {
        var d: [String: Any] = [
            "id": c.id, "title": c.title, "description": c.description, "itemType": "feature",
            "crs": ServerCRS.all.map(\.uri), "storageCrs": ServerCRS.crs84.uri,
            "links": links(c, info).map(\.object),
        ]
        var extent: [String: Any] = [:]
        if let e = c.reference == nil ? service.extent : c.spatialExtent {
            extent["spatial"] = ["bbox": [[e.minLon, e.minLat, e.maxLon, e.maxLat]], "crs": ServerCRS.crs84.uri]
        }
        if let t = c.temporalExtent {
            extent["temporal"] = ["interval": [[CollectionsController.dateTime(t.first, endOfDay: false),
                                                CollectionsController.dateTime(t.last, endOfDay: true)]],
                                  "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"]
        }
        if !extent.isEmpty { d["extent"] = extent }
        return d
    }

    /// An end of a temporal extent as Part 1's schema has it, an RFC 3339 date-time: a day from its first second
    /// (UTC, as `datetime` reads days) or to its last; a value that is not a day as it was stored; nil as null (open).
    static func dateTime(_ value: String?, endOfDay: Bool) -> Any {
        guard let value else { return NSNull() }
        guard value.utf8.count == 10, LocalDate(iso: value) != nil else { return value }
        return value + (endOfDay ? "T23:59:59Z" : "T00:00:00Z")
    }

    func list(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        let all = try await service.collections()
        let collections = all.map { description($0, info) }
        let links = info.selfLinks(title: "Collections")
        if info.format == .html {
            let rows = all.map { c in
                "<li><a href=\"/collections/\(c.id)?f=html\">\(HTMLPage.escape(c.title))</a>: \(HTMLPage.escape(c.description)) "
                    + "(<a href=\"/collections/\(c.id)/items?f=html\">items</a>)</li>"
            }.joined()
            return Responses.html(HTMLPage.page("Collections", "<ul>\(rows)</ul>", links: links))
        }
        return try Responses.json(["collections": collections, "links": links.map(\.object), "crs": ServerCRS.all.map(\.uri)])
    }

    func one(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        let c = try await service.collection(context.parameters.decoded("collectionId"))
        if info.format == .html {
            let props = c.properties.map { "<li>\(HTMLPage.escape($0.name)) (\($0.type.rawValue))</li>" }.joined()
            return Responses.html(HTMLPage.page(c.title, "<p>\(HTMLPage.escape(c.description))</p><h2>Properties</h2><ul>\(props)</ul>",
                                                links: links(c, info)))
        }
        return try Responses.json(description(c, info))
    }

    /// JSON Schema (2020-12) of what filters may name: the layer's properties and its geometry.
    func queryables(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        let c = try await service.collection(context.parameters.decoded("collectionId"))
        var properties: [String: Any] = [:]
        for p in c.properties {
            properties[p.name] = Collection.schema(p.type).merging(["title": p.name]) { $1 }
        }
        for name in Set(["geometry", c.reference?.geometryName ?? "geometry"]) {
            properties[name] = ["title": name, "format": c.geometryIsPoint ? "geometry-point" : "geometry-any"]
        }
        let schema: [String: Any] = [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": info.href("/collections/\(c.id)/queryables", [:], keepQuery: false),
            "type": "object", "title": c.title, "properties": properties, "additionalProperties": false,
        ]
        if info.format == .html {
            let rows = c.queryables.properties.map { "<li>\(HTMLPage.escape($0.name))</li>" }.joined()
            return Responses.html(HTMLPage.page("Queryables of \(c.title)", "<ul>\(rows)</ul>", links: info.selfLinks(title: "Queryables")))
        }
        return try Responses.json(schema, type: "application/schema+json")
    }
}
