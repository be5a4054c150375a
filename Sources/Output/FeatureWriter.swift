import Foundation
import GeoJSON
import Registry

/// Writes a registry layer as RFC 7946 GeoJSON, RFC 8142 GeoJSON text sequences or CSV straight from
/// the database rows into bytes: no value per cell, no Feature per row, memory flat at any size.
public struct FeatureWriter {
    public enum Format: String, CaseIterable, Sendable { case geojson, geojsonseq, csv }

    public struct Options: Sendable {
        public var format: Format = .geojson
        /// RFC 8142's record separator (0x1E) before each feature of a sequence.
        public var recordSeparator = false
        /// Decimals of longitude and latitude (7 is about 1 cm).
        public var precision = 7
        /// A `bbox` member on each feature (RFC 7946 §5).
        public var bboxMember = false

        public init() {}
    }

    let options: Options
    let sink: ByteSink
    private var count = 0
    private var query: FeatureLayer.Query?
    /// `"name":` of each property, with the comma before all but the first, end to end (each ends at
    /// `keyEnds[i]`), and the properties' types: made once per layer, read per row without copying a
    /// `Property` (whose strings cost two reference counts each, a tenth of an export's time).
    private var keys: [UInt8] = []
    private var keyEnds: [Int] = []
    private var types: [FeatureLayer.PropertyType] = []
    private let scale: Double
    /// Longitude/latitude to the output CRS's (x, y) in its axis order; nil writes them as stored.
    private let transform: ((Double, Double) -> (x: Double, y: Double)?)?

    public init(_ options: Options, sink: ByteSink, transform: ((Double, Double) -> (x: Double, y: Double)?)? = nil) {
        self.options = options
        self.sink = sink
        self.transform = transform
        scale = pow(10, Double(min(max(options.precision, 0), 15)))
    }

    public var written: Int { count }

    /// `name` is the collection's name when it is not the registry layer's (a reference layer).
    public mutating func begin(_ q: FeatureLayer.Query, name: String? = nil) {
        query = q
        keys = []
        keyEnds = []
        for (i, p) in q.properties.enumerated() {
            var key = i > 0 ? "," : ""
            JSONText.writeString(p.name, to: &key)
            keys += Array((key + ":").utf8)
            keyEnds.append(keys.count)
        }
        types = q.properties.map { $0.type }  // a closure: a key path is instantiated at run time, per request
        switch options.format {
        case .geojson:
            sink.append("{\"type\":\"FeatureCollection\",\"name\":\"\(name ?? q.collectionName)\",\"features\":[\n")
        case .geojsonseq: break
        case .csv:
            var header = ["id"] + q.properties.map(\.name)
            header += q.geometry == .pointBlob ? ["lon", "lat"] : ["geometry"]
            sink.append(header.joined(separator: ",") + "\r\n")
        }
    }

    public mutating func write(_ row: RawRow) throws {
        guard let q = query else { return }
        if options.format == .csv { return try writeCSV(row, q) }
        if options.format == .geojson && count > 0 { sink.append(static: ",\n") }
        if options.format == .geojsonseq && options.recordSeparator { sink.append(0x1E) }
        count += 1
        sink.append(static: "{\"type\":\"Feature\",\"id\":")
        writeInteger(row.int64(0))
        sink.append(static: ",\"geometry\":")
        var point: (x: Double, y: Double)?
        switch q.geometry {
        case .pointBlob:
            if let stored = row.point(1), let p = transform == nil ? stored : transform!(stored.x, stored.y) {
                point = p
                sink.append(static: "{\"type\":\"Point\",\"coordinates\":[")
                writeCoordinate(p.x)
                sink.append(0x2C)
                writeCoordinate(p.y)
                sink.append(static: "]}")
            } else {
                sink.append(static: "null")
            }
        case .geoJSONText:
            if row.isNull(1) { sink.append(static: "null") } else if transform == nil { sink.append(row.text(1)) } else { writeTransformed(row.text(1)) }
        }
        if options.bboxMember, let p = point {
            sink.append(static: ",\"bbox\":[")
            for (i, v) in [p.x, p.y, p.x, p.y].enumerated() {
                if i > 0 { sink.append(0x2C) }
                writeCoordinate(v)
            }
            sink.append(0x5D)
        }
        sink.append(static: ",\"properties\":{")
        keys.withUnsafeBufferPointer { keys in
            keyEnds.withUnsafeBufferPointer { ends in
                types.withUnsafeBufferPointer { types in
                    var start = 0
                    for i in 0..<types.count {
                        sink.append(UnsafeBufferPointer(rebasing: keys[start..<ends[i]]))
                        start = ends[i]
                        writeValue(row, i + 2, types[i])
                    }
                }
            }
        }
        sink.append(static: "}}")
        if options.format == .geojsonseq { sink.append(0x0A) }
        try sink.recordDone()
    }

    public mutating func end() throws {
        if options.format == .geojson { sink.append("\n]}\n") }
        try sink.flush()
    }

    /// GeoJSON geometry text with every `[x,y]` position transformed and rounded to `precision` decimals;
    /// a position PROJ cannot transform makes the geometry null.
    private func writeTransformed(_ text: UnsafeBufferPointer<UInt8>) {
        guard let transform else { return }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            let b = text[i]
            // A position: '[' then a number, a comma, a number, ']'.
            if b == 0x5B, i + 1 < text.count, text[i + 1] == 0x2D || (0x30...0x39).contains(text[i + 1]),
               let close = text[(i + 1)...].firstIndex(of: 0x5D) {
                let numbers = String(decoding: UnsafeBufferPointer(rebasing: text[(i + 1)..<close]), as: UTF8.self).split(separator: ",")
                guard numbers.count >= 2, let x = Double(numbers[0]), let y = Double(numbers[1]), let p = transform(x, y) else {
                    return sink.append("null")
                }
                out.append(0x5B)
                out += Array(coordinateText(p.x).utf8)
                out.append(0x2C)
                out += Array(coordinateText(p.y).utf8)
                out.append(0x5D)
                i = close + 1
                continue
            }
            out.append(b)
            i += 1
        }
        out.withUnsafeBufferPointer { sink.append($0) }
    }

    private func coordinateText(_ v: Double) -> String {
        let p = min(max(options.precision, 0), 15)
        var s = String(format: "%.\(p)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    private mutating func writeCSV(_ row: RawRow, _ q: FeatureLayer.Query) throws {
        count += 1
        writeInteger(row.int64(0))
        for (i, _) in q.properties.enumerated() {
            sink.append(0x2C)
            if !row.isNull(i + 2) { writeCSVField(row.text(i + 2)) }
        }
        switch q.geometry {
        case .pointBlob:
            sink.append(0x2C)
            if let p = row.point(1) {
                writeCoordinate(p.x)
                sink.append(0x2C)
                writeCoordinate(p.y)
            } else {
                sink.append(0x2C)
            }
        case .geoJSONText:
            sink.append(0x2C)
            if !row.isNull(1) { writeCSVField(row.text(1)) }
        }
        sink.append("\r\n")
        try sink.recordDone()
    }

    private func writeValue(_ row: RawRow, _ column: Int, _ type: FeatureLayer.PropertyType) {
        if type == .text || type == .date || type == .timestamp {
            // SQLite gives no text pointer for NULL (an empty text has one): one call fewer per property than asking the type.
            let text = row.text(column)
            return text.baseAddress == nil ? sink.append(static: "null") : writeJSONString(text)
        }
        if row.isNull(column) { return sink.append(static: "null") }
        switch type {
        case .integer: writeInteger(row.int64(column))
        case .boolean:
            if row.int64(column) != 0 { sink.append(static: "true") } else { sink.append(static: "false") }
        case .real:
            let v = row.double(column)
            sink.append(JSONNumber.text(v))
        case .text, .date, .timestamp: break
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else (UTF-8) as is.
    /// Eight bytes are tested at once (`JSONEscapes.none`): nearly every value has nothing to escape, and the
    /// byte-by-byte test was the writer's largest cost on 10 000-feature pages.
    private func writeJSONString(_ bytes: UnsafeBufferPointer<UInt8>) {
        sink.append(0x22)
        guard let base = bytes.baseAddress else { return sink.append(0x22) }
        var start = 0
        var i = 0
        let n = bytes.count
        while i < n {
            if i + 8 <= n, JSONEscapes.none(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            let b = base[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else {
                i += 1
                continue
            }
            if i > start { sink.append(UnsafeBufferPointer(start: base + start, count: i - start)) }
            switch b {
            case 0x22: sink.append(static: "\\\"")
            case 0x5C: sink.append(static: "\\\\")
            case 0x0A: sink.append(static: "\\n")
            case 0x0D: sink.append(static: "\\r")
            case 0x09: sink.append(static: "\\t")
            default:
                let hex: StaticString = "0123456789abcdef"
                sink.append(static: "\\u00")
                sink.append(hex.utf8Start[Int(b >> 4)])
                sink.append(hex.utf8Start[Int(b & 15)])
            }
            i += 1
            start = i
        }
        if start < n { sink.append(UnsafeBufferPointer(start: base + start, count: n - start)) }
        sink.append(0x22)
    }

    private func writeCSVField(_ bytes: UnsafeBufferPointer<UInt8>) {
        let quote = bytes.contains { (b: UInt8) -> Bool in b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D }
        guard quote else { return sink.append(bytes) }
        sink.append(0x22)
        for b in bytes {
            if b == 0x22 { sink.append(0x22) }
            sink.append(b)
        }
        sink.append(0x22)
    }

    private func writeInteger(_ v: Int64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var magnitude = v.magnitude
        if v < 0 { sink.append(0x2D) }
        withUnsafeMutableBytes(of: &digits) { buf in
            var n = 0
            repeat {
                buf[n] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                n += 1
            } while magnitude > 0
            while n > 0 {
                n -= 1
                sink.append(buf[n])
            }
        }
    }

    /// A coordinate rounded to `precision` decimals, without trailing zeros.
    private func writeCoordinate(_ v: Double) {
        let scaled = (v * scale).rounded()
        guard scaled.isFinite, abs(scaled) < 9e15 else { return sink.append(JSONNumber.text(v)) }
        var units = Int64(scaled)
        if units < 0 {
            sink.append(0x2D)
            units = -units
        }
        let s = Int64(scale)
        writeInteger(units / s)
        var fraction = units % s
        guard fraction > 0 else { return }
        var width = options.precision
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        sink.append(0x2E)
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            sink.append(UInt8(fraction / divisor) + 0x30)
            fraction %= divisor
            divisor /= 10
        }
    }
}

/// Whether eight bytes of UTF-8 hold none that JSON must escape (a control character, `"` or `\\`): the
/// "has a byte less than n" and "has a zero byte" word tests, exact about whether any byte matches.
enum JSONEscapes {
    @inline(__always) static func none(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (w &- ones &* 0x20) & ~w
        let q = w ^ (ones &* 0x22), bs = w ^ (ones &* 0x5C)
        let quote = (q &- ones) & ~q, backslash = (bs &- ones) & ~bs
        return (control | quote | backslash) & highs == 0
    }
}

/// JSON numbers for reals: the shortest text that reads back as the same Double.
enum JSONNumber {
    static func text(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
