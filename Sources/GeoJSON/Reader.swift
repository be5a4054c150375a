import Foundation

/// Reads features from GeoJSON: a FeatureCollection, a single Feature, or newline-delimited GeoJSON
/// (GeoJSONSeq, RFC 8142, with or without the RS separator). A file is read in two streaming passes:
/// the first checks the layout and counts the features (and finds a `crs` member wherever it is), the
/// second decodes one feature at a time, so memory stays flat however large the file is.
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
    /// How many features the file has.
    public let count: Int
    private let source: ByteSource
    private let layout: Layout

    enum Layout { case sequence, single, collection }

    /// Reads GeoJSON text held in memory.
    public init(data: Data) throws(GeoJSONError) {
        try self.init(source: .bytes([UInt8](data)))
    }

    /// Reads a GeoJSON file without holding it in memory.
    public init(path: String) throws(GeoJSONError) {
        try self.init(source: .file(path))
    }

    private init(source: ByteSource) throws(GeoJSONError) {
        self.source = source
        var scanner = try Scanner(source.open())
        let (layout, count, crs) = try scanner.survey(reopen: { () throws(GeoJSONError) in try source.open() })
        self.layout = layout
        self.count = count
        if let crs { declaredCRS = GeoJSONReader.crsName(crs) }
    }

    public func makeIterator() -> AnyIterator<Item> {
        let walk = FeatureWalk(source: source, layout: layout)
        return AnyIterator { walk.next() }
    }

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

/// Where the text comes from: bytes in memory or a file read in chunks.
private enum ByteSource {
    case bytes([UInt8])
    case file(String)

    func open() throws(GeoJSONError) -> ByteStream {
        switch self {
        case .bytes(let b): return ByteStream(bytes: b)
        case .file(let path):
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw GeoJSONError("a directory; expected a GeoJSON file")
            }
            guard let handle = FileHandle(forReadingAtPath: path) else { throw GeoJSONError("no such file or not readable") }
            return ByteStream(handle: handle)
        }
    }
}

/// Bytes one chunk at a time, with the bytes of one value kept when asked (`startCapture`).
private final class ByteStream {
    var buffer: [UInt8]
    var index = 0
    private let handle: FileHandle?
    private var captured: [UInt8] = []
    private var captureFrom: Int?

    init(bytes: [UInt8]) {
        buffer = bytes
        handle = nil
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    init(handle: FileHandle) {
        self.handle = handle
        buffer = []
        _ = refill()
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    deinit { try? handle?.close() }

    /// Replaces the consumed buffer with the next chunk; false at the end of the text.
    func refill() -> Bool {
        guard let handle, index >= buffer.count else { return index < buffer.count }
        let data = (try? handle.read(upToCount: 1 << 20)) ?? nil
        guard let data, !data.isEmpty else { return false }  // the end: the capture stays where it is
        if let from = captureFrom {
            captured.append(contentsOf: buffer[from...])
            captureFrom = 0
        }
        buffer = [UInt8](data)
        index = 0
        return true
    }

    @inline(__always) func peek() -> UInt8? {
        if index < buffer.count { return buffer[index] }
        return refill() ? buffer[index] : nil
    }

    func startCapture() {
        captured.removeAll(keepingCapacity: true)
        captureFrom = index
    }

    func endCapture() -> [UInt8] {
        if let from = captureFrom { captured.append(contentsOf: buffer[from..<index]) }
        captureFrom = nil
        return captured
    }
}

/// Finds where each feature's text starts and ends without decoding the rest of the file.
private struct Scanner {
    let stream: ByteStream
    var line = 1

    init(_ stream: ByteStream) { self.stream = stream }

    mutating func skipSpace() {
        while let b = stream.peek() {
            switch b {
            case 0x0A: line += 1; stream.index += 1
            case 0x20, 0x09, 0x0D, 0x1E: stream.index += 1 // 0x1E: RFC 8142 record separator
            default: return
            }
        }
    }

    /// Skips one JSON value (without checking it: the decoder does). The scan runs over each chunk's
    /// bytes directly: it is most of the reading time of a large file.
    mutating func skipValue() throws(GeoJSONError) {
        skipSpace()
        guard let first = stream.peek() else { throw GeoJSONError("unexpected end of file at line \(line)") }
        // A value cannot start with these; skipping "nothing" here would loop for ever (found by scripts/fuzz).
        if [0x2C, 0x5D, 0x7D, 0x3A].contains(first) {
            throw GeoJSONError("expected a value at line \(line), got \"\(Character(Unicode.Scalar(first)))\"")
        }
        var depth = 0
        var inString = false
        var escaped = false
        var lines = 0
        defer { line += lines }
        while true {
            if stream.index >= stream.buffer.count, !stream.refill() { break }
            let (end, finished) = stream.buffer.withUnsafeBufferPointer { buffer -> (Int, Bool) in
                var i = stream.index
                while i < buffer.count {
                    let b = buffer[i]
                    if inString {
                        i += 1
                        if escaped { escaped = false; continue }
                        switch b {
                        case 0x5C: escaped = true
                        case 0x0A: lines += 1
                        case 0x22:
                            inString = false
                            if depth == 0 { return (i, true) }
                        default: break
                        }
                        continue
                    }
                    switch b {
                    case 0x22: inString = true
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        if depth == 0 { return (i, true) } // ends a bare number or literal inside its container
                        depth -= 1
                        if depth == 0 { return (i + 1, true) }
                    case 0x2C where depth == 0: return (i, true)
                    case 0x0A:
                        if depth == 0 { return (i, true) }
                        lines += 1
                    default: break
                    }
                    i += 1
                }
                return (i, false)
            }
            stream.index = end
            if finished { return }
        }
        if depth != 0 || inString { throw GeoJSONError("unexpected end of file inside a value that starts at line \(line)") }
    }

    /// Skips one value and returns its bytes.
    mutating func captureValue() throws(GeoJSONError) -> [UInt8] {
        skipSpace()
        stream.startCapture()
        do { try skipValue() } catch { _ = stream.endCapture(); throw error }
        return stream.endCapture()
    }

    mutating func readString() throws(GeoJSONError) -> String {
        skipSpace()
        let bytes = try captureValue()
        guard bytes.first == 0x22, case .string(let s) = try JSONText.decode(bytes) else {
            throw GeoJSONError("expected a member name at line \(line)")
        }
        return s
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(GeoJSONError) {
        skipSpace()
        guard stream.peek() == byte else { throw GeoJSONError("expected \(what) at line \(line)") }
        stream.index += 1
    }

    /// After the opening bracket of "features": skips items up to the closing bracket, counting them.
    mutating func countFeatures() throws(GeoJSONError) -> Int {
        skipSpace()
        if stream.peek() == 0x5D { stream.index += 1; return 0 }
        var n = 0
        while true {
            try skipValue()
            n += 1
            skipSpace()
            switch stream.peek() {
            case nil: throw GeoJSONError("unexpected end of file in \"features\"")
            case 0x2C: stream.index += 1
            case 0x5D: stream.index += 1; return n
            default: throw GeoJSONError("expected , or ] between features at line \(line)")
            }
        }
    }

    /// The first pass: the layout, the number of features and the `crs` member.
    mutating func survey(reopen: () throws(GeoJSONError) -> ByteStream) throws(GeoJSONError) -> (GeoJSONReader.Layout, Int, JSONValue?) {
        skipSpace()
        guard let first = stream.peek() else { throw GeoJSONError("the file is empty") }
        guard first == 0x7B else { throw GeoJSONError("expected a JSON object at line \(line)") }
        try skipValue()
        skipSpace()
        if stream.peek() != nil {
            // More text after the first object: newline-delimited features.
            var n = 1
            while true {
                skipSpace()
                if stream.peek() == nil { return (.sequence, n, nil) }
                try skipValue()
                n += 1
            }
        }
        // A single object: a FeatureCollection or one Feature. Read its members from the start again.
        var again = Scanner(try reopen())
        return try again.surveyObject()
    }

    private mutating func surveyObject() throws(GeoJSONError) -> (GeoJSONReader.Layout, Int, JSONValue?) {
        try expect(0x7B, "{")
        skipSpace()
        if stream.peek() == 0x7D { throw GeoJSONError("the top-level object is empty") }
        var type: String?
        var crs: JSONValue?
        var features: Int?
        while true {
            let key = try readString()
            try expect(0x3A, ":")
            skipSpace()
            if key == "features" {
                try expect(0x5B, "[ after \"features\"")
                features = try countFeatures()
            } else {
                let value = try JSONText.decode(try captureValue())
                if key == "type", case .string(let t) = value { type = t }
                if key == "crs" { crs = value }
            }
            skipSpace()
            switch stream.peek() {
            case nil: throw GeoJSONError("unexpected end of file in the top-level object")
            case 0x2C: stream.index += 1
            case 0x7D:
                stream.index += 1
                switch type {
                case "FeatureCollection":
                    guard let features else { throw GeoJSONError("the FeatureCollection has no \"features\" member") }
                    return (.collection, features, crs)
                case "Feature":
                    return (.single, 1, crs)
                case let other:
                    throw GeoJSONError("expected a FeatureCollection, a Feature or newline-delimited features, got type \(other.map { "\"\($0)\"" } ?? "none")")
                }
            default: throw GeoJSONError("expected , or } at line \(line)")
            }
        }
    }
}

/// The second pass: decodes the features one at a time.
private final class FeatureWalk {
    private var scanner: Scanner?
    private let layout: GeoJSONReader.Layout
    private var index = 0
    private var inFeatures = false
    private var done = false
    private let source: ByteSource

    init(source: ByteSource, layout: GeoJSONReader.Layout) {
        self.source = source
        self.layout = layout
    }

    func next() -> GeoJSONReader.Item? {
        guard !done else { return nil }
        do throws(GeoJSONError) {
            if scanner == nil { scanner = Scanner(try source.open()) }
            guard let bytes = try nextFeatureBytes() else { done = true; return nil }
            index += 1
            let line = bytes.line
            let result: Result<Feature, GeoJSONError>
            do throws(GeoJSONError) {
                result = .success(try GeoJSONDecoding.feature(JSONText.decode(bytes.text)))
            } catch {
                result = .failure(error)
            }
            return GeoJSONReader.Item(index: index, line: line, result: result)
        } catch {
            // The first pass read the same layout; the file changed since, or cannot be read now.
            done = true
            index += 1
            return GeoJSONReader.Item(index: index, line: scanner?.line ?? 0, result: .failure(error))
        }
    }

    private func nextFeatureBytes() throws(GeoJSONError) -> (text: [UInt8], line: Int)? {
        switch layout {
        case .sequence:
            scanner!.skipSpace()
            guard scanner!.stream.peek() != nil else { return nil }
            let line = scanner!.line
            return (try scanner!.captureValue(), line)
        case .single:
            guard index == 0 else { return nil }
            scanner!.skipSpace()
            let line = scanner!.line
            return (try scanner!.captureValue(), line)
        case .collection:
            if !inFeatures {
                try scanner!.expect(0x7B, "{")
                while true {
                    let key = try scanner!.readString()
                    try scanner!.expect(0x3A, ":")
                    if key == "features" { break }
                    try scanner!.skipValue()
                    try scanner!.expect(0x2C, ",")
                }
                try scanner!.expect(0x5B, "[")
                scanner!.skipSpace()
                if scanner!.stream.peek() == 0x5D { return nil }
                inFeatures = true
            } else {
                scanner!.skipSpace()
                guard scanner!.stream.peek() == 0x2C else { return nil } // the closing bracket
                scanner!.stream.index += 1
            }
            scanner!.skipSpace()
            let line = scanner!.line
            return (try scanner!.captureValue(), line)
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
        // Every element a number (RFC 7946 §3.1.1), not a numeric string; one past z is read as nothing, as before.
        guard items.count >= 2, let x = items[0].doubleValue, let y = items[1].doubleValue,
              items.allSatisfy({ if case .string = $0 { false } else { $0.doubleValue != nil } })
        else { throw GeoJSONError("a position must be [x, y] or [x, y, z] numbers, got \(JSONText.encode(v).prefix(60))") }
        let z = items.count > 2 ? items[2].doubleValue : nil
        // z too: an elevation too large for a Double (1e400) was kept as infinity, and written back as `inf`.
        guard x.isFinite, y.isFinite, z?.isFinite ?? true else { throw GeoJSONError("a position must have finite numbers") }
        return Position(x, y, z)
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
