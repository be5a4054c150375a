import Foundation

/// Reads features from GeoJSON text: a FeatureCollection, a single Feature, or newline-delimited
/// GeoJSON (GeoJSONSeq, RFC 8142, with or without the RS separator). Features are decoded one at a
/// time, so memory stays near the size of the file however many features it has.
public struct GeoJSONReader: Sequence {
    /// A feature, or the reason it could not be read, with its 1-based position in the file.
    public struct Item {
        /// 1-based index of the feature in the file.
        public var index: Int
        /// 1-based line where the feature starts.
        public var line: Int
        public var result: Result<Feature, GeoJSONError>
    }

    /// The coordinate reference system named by a top-level `crs` member (GeoJSON 2008), e.g. "EPSG:3405".
    public private(set) var declaredCRS: String?
    private let bytes: [UInt8]
    private let spans: [(start: Int, end: Int, line: Int)]

    /// Reads `data`. Throws when the text is not a FeatureCollection, a Feature or GeoJSONSeq.
    public init(data: Data) throws(GeoJSONError) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        var scanner = Scanner(bytes: bytes)
        let (spans, crs) = try scanner.featureSpans()
        self.spans = spans
        if let crs {
            self.declaredCRS = GeoJSONReader.crsName(crs)
        }
    }

    public func makeIterator() -> AnyIterator<Item> {
        var i = 0
        return AnyIterator {
            guard i < spans.count else { return nil }
            defer { i += 1 }
            let span = spans[i]
            let result: Result<Feature, GeoJSONError>
            do throws(GeoJSONError) {
                let value = try JSONText.decode(bytes[span.start..<span.end])
                result = .success(try GeoJSONDecoding.feature(value))
            } catch {
                result = .failure(error)
            }
            return Item(index: i + 1, line: span.line, result: result)
        }
    }

    public var count: Int { spans.count }

    /// "EPSG:3405" from the names GDAL and others write ("urn:ogc:def:crs:EPSG::3405", "EPSG:3405").
    static func crsName(_ crs: JSONValue) -> String? {
        guard case .string(let name)? = crs["properties"]?["name"] else { return nil }
        if name.hasSuffix("CRS84") { return "OGC:CRS84" }
        let parts = name.split(separator: ":", omittingEmptySubsequences: true)
        if let epsg = parts.firstIndex(where: { $0.uppercased() == "EPSG" }), let code = parts.last, code != parts[epsg] {
            return "EPSG:\(code)"
        }
        return name
    }
}

/// Finds where each feature's text starts and ends without decoding the rest of the file.
private struct Scanner {
    let bytes: [UInt8]
    var pos = 0
    var line = 1

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x0A: line += 1; pos += 1
            case 0x20, 0x09, 0x0D, 0x1E: pos += 1 // 0x1E: RFC 8142 record separator
            default: return
            }
        }
    }

    /// Skips one JSON value, returning where it started.
    mutating func skipValue() throws(GeoJSONError) -> Int {
        skipSpace()
        let start = pos
        guard pos < bytes.count else { throw GeoJSONError("unexpected end of file at line \(line)") }
        var depth = 0
        var inString = false
        while pos < bytes.count {
            let b = bytes[pos]
            if inString {
                if b == 0x5C { pos += 2; continue } // backslash escape
                if b == 0x22 { inString = false }
                if b == 0x0A { line += 1 }
                pos += 1
                if !inString && depth == 0 { return start }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D:
                if depth == 0 { return start } // ends a bare number or literal inside its container
                depth -= 1
                if depth == 0 { pos += 1; return start }
            case 0x2C where depth == 0: return start
            case 0x0A:
                line += 1
                if depth == 0 { return start }
            default: break
            }
            pos += 1
        }
        if depth != 0 || inString { throw GeoJSONError("unexpected end of file inside a value that starts at line \(line)") }
        return start
    }

    mutating func readString() throws(GeoJSONError) -> String {
        skipSpace()
        let start = try skipValue()
        guard bytes[start] == 0x22, case .string(let s) = try JSONText.decode(bytes[start..<pos]) else {
            throw GeoJSONError("expected a member name at line \(line)")
        }
        return s
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(GeoJSONError) {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == byte else {
            throw GeoJSONError("expected \(what) at line \(line)")
        }
        pos += 1
    }

    mutating func featureSpans() throws(GeoJSONError) -> ([(start: Int, end: Int, line: Int)], JSONValue?) {
        skipSpace()
        guard pos < bytes.count else { throw GeoJSONError("the file is empty") }
        guard bytes[pos] == 0x7B else { throw GeoJSONError("expected a JSON object at line \(line)") }
        // Peek the first object's "type" to tell a FeatureCollection from a sequence of features.
        let firstLine = line
        let firstStart = try skipValue()
        let firstEnd = pos
        skipSpace()
        if pos < bytes.count {
            // More text after the first object: newline-delimited features.
            var spans = [(start: firstStart, end: firstEnd, line: firstLine)]
            while true {
                skipSpace()
                if pos >= bytes.count { break }
                let l = line
                let s = try skipValue()
                spans.append((s, pos, l))
            }
            return (spans, nil)
        }
        // A single object: a FeatureCollection or one Feature.
        pos = firstStart
        line = firstLine
        try expect(0x7B, "{")
        var type: String?
        var crs: JSONValue?
        var spans: [(start: Int, end: Int, line: Int)]?
        skipSpace()
        if pos < bytes.count, bytes[pos] == 0x7D { throw GeoJSONError("the top-level object is empty") }
        while true {
            let key = try readString()
            try expect(0x3A, ":")
            skipSpace()
            if key == "features" {
                try expect(0x5B, "[ after \"features\"")
                var items: [(start: Int, end: Int, line: Int)] = []
                skipSpace()
                if pos < bytes.count, bytes[pos] == 0x5D {
                    pos += 1
                } else {
                    while true {
                        skipSpace()
                        let l = line
                        let s = try skipValue()
                        items.append((s, pos, l))
                        skipSpace()
                        guard pos < bytes.count else { throw GeoJSONError("unexpected end of file in \"features\"") }
                        if bytes[pos] == 0x2C { pos += 1; continue }
                        if bytes[pos] == 0x5D { pos += 1; break }
                        throw GeoJSONError("expected , or ] between features at line \(line)")
                    }
                }
                spans = items
            } else {
                let s = try skipValue()
                let value = try JSONText.decode(bytes[s..<pos])
                if key == "type", case .string(let t) = value { type = t }
                if key == "crs" { crs = value }
            }
            skipSpace()
            guard pos < bytes.count else { throw GeoJSONError("unexpected end of file in the top-level object") }
            if bytes[pos] == 0x2C { pos += 1; continue }
            if bytes[pos] == 0x7D { pos += 1; break }
            throw GeoJSONError("expected , or } at line \(line)")
        }
        switch type {
        case "FeatureCollection":
            guard let spans else { throw GeoJSONError("the FeatureCollection has no \"features\" member") }
            return (spans, crs)
        case "Feature":
            return ([(firstStart, firstEnd, firstLine)], crs)
        case let other:
            throw GeoJSONError("expected a FeatureCollection, a Feature or newline-delimited features, got type \(other.map { "\"\($0)\"" } ?? "none")")
        }
    }
}

/// Turns decoded JSON into features and geometries, naming what is wrong when it is not valid GeoJSON.
public enum GeoJSONDecoding {
    public static func feature(_ value: JSONValue) throws(GeoJSONError) -> Feature {
        guard case .object = value else { throw GeoJSONError("a feature must be a JSON object") }
        guard case .string("Feature")? = value["type"] else {
            throw GeoJSONError("expected \"type\": \"Feature\", got \(value["type"].map(JSONText.encode) ?? "no type")")
        }
        var id: FeatureID?
        switch value["id"] {
        case .string(let s)?: id = .string(s)
        case .int(let i)?: id = .number(Double(i))
        case .double(let d)?: id = .number(d)
        case nil, .null?: id = nil
        default: throw GeoJSONError("a feature id must be a string or a number")
        }
        var properties: [(String, JSONValue)] = []
        switch value["properties"] {
        case .object(let members)?: properties = members
        case nil, .null?: break
        default: throw GeoJSONError("\"properties\" must be an object or null")
        }
        let geometry: Geometry?
        switch value["geometry"] {
        case nil, .null?: geometry = nil
        case let g?: geometry = try self.geometry(g)
        }
        return Feature(id: id, geometry: geometry, properties: properties)
    }

    public static func geometry(_ value: JSONValue) throws(GeoJSONError) -> Geometry {
        guard case .string(let type)? = value["type"] else { throw GeoJSONError("a geometry needs a \"type\"") }
        if type == "GeometryCollection" {
            guard case .array(let items)? = value["geometries"] else {
                throw GeoJSONError("a GeometryCollection needs \"geometries\"")
            }
            var gs: [Geometry] = []
            for item in items { gs.append(try geometry(item)) }
            return .geometryCollection(gs)
        }
        guard let coords = value["coordinates"] else { throw GeoJSONError("a \(type) needs \"coordinates\"") }
        switch type {
        case "Point": return .point(try position(coords))
        case "MultiPoint": return .multiPoint(try positions(coords))
        case "LineString": return .lineString(try positions(coords))
        case "MultiLineString": return .multiLineString(try array(coords).map { v throws(GeoJSONError) in try positions(v) })
        case "Polygon": return .polygon(try rings(coords))
        case "MultiPolygon": return .multiPolygon(try array(coords).map { v throws(GeoJSONError) in try rings(v) })
        default: throw GeoJSONError("unknown geometry type \"\(type)\"")
        }
    }

    static func array(_ v: JSONValue) throws(GeoJSONError) -> [JSONValue] {
        guard case .array(let items) = v else { throw GeoJSONError("expected an array of coordinates, got \(JSONText.encode(v).prefix(40))") }
        return items
    }

    static func position(_ v: JSONValue) throws(GeoJSONError) -> Position {
        let items = try array(v)
        guard items.count >= 2, let x = items[0].doubleValue, let y = items[1].doubleValue,
              items.allSatisfy({ if case .string = $0 { false } else { true } })
        else { throw GeoJSONError("a position must be [x, y] or [x, y, z] numbers, got \(JSONText.encode(v).prefix(60))") }
        guard x.isFinite, y.isFinite else { throw GeoJSONError("a position must have finite numbers") }
        return Position(x, y, items.count > 2 ? items[2].doubleValue : nil)
    }

    static func positions(_ v: JSONValue) throws(GeoJSONError) -> [Position] {
        try array(v).map { p throws(GeoJSONError) in try position(p) }
    }

    static func rings(_ v: JSONValue) throws(GeoJSONError) -> [LinearRing] {
        let rings = try array(v).map { r throws(GeoJSONError) in try LinearRing(positions(r)) }
        guard !rings.isEmpty else { throw GeoJSONError("a polygon needs at least one ring") }
        return rings
    }
}
