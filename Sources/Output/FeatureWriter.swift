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
    /// The layer's geometry column once `begin` has been called: what `write` needs of the query, kept apart
    /// so that no Query (strings and arrays, counted references) is copied per row.
    private var geometry: FeatureLayer.GeometryEncoding?
    /// `"name":` of each property, with the comma before all but the first, end to end (`slots` says where each
    /// is): made once per layer, read per row without copying a `Property` (whose strings cost two reference counts
    /// each, a tenth of an export's time).
    private var keys: [UInt8] = []
    /// The wards that name the ward properties' ids, when the query reads wards by id (`FeatureLayer.Query.wardIdColumns`).
    private var wards: WardNames?
    /// Per property, what a row's loop needs in one value: where its key is in `keys`, the row's column that holds it
    /// (`FeatureLayer.Query.column(_:)`) and how to write it: one array read per property rather than five. With the
    /// ward texts below, a 10 000-feature page took 7.8 % fewer instructions (callgrind, 95.3 M to 87.9 M).
    private var slots: [Slot] = []
    /// Every ward's code and name as JSON strings (quotes included, escaped once per page), end to end, and per ward id
    /// where they are in `wardJSON` (code start and end, name start and end; 0 where the id is no ward): a unit's ward
    /// is then copied, neither looked up through a closure nor escaped per row.
    private var wardJSON: [UInt8] = []
    private var wardSpans: [Int] = []
    private let coordinates: CoordinateFormat
    /// Longitude/latitude to the output CRS's (x, y) in its axis order; nil writes them as stored.
    private let transform: ((Double, Double) -> (x: Double, y: Double)?)?

    /// Room for a feature's bytes other than its properties and a geometry given as text: separators, the id,
    /// a point and its bbox (about 340 bytes at most).
    private static let featureRoom = 512

    public init(_ options: Options, sink: ByteSink, transform: ((Double, Double) -> (x: Double, y: Double)?)? = nil) {
        self.options = options
        self.sink = sink
        self.transform = transform
        coordinates = CoordinateFormat(decimals: options.precision)
    }

    public var written: Int { count }

    /// `name` is the collection's name when it is not the registry layer's (a reference layer).
    public mutating func begin(_ q: FeatureLayer.Query, name: String? = nil) {
        geometry = q.geometry
        keys = []
        var keyEnds: [Int] = []
        // Straight into the bytes: a single feature (`items/{id}`) makes them for each request.
        for (i, p) in q.properties.enumerated() {
            if i > 0 { keys.append(0x2C) }
            if JSONText.isPlain(p.name) {
                keys.append(0x22)
                keys += p.name.utf8
                keys.append(0x22)
            } else {
                var quoted = ""
                JSONText.writeString(p.name, to: &quoted)
                keys += quoted.utf8
            }
            keys.append(0x3A)
            keyEnds.append(keys.count)
        }
        keys += [UInt8](repeating: 0, count: 8)  // each key is copied in words, read up to 7 bytes past its end
        let types = q.properties.map { $0.type }  // a closure: a key path is instantiated at run time, per request
        wards = q.wardIdColumns ? q.wards : nil
        slots = q.properties.indices.map { i in
            let kind: Slot.Kind = switch (wards == nil ? nil : q.properties[i].ward, types[i]) {
            case (.code?, _): .wardCode
            case (.name?, _): .wardName
            case (nil, .text), (nil, .date), (nil, .timestamp): .text
            case (nil, .integer): .integer
            case (nil, .boolean): .boolean
            case (nil, .real): .real
            }
            return Slot(keyStart: i == 0 ? 0 : keyEnds[i - 1], keyEnd: keyEnds[i], column: Int32(q.column(i)), kind: kind)
        }
        (wardJSON, wardSpans) = wards.map(FeatureWriter.json) ?? ([], [])
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
        guard let geometry else { return }
        if options.format == .csv { return try writeCSV(row, geometry) }
        var out = sink.cursor(room: FeatureWriter.featureRoom)
        if options.format == .geojson && count > 0 { out.put(",\n") }
        if options.format == .geojsonseq && options.recordSeparator { out.put(0x1E) }
        count += 1
        out.put("{\"type\":\"Feature\",\"id\":")
        out.putInteger(row.int64(0))
        var box: Box?
        switch geometry {
        case .pointBlob:
            if let stored = row.point(1), let p = transform == nil ? stored : transform!(stored.x, stored.y) {
                box = Box(minX: p.x, minY: p.y, maxX: p.x, maxY: p.y)
                out.put(",\"geometry\":{\"type\":\"Point\",\"coordinates\":[")
                putCoordinate(p.x, &out)
                out.put(0x2C)
                putCoordinate(p.y, &out)
                out.put("]}")
            } else {
                out.put(",\"geometry\":null")
            }
        case .geoJSONText:
            out.put(",\"geometry\":")
            let text = row.text(1)
            if text.baseAddress == nil {
                out.put("null")
            } else if transform == nil {
                out = sink.cursor(out, room: text.count + FeatureWriter.featureRoom)
                out.put(text)
                if options.bboxMember { box = Box(positionsIn: text) }
            } else {
                sink.commit(out)
                box = writeTransformed(text)
                out = sink.cursor(room: FeatureWriter.featureRoom)
            }
        }
        if options.bboxMember, let box {
            out.put(",\"bbox\":[")
            putCoordinate(box.minX, &out)
            out.put(0x2C)
            putCoordinate(box.minY, &out)
            out.put(0x2C)
            putCoordinate(box.maxX, &out)
            out.put(0x2C)
            putCoordinate(box.maxY, &out)
            out.put(0x5D)
        }
        out.put(",\"properties\":{")
        keys.withUnsafeBufferPointer { keys in
            slots.withUnsafeBufferPointer { slots in
                wardJSON.withUnsafeBufferPointer { wardJSON in
                    wardSpans.withUnsafeBufferPointer { wardSpans in
                        for slot in slots {
                            let key = UnsafeBufferPointer(start: keys.baseAddress! + slot.keyStart, count: slot.keyEnd &- slot.keyStart)
                            putValue(row, slot, wardJSON, wardSpans, after: key, &out)
                        }
                    }
                }
            }
        }
        out = sink.cursor(out, room: 3)
        if options.format == .geojsonseq { out.put("}}\n") } else { out.put("}}") }
        sink.commit(out)
        try sink.recordDone()
    }

    public mutating func end() throws {
        if options.format == .geojson { sink.append("\n]}\n") }
        try sink.flush()
    }

    /// A feature's `bbox` (RFC 7946 §5): the least and greatest x and y of its positions as written.
    struct Box {
        var minX, minY, maxX, maxY: Double

        init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
            (self.minX, self.minY, self.maxX, self.maxY) = (minX, minY, maxX, maxY)
        }

        /// The box of every `[x,y…]` position in GeoJSON geometry text; nil when it has none.
        init?(positionsIn text: UnsafeBufferPointer<UInt8>) {
            var box: Box?
            var i = 0
            while i + 1 < text.count {
                // A position: '[' then a number (not another '['), its coordinates up to the next ']'.
                if text[i] == 0x5B, text[i + 1] == 0x2D || (0x30...0x39).contains(text[i + 1]),
                   let close = text[(i + 1)...].firstIndex(of: 0x5D) {
                    let numbers = String(decoding: UnsafeBufferPointer(rebasing: text[(i + 1)..<close]), as: UTF8.self).split(separator: ",")
                    if numbers.count >= 2, let x = Double(numbers[0]), let y = Double(numbers[1]) {
                        if box == nil { box = Box(minX: x, minY: y, maxX: x, maxY: y) }
                        box!.minX = min(box!.minX, x); box!.maxX = max(box!.maxX, x)
                        box!.minY = min(box!.minY, y); box!.maxY = max(box!.maxY, y)
                    }
                    i = close + 1
                    continue
                }
                i += 1
            }
            guard let box else { return nil }
            self = box
        }
    }

    /// GeoJSON geometry text with every `[x,y]` position transformed and rounded to `precision` decimals;
    /// a position PROJ cannot transform makes the geometry null. Returns the box of what it wrote when a `bbox`
    /// member is asked for.
    private func writeTransformed(_ text: UnsafeBufferPointer<UInt8>) -> Box? {
        guard let transform else { return nil }
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
                    sink.append("null")
                    return nil
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
        return out.withUnsafeBufferPointer { written in
            sink.append(written)
            return options.bboxMember ? Box(positionsIn: written) : nil
        }
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

    private mutating func writeCSV(_ row: RawRow, _ geometry: FeatureLayer.GeometryEncoding) throws {
        count += 1
        var out = sink.cursor(room: FeatureWriter.featureRoom)
        out.putInteger(row.int64(0))
        // A NULL has no text address (an empty text has one), and numbers come as their text.
        for slot in slots {
            let column = Int(slot.column)
            func put(_ text: UnsafeBufferPointer<UInt8>) {
                out = sink.cursor(out, room: ByteCursor.csvFieldRoom(text.count) + 1)
                out.put(0x2C)
                if text.baseAddress != nil { out.putCSVField(text) }
            }
            if let field = slot.wardField, let wards, !row.isNull(column) {
                wards.text(row.int64(column), field, put)
            } else {
                put(row.text(column))
            }
        }
        switch geometry {
        case .pointBlob:
            out = sink.cursor(out, room: FeatureWriter.featureRoom)
            out.put(0x2C)
            if let p = row.point(1) {
                putCoordinate(p.x, &out)
                out.put(0x2C)
                putCoordinate(p.y, &out)
            } else {
                out.put(0x2C)
            }
        case .geoJSONText:
            let text = row.text(1)
            out = sink.cursor(out, room: ByteCursor.csvFieldRoom(text.count) + 1)
            out.put(0x2C)
            if text.baseAddress != nil { out.putCSVField(text) }
        }
        out = sink.cursor(out, room: 2)
        out.put("\r\n")
        sink.commit(out)
        try sink.recordDone()
    }

    /// A property's key, then its value from its column, with room made for both.
    @inline(__always) private func putValue(_ row: RawRow, _ slot: Slot, _ wardJSON: UnsafeBufferPointer<UInt8>, _ wardSpans: UnsafeBufferPointer<Int>,
                                            after key: UnsafeBufferPointer<UInt8>, _ out: inout ByteCursor) {
        let column = Int(slot.column)
        switch slot.kind {
        case .text:
            // SQLite gives no text pointer for NULL (an empty text has one): one call fewer per property than asking the type.
            let text = row.text(column)
            out = sink.cursor(out, room: key.count &+ 7 &+ ByteCursor.jsonStringRoom(text.count) &+ 4)
            out.putWords(key)
            return text.baseAddress == nil ? out.put("null") : out.putJSONString(text)
        case .wardCode, .wardName:
            return putWard(row, slot, wardJSON, wardSpans, after: key, &out)
        case .integer, .boolean, .real:
            out = sink.cursor(out, room: key.count &+ 7 &+ ByteCursor.decimalRoom)
            out.putWords(key)
            if slot.kind == .real {
                if row.isNull(column) { return out.put("null") }
                return out.putNumberText(JSONNumber.text(row.double(column)))
            }
            guard let v = row.integer(column) else { return out.put("null") }
            if slot.kind == .integer { return out.putInteger(v) }
            v != 0 ? out.put("true") : out.put("false")
        }
    }

    /// Every ward's code and name as JSON strings end to end, and per id where they are (`wardJSON`, `wardSpans`).
    private static func json(_ wards: WardNames) -> (json: [UInt8], spans: [Int]) {
        var room = 0
        wards.forEach { _, code, name in room += ByteCursor.jsonStringRoom(code.count) + ByteCursor.jsonStringRoom(name.count) }
        var spans = [Int](repeating: 0, count: 4 * wards.idLimit)
        let json = [UInt8](unsafeUninitializedCapacity: room) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            var out = ByteCursor(base, end: base + room)
            wards.forEach { id, code, name in
                spans[4 * id] = out.p - base
                out.putJSONString(code)
                spans[4 * id + 1] = out.p - base
                spans[4 * id + 2] = out.p - base
                out.putJSONString(name)
                spans[4 * id + 3] = out.p - base
            }
            count = out.p - base
        }
        return (json, spans)
    }

    /// A property's key, then the code or name of the ward whose id is in its column (null for no ward), as
    /// `begin` wrote it in `wardJSON` and `wardSpans`.
    @inline(__always) private func putWard(_ row: RawRow, _ slot: Slot, _ wardJSON: UnsafeBufferPointer<UInt8>, _ wardSpans: UnsafeBufferPointer<Int>,
                                           after key: UnsafeBufferPointer<UInt8>, _ out: inout ByteCursor) {
        var (start, end) = (0, 0)
        if let id = row.integer(Int(slot.column)), id >= 0, id < wardSpans.count / 4 {
            let at = 4 &* Int(id) &+ (slot.kind == .wardCode ? 0 : 2)
            (start, end) = (wardSpans[at], wardSpans[at &+ 1])
        }
        out = sink.cursor(out, room: key.count &+ 7 &+ max(end &- start, 4))
        out.putWords(key)
        guard end > start else { return out.put("null") }
        out.put(UnsafeBufferPointer(rebasing: wardJSON[start..<end]))
    }

    @inline(__always) private func putCoordinate(_ v: Double, _ out: inout ByteCursor) {
        out.putCoordinate(v, coordinates)
    }
}

/// One property as `FeatureWriter` writes it per row: its key's bytes in the writer's `keys`, its column, and how its
/// value is written.
private struct Slot {
    enum Kind: UInt8 { case text, integer, boolean, real, wardCode, wardName }
    var keyStart: Int
    var keyEnd: Int
    var column: Int32
    var kind: Kind

    /// The ward text the column's ward id stands for; nil when the column holds the value.
    var wardField: WardNames.Field? { kind == .wardCode ? .code : kind == .wardName ? .name : nil }
}

/// JSON numbers for reals: the shortest text that reads back as the same Double.
enum JSONNumber {
    static func text(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
