import Foundation
import GeoJSON

/// A problem in a stops file, named by feature and property.
public struct StopsFileError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var feature: Int?
    public var line: Int?
    public var field: String?
    public var value: String?
    public var expected: String

    public init(file: String, feature: Int? = nil, line: Int? = nil, field: String? = nil, value: String? = nil, expected: String) {
        self.file = file
        self.feature = feature
        self.line = line
        self.field = field
        self.value = value
        self.expected = expected
    }

    public var description: String {
        var where_ = file
        if let line { where_ += " line \(line)" }
        if let feature { where_ += " feature \(feature)" }
        var text = where_ + ":"
        if let field { text += " field \(field):" }
        if let value { text += " \"\(value)\":" }
        return text + " expected \(expected)"
    }
}

/// Reads the stops of `econgis route`: GeoJSON Point features, with optional properties `id` (else the
/// feature id or its position), `name`, `service_min`, `open`, `close` ("HH:MM") and `priority`.
public enum StopsFile {
    public static func read(_ data: Data, file: String, defaultServiceMinutes: Double) throws -> [RoutingStop] {
        let reader: GeoJSONReader
        do { reader = try GeoJSONReader(data: data) } catch {
            throw StopsFileError(file: file, expected: "GeoJSON (a FeatureCollection or one feature per line): \(error.message)")
        }
        if let crs = reader.declaredCRS, crs != "OGC:CRS84", crs != "EPSG:4326" {
            throw StopsFileError(file: file, field: "crs", value: crs, expected: "WGS 84 longitude/latitude (reproject with ogr2ogr -t_srs EPSG:4326)")
        }
        var stops: [RoutingStop] = []
        var ids = Set<String>()
        for item in reader {
            func fail(_ field: String?, _ value: String?, _ expected: String) -> StopsFileError {
                StopsFileError(file: file, feature: item.index, line: item.line, field: field, value: value, expected: expected)
            }
            let feature: Feature
            switch item.result {
            case .failure(let e): throw fail(nil, nil, "a GeoJSON feature: \(e.message)")
            case .success(let f): feature = f
            }
            var coordinate: Coordinate?
            switch feature.geometry {
            case .point(let p)?:
                guard (-180...180).contains(p.x), (-90...90).contains(p.y) else {
                    throw fail("geometry", "\(p.x), \(p.y)", "WGS 84 longitude -180..180 and latitude -90..90")
                }
                coordinate = Coordinate(lon: p.x, lat: p.y)
            case nil: coordinate = nil // returned as unassigned: no coordinates
            case let g?: throw fail("geometry", g.typeName, "a Point")
            }
            let id: String
            switch (feature[property: "id"], feature.id) {
            case (let v?, _) where v.text != nil: id = v.text!
            case (_, .string(let s)?): id = s
            case (_, .number(let n)?): id = JSONValue.format(n)
            default: id = String(item.index)
            }
            guard ids.insert(id).inserted else { throw fail("id", id, "an id that appears once in the file") }
            func number(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
                guard let v = feature[property: key], v != .null else { return nil }
                guard let d = v.doubleValue, range.contains(d) else {
                    throw fail(key, v.text, "a number from \(JSONValue.format(range.lowerBound)) to \(JSONValue.format(range.upperBound))")
                }
                return d
            }
            func time(_ key: String) throws -> Double? {
                guard let v = feature[property: key], v != .null else { return nil }
                guard let text = v.text, let t = Clock.seconds(text) else { throw fail(key, v.text, "a time of day HH:MM, e.g. 08:00") }
                return t
            }
            let service = try number("service_min", 0...1440) ?? defaultServiceMinutes
            let priority = try number("priority", 0...1e9) ?? 1
            let open = try time("open"), close = try time("close")
            var windows: [TimeWindow] = []
            if open != nil || close != nil {
                let o = open ?? 0, c = close ?? 24 * 3600
                guard o < c else { throw fail("close", feature[property: "close"]?.text, "a time after open (\(Clock.text(o)))") }
                windows = [TimeWindow(start: o, end: c)]
            }
            let name = feature[property: "name"]
            switch name {
            case .array?, .object?: throw fail("name", name?.text.map { String($0.prefix(40)) }, "a text")
            default: break
            }
            stops.append(RoutingStop(id: id, name: name?.text, coordinate: coordinate, serviceSeconds: service * 60, windows: windows,
                                     priority: priority))
        }
        return stops
    }
}

/// The JSON and GeoJSON forms of a solution, as `econgis route` and `econgis plan` print them.
public enum RouteOutput {
    /// `{"routes":[{"team":1,"stops":[{"id":…,"seq":1,"lon":…,"lat":…,"arrival":"08:05","departure":"08:50"}],
    /// "distance_m":…,"duration_s":…}],"unassigned":[{"id":…,"reason":…}],"total_distance_m":…}`
    public static func json(_ s: RoutingSolution, _ p: RoutingProblem, extra: (Int) -> [(String, JSONValue)] = { _ in [] }) -> JSONValue {
        let routes: [JSONValue] = s.routes.map { r in
            .object([
                ("team", .int(r.team)),
                ("stops", .array(r.visits.enumerated().map { (k, v) in
                    let stop = p.stops[v.stop]
                    return .object([
                        ("id", .string(stop.id)), ("seq", .int(k + 1)),
                        ("lon", stop.coordinate.map { .double($0.lon) } ?? .null), ("lat", stop.coordinate.map { .double($0.lat) } ?? .null),
                        ("arrival", .string(Clock.text(v.arrival))), ("start", .string(Clock.text(v.start))),
                        ("departure", .string(Clock.text(v.departure))),
                    ] + extra(v.stop))
                })),
                ("distance_m", .double(rounded(r.distance))),
                ("duration_s", .double(r.duration.rounded())),
                ("leave", .string(Clock.text(r.leaveAt))), ("return", .string(Clock.text(r.returnAt))),
            ])
        }
        let unassigned: [JSONValue] = s.unassigned.map { u in
            .object([("id", .string(p.stops[u.stop].id)), ("reason", .string(u.reason.description)), ("code", .string(u.reason.code))]
                    + extra(u.stop))
        }
        return .object([
            ("routes", .array(routes)), ("unassigned", .array(unassigned)),
            ("total_distance_m", .double(rounded(s.totalDistance))),
        ])
    }

    /// Stops as points (`team`, `seq`, `arrival`, …) and each route as a LineString from start to end.
    public static func features(_ s: RoutingSolution, _ p: RoutingProblem, extra: (Int) -> [(String, JSONValue)] = { _ in [] }) -> [Feature] {
        var features: [Feature] = []
        for r in s.routes where !r.visits.isEmpty {
            let line = ([p.start] + r.visits.map { p.stops[$0.stop].coordinate } + [p.end]).compactMap { $0 }
            features.append(Feature(
                id: .string("route-\(r.team)"), geometry: line.count >= 2 ? .lineString(line.map { Position($0.lon, $0.lat) }) : nil,
                properties: [("kind", "route"), ("team", .int(r.team)), ("stops", .int(r.visits.count)),
                             ("distance_m", .double(rounded(r.distance))), ("duration_s", .double(r.duration.rounded())),
                             ("leave", .string(Clock.text(r.leaveAt))), ("return", .string(Clock.text(r.returnAt)))]))
            for (k, v) in r.visits.enumerated() {
                let stop = p.stops[v.stop]
                features.append(Feature(
                    id: .string(stop.id), geometry: stop.coordinate.map { .point(Position($0.lon, $0.lat)) },
                    properties: [("kind", "stop"), ("id", .string(stop.id)), ("team", .int(r.team)), ("seq", .int(k + 1)),
                                 ("arrival", .string(Clock.text(v.arrival))), ("start", .string(Clock.text(v.start))),
                                 ("departure", .string(Clock.text(v.departure)))] + extra(v.stop)))
            }
        }
        for u in s.unassigned {
            let stop = p.stops[u.stop]
            features.append(Feature(
                id: .string(stop.id), geometry: stop.coordinate.map { .point(Position($0.lon, $0.lat)) },
                properties: [("kind", "unassigned"), ("id", .string(stop.id)), ("reason", .string(u.reason.description)),
                             ("code", .string(u.reason.code))] + extra(u.stop)))
        }
        return features
    }

    static func rounded(_ v: Double) -> Double { (v * 10).rounded() / 10 }
}
