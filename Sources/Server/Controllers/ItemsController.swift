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
        let collection = try await service.collection(context.parameters.decoded("collectionId"))
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
        let channel = try ByteChannel(gzip: gzip, clientTimeout: service.clientTimeout)
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
        if request.method == .head {
            // The length a GET would be sent, counted as the page goes by: Hummingbird's HEAD answer to a streamed
            // body says Content-Length 0.
            var length = 0
            do {
                try await ItemsController.forEachBuffer(of: channel) { length += $0.readableBytes }
            } catch {
                channel.cancel()
                throw error
            }
            headers[.contentLength] = String(length)
            return Response(status: .ok, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            do {
                try await ItemsController.forEachBuffer(of: channel) { try await writer.write($0) }
                try await writer.finish(nil)
            } catch {
                channel.cancel()
                throw error
            }
        })
    }

    /// Hands each buffer of a page after its first message to `body`, until the page ends.
    static func forEachBuffer(of channel: ByteChannel, _ body: (ByteBuffer) async throws -> Void) async throws {
        while true {
            switch await channel.next() {
            case .chunk(let buffer):
                try await body(buffer)
                channel.consumed()
            case .finished: return
            case .whole(let buffer): return try await body(buffer)  // only ever the first message
            case .failed(let error): throw error
            case .started: continue
            }
        }
    }

    func item(_ request: Request, context: Context) async throws -> Response {
        let info = try RequestContextInfo(request)
        let version = service.reader.version()
        let collection = try await service.collection(context.parameters.decoded("collectionId"), version: version)
        let idText = context.parameters.decoded("featureId")
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
