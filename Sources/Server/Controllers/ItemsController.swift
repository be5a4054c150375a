import Foundation
import HTTPTypes
import Hummingbird
import Output
import Registry

/// `/collections/{id}/items` and `/collections/{id}/items/{featureId}`: pages of features streamed from the query
/// layer's cursor into the response, with numberMatched from the count SQL and keyset cursors in the next links.
struct ItemsController<Context: RequestContext>: Sendable {
    let service: ServiceState
    /// Pages of this many features or more go gzipped to clients that accept it; smaller ones gain little.
    static var gzipFromLimit: Int { 100 }

    func addRoutes(to router: Router<Context>) {
        router.get("/collections/:collectionId/items", use: items)
        router.get("/collections/:collectionId/items/:featureId", use: item)
    }

    func items(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        let collection = try await service.collection(context.parameters.get("collectionId") ?? "")
        let today = service.today()
        var items = try ItemsRequest(collection, info.query, today: today)
        let version = service.reader.version()
        // A request without `datetime` reads the registry on today's date: a new day changes its features (wards,
        // states, days overdue) and its count, as a write does.
        let etag = info.etag(version: version + "|" + today.description)
        items.countKey = CountCache.key(version: version + "|" + today.description, collection: collection.id, query: info.query)
        items.version = version
        if let unchanged = Responses.notModified(request, etag: etag, vary: "Accept-Encoding") { return unchanged }
        let gzip = Responses.acceptsGzip(request.headers[.acceptEncoding]) && items.limit >= ItemsController.gzipFromLimit
        let channel = try ByteChannel(gzip: gzip)
        let service = self.service
        let html = info.format == .html
        let page = items
        let anchorKey = items.countKey + "|" + (info.query["sortby"] ?? "")
        service.threads.run {
            do {
                let page = try service.anchors.seek(page, key: anchorKey, service: service)
                if html {
                    try FeaturePage.writeHTML(page, service: service, info: info, to: channel)
                } else {
                    try FeaturePage.writeGeoJSON(page, service: service, info: info, to: channel)
                }
                try channel.close()
            } catch {
                channel.deliver(.failed(error))
            }
        }
        // The first message says whether the request was good (errors before the second chunk become a 400 or
        // 404), and holds the whole body when it fits in one chunk.
        let first = await channel.next()
        if case .failed(let error) = first { throw error }
        var headers: HTTPFields = [.contentType: html ? "text/html; charset=utf-8" : "application/geo+json", .eTag: etag]
        if !html { headers[HTTPField.Name("Content-Crs")!] = "<\(items.crs.uri)>" }
        if gzip { headers[.contentEncoding] = "gzip" }
        headers[.vary] = "Accept-Encoding"
        if case .whole(let body) = first { return Response(status: .ok, headers: headers, body: .init(byteBuffer: body)) }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            do {
                loop: while true {
                    switch await channel.next() {
                    case .chunk(let buffer):
                        try await writer.write(buffer)
                        channel.consumed()
                    case .finished: break loop
                    case .whole(let buffer):  // only ever the first message
                        try await writer.write(buffer)
                        break loop
                    case .failed(let error): throw error
                    case .started: continue
                    }
                }
                try await writer.finish(nil)
            } catch {
                channel.cancel()
                throw error
            }
        })
    }

    func item(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        let version = service.reader.version()
        let collection = try await service.collection(context.parameters.get("collectionId") ?? "", version: version)
        let idText = context.parameters.get("featureId") ?? ""
        guard let id = Int64(idText), id > 0 else {
            throw OGCError.invalid("featureId", idText, expected: "a feature id: a whole number from 1, as in the items' \"id\"")
        }
        for name in info.query.names where !["f", "crs", "datetime", "properties"].contains(name) {
            throw OGCError.invalid(name, info.query[name] ?? "", expected: "a parameter of a single feature: f, crs, datetime or properties")
        }
        let today = service.today()
        var items = try ItemsRequest(collection, info.query, today: today)
        items.selection.featureId = id
        items.selection.page = .all
        items.version = version
        let etag = info.etag(version: version + "|" + today.description)
        if let unchanged = Responses.notModified(request, etag: etag) { return unchanged }
        let service = self.service
        let request = items
        let bytes = try await service.threads.value { try FeaturePage.single(request, service: service, info: info, id: id) }
        if info.format == .html {
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .eTag: etag], body: .init(byteBuffer: bytes))
        }
        return Response(status: .ok, headers: [.contentType: "application/geo+json", .eTag: etag, HTTPField.Name("Content-Crs")!: "<\(items.crs.uri)>"],
                        body: .init(byteBuffer: bytes))
    }
}
