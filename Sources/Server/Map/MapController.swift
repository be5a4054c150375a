import Foundation
import GeoJSON
import Hummingbird
import Inspections
import Output
import Planning
import Registry

/// `/map`: the office's map page, the Leaflet files it loads, and the three things the OGC collections do not
/// carry: unit counts per grid cell at city scale, ward shares of overdue instruments, and a day's inspection plan.
struct MapController<Context: RequestContext>: Sendable {
    let service: ServiceState
    let settings: MapSettings
    let gridCache = UnitGridCache()
    /// The ward shading's answers (JSON), per database version and date.
    let shareCache = VersionedCounts<String>()
    /// The page never asks for more units than this at once; above it the view is shown as grid counts.
    static var maxFeatures: Int { 5000 }

    func addRoutes(to router: Hummingbird.Router<Context>) {
        let files = LeafletFiles(directory: settings.leafletDirectory)
        router.get("/map", use: page)
        router.get("/map/leaflet/:file") { _, context in try files.response(context.parameters.get("file") ?? "") }
        router.get("/map/leaflet/images/:file") { _, context in try files.response("images/" + (context.parameters.get("file") ?? "")) }
        router.get("/map/grid", use: grid)
        router.get("/map/ward-shares", use: wardShares)
        router.get("/map/plan", use: plan)
        router.get("/map/unit-wards", use: unitWards)
        // Today's fine grid and ward shading are counted as the server starts, so the page's first views do not wait
        // for them; in the background, so requests that come meanwhile are not slowed by them.
        let cache = gridCache, shares = shareCache, store = service.reader.store, today = service.today(), version = service.reader.version()
        service.background.run { _ = try? cache.fineGrid(filter: UnitFilter(asOf: today), version: version, counts: UnitGridCounts(store: store)) }
        service.background.run { _ = try? MapController.wardShares(on: today, version: version, store: store, cache: shares) }
    }

    func page(_ request: Request, context: Context) async throws -> Response {
        if let missing = LeafletFiles(directory: settings.leafletDirectory).missing {
            var response = Responses.html(HTMLPage.page("EconGIS map unavailable", "<p>\(HTMLPage.escape(missing))</p>", links: []))
            response.status = .serviceUnavailable
            return response
        }
        let extent = service.extent.map { JSONValue.array([.double($0.minLon), .double($0.minLat), .double($0.maxLon), .double($0.maxLat)]) }
        let config: JSONValue = .object([
            ("tiles", settings.tiles.map(JSONValue.string) ?? .null),
            ("attribution", settings.attribution.map(JSONValue.string) ?? .null),
            ("today", .string(service.today().description)),
            ("maxFeatures", .int(MapController.maxFeatures)),
            ("extent", extent ?? .null),
        ])
        return Responses.html(MapPage.html(config: JSONText.encode(config)))
    }

    /// `?bbox=minLon,minLat,maxLon,maxLat&cells=COLSxROWS&datetime=&kind=`: unit counts per cell.
    func grid(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request.uri.query)
        try MapController.allow(query, ["bbox", "cells", "datetime", "kind"])
        guard let bboxText = query["bbox"] else { throw OGCError.invalid("bbox", "", expected: "minLon,minLat,maxLon,maxLat of the view") }
        let n = bboxText.split(separator: ",").compactMap { Double($0) }
        guard n.count == 4, let box = try? BoundingBox(minLon: n[0], minLat: n[1], maxLon: n[2], maxLat: n[3]) else {
            throw OGCError.invalid("bbox", bboxText, expected: "four numbers minLon,minLat,maxLon,maxLat in WGS 84 degrees, min <= max")
        }
        let cellsText = query["cells"] ?? "16x12"
        let c = cellsText.split(separator: "x").compactMap { Int($0) }
        guard c.count == 2, (1...256).contains(c[0]), (1...256).contains(c[1]) else {
            throw OGCError.invalid("cells", cellsText, expected: "COLUMNSxROWS, each 1 to 256, e.g. 16x12")
        }
        var filter = UnitFilter(asOf: try query["datetime"].map(ItemsRequest.date) ?? service.today())
        filter.kinds = try MapController.kinds(query["kind"])
        let store = service.reader.store, units = filter, cache = gridCache, version = service.reader.version()
        let g = try await service.threads.value {
            try cache.grid(box, columns: c[0], rows: c[1], filter: units, version: version, counts: UnitGridCounts(store: store))
        }
        let cells: [[Any]] = g.cells.map { [$0.lon, $0.lat, $0.count] }
        return try Responses.json(["total": g.total, "columns": g.columns, "rows": g.rows, "cells": cells])
    }

    /// `?datetime=`: each ward's unit count and its instruments by verification state on that date, counted once
    /// per database version and date (today's as the server starts): a million units take a pass of the index.
    func wardShares(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request.uri.query)
        try MapController.allow(query, ["datetime"])
        let date = try query["datetime"].map(ItemsRequest.date) ?? service.today()
        let store = service.reader.store, cache = shareCache, version = service.reader.version()
        let body = try await service.threads.value { try MapController.wardShares(on: date, version: version, store: store, cache: cache) }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The ward shading's JSON for `date`, from `cache` or counted now.
    static func wardShares(on date: LocalDate, version: String, store: RegistryStore, cache: VersionedCounts<String>) throws -> String {
        try cache.value(version: version, key: date.description) {
            let rows: [JSONValue] = try DueList(store: store).wardShades(on: date).map { w in
                let s = w.instruments
                return .object([
                    ("code", .string(w.ward.code)), ("name", .string(w.ward.name)), ("units", .int(w.units)),
                    ("instruments", .int(s.instruments)), ("expired", .int(s.expired)), ("due", .int(s.due)), ("unknown", .int(s.unknown)),
                    ("overdue_share", .double((s.overdueShare * 1000).rounded() / 1000)),
                ])
            }
            return JSONText.encode(.object([("date", .string(date.description)), ("wards", .array(rows))]))
        }
    }

    /// `?id=`: the unit's ward in each period of wards, oldest first (the popup's "ward then and now").
    func unitWards(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request.uri.query)
        try MapController.allow(query, ["id"])
        let idText = query["id"] ?? ""
        guard let id = Int64(idText), id > 0 else { throw OGCError.invalid("id", idText, expected: "a unit's feature id: a whole number from 1") }
        let store = service.reader.store
        let periods = try await service.threads.value { try UnitQuery(store: store).wardPeriods(unitId: id) }
        guard let periods else { throw OGCError.notFound("no unit with id \(id)") }
        let rows: [JSONValue] = periods.map { p in
            .object([("from", .string(p.from.description)), ("to", p.to.map { .string($0.description) } ?? .null),
                     ("code", p.wardCode.map(JSONValue.string) ?? .null), ("name", p.wardName.map(JSONValue.string) ?? .null)])
        }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: JSONText.encode(.object([("id", .int(Int(id))), ("periods", .array(rows))])))))
    }

    /// `?ward=CODE&date=&teams=&rounds=`: the same planner call as `econgis plan --seed 1 [--rounds N]`, as its JSON plus
    /// the ward, the date and where the teams start.
    func plan(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request.uri.query)
        try MapController.allow(query, ["ward", "date", "teams", "rounds"])
        guard let ward = query["ward"], !ward.isEmpty else { throw OGCError.invalid("ward", "", expected: "a ward code valid on the date") }
        var planRequest = PlanRequest(wardCode: ward, date: try query["date"].map(ItemsRequest.date) ?? service.today())
        if let t = query["teams"] {
            guard let teams = Int(t), (1...20).contains(teams) else { throw OGCError.invalid("teams", t, expected: "a number of teams from 1 to 20") }
            planRequest.teams = teams
        }
        if let r = query["rounds"] {
            guard let rounds = Int(r), (1...100_000).contains(rounds) else {
                throw OGCError.invalid("rounds", r, expected: "improvement rounds of the optimiser, 1 to 100000 (default 2000, as econgis plan --seed 1)")
            }
            planRequest.solver = .reproducible(seed: 1, rounds: rounds)
        }
        let store = service.reader.store, request = planRequest
        let body = try await service.threads.value {
            let plan = try InspectionPlanner(store: store).plan(request)
            let start = plan.problem.start.map { JSONValue.array([.double($0.lon), .double($0.lat)]) } ?? .null
            return JSONText.encode(.object([
                ("ward", .object([("code", .string(plan.ward.code)), ("name", .string(plan.ward.name))])),
                ("date", .string(plan.date.description)), ("teams", .int(request.teams)), ("start", start),
                ("candidates", .int(plan.scored)), ("not_considered", .int(plan.notConsidered)),
                ("plan", RouteOutput.json(plan.solution, plan.problem, extra: plan.details)),
            ]))
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func allow(_ query: QueryParameters, _ names: Set<String>) throws {
        for name in query.names where !names.contains(name) {
            throw OGCError.invalid(name, query[name] ?? "", expected: "one of the parameters " + names.sorted().joined(separator: ", "))
        }
    }

    static func kinds(_ text: String?) throws -> [UnitKind] {
        guard let text, !text.isEmpty else { return [] }
        return try text.split(separator: ",").map { v in
            guard let k = UnitKind(rawValue: String(v)) else {
                throw OGCError.invalid("kind", String(v), expected: "one of " + UnitKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return k
        }
    }
}
