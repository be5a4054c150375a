import Foundation
import GeoJSON
import GRDB
@testable import Output
import Planning
import Testing
@testable import Registry

/// The feature writer's byte cursor against plain text made another way: JSON strings as the GeoJSON module's
/// writer escapes them, integers as Swift prints them, coordinates as the rounding the writer promises (scale,
/// round half away from zero, print the integer, drop trailing zeros), and never more bytes than the room asked for.
@Suite struct ByteCursorTests {
    /// What `body` puts through a cursor with `room` made, and how many bytes it put.
    static func put(room: Int, _ body: (inout ByteCursor) -> Void) throws -> (text: String, count: Int) {
        var out: [UInt8] = []
        let sink = ByteSink(capacity: 16) { out += $0 }
        var cursor = sink.cursor(room: room)
        let start = cursor.room
        body(&cursor)
        let count = start - cursor.room
        sink.commit(cursor)
        try sink.flush()
        return (String(decoding: out, as: UTF8.self), count)
    }

    static func plainJSON(_ s: String) -> String {
        var out = ""
        JSONText.writeString(s, to: &out)
        return out
    }

    /// Texts with each character JSON escapes at every offset of every length up to three words, Vietnamese
    /// letters around them, and a seeded mix of all of these.
    static var trickyTexts: [String] {
        var texts = ["", "Đường", "Chợ Bình Thới", "Phường 9\tQuận 11", String(repeating: "ệ", count: 11)]
        let specials = ["\"", "\\", "\n", "\r", "\t", "\u{00}", "\u{01}", "\u{1F}", "\u{7F}", "ờ", "/"]
        for length in 1...24 {
            for offset in 0..<length {
                for special in specials {
                    var bytes = Array(String(repeating: "a", count: length).utf8)
                    bytes.replaceSubrange(offset..<offset + 1, with: Array(special.utf8))
                    texts.append(String(decoding: bytes, as: UTF8.self))
                }
            }
        }
        var rng = SplitMix64(seed: 9)
        let palette = specials + ["a", "Z", "0", " ", "ơ", "Đ", "\u{20}", "\u{21}", "\u{5B}", "\u{5D}", "\u{7E}"]
        for _ in 0..<3000 {
            texts.append((0..<rng.below(40)).map { _ in palette[rng.below(palette.count)] }.joined())
        }
        return texts
    }

    @Test func jsonStringsAreEscapedAsTheGeoJSONWriterDoes() throws {
        var wrong: [String] = []
        for text in ByteCursorTests.trickyTexts {
            var utf8 = text
            let room = ByteCursor.jsonStringRoom(text.utf8.count)
            let (out, count) = try utf8.withUTF8 { bytes in try ByteCursorTests.put(room: room) { $0.putJSONString(bytes) } }
            if out != ByteCursorTests.plainJSON(text) || count > room { wrong.append(text) }
        }
        #expect(wrong.isEmpty, "\(wrong.count) texts differ, e.g. \(wrong.prefix(5).map(\.debugDescription))")
    }

    @Test func integersAreSwiftsOwnText() throws {
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power]
        }
        var rng = SplitMix64(seed: 12)
        values += (0..<2000).map { _ in Int64(bitPattern: rng.next()) >> Int64(rng.below(63)) }
        for v in values {
            let (out, count) = try ByteCursorTests.put(room: ByteCursor.integerRoom) { $0.putInteger(v) }
            #expect(out == String(v) && count <= ByteCursor.integerRoom)
        }
    }

    /// The writer's rounding, spelled out with integers and strings; beyond 9e15 units (or not finite) the value
    /// goes as JSONNumber writes it.
    static func plainCoordinate(_ v: Double, decimals: Int) -> String {
        let scaled = (v * pow(10, Double(decimals))).rounded()
        guard scaled.isFinite, abs(scaled) < 9e15 else { return JSONNumber.text(v) }
        var digits = String(Int64(scaled).magnitude)
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        var whole = String(digits.dropLast(decimals)), fraction = String(digits.suffix(decimals))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if whole.isEmpty { whole = "0" }
        return (scaled < 0 ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    static var trickyCoordinates: [Double] {
        var values: [Double] = [0, -0.0, 106.6485391, -106.6485391, 10.7611077, -10.7611077, 180, -180, 90, -90,
                                106.64853915, -106.64853915, 10.76110775, 0.00000005, -0.00000005, 0.000000049999999,
                                0.5, 1.5, 2.5, -0.5, -2.5, 0.05, 0.15, 0.25, 0.35, 1.0000000000000002, 0.9999999999999999,
                                1e-300, -1e-300, Double.leastNonzeroMagnitude, 1e300, -1e300, 1e15, 9e14, 8.999999999999999e8, 9e8, 123456789.1234567,
                                Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
                                678622.003, 1189789.898, -678622.0035]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            let v = -200 + rng.nextDouble() * 400
            values += [v, (v * 1e7).rounded() / 1e7 + 0.5e-7, (v * 1e3).rounded(.down) / 1e3 + 0.0005]
        }
        return values
    }

    @Test func coordinatesAreRoundedAsThePlainRoundingSays() throws {
        var wrong: [String] = []
        for decimals in [0, 1, 3, 7, 9, 15] {
            let format = CoordinateFormat(decimals: decimals)
            for v in ByteCursorTests.trickyCoordinates {
                let (out, count) = try ByteCursorTests.put(room: ByteCursor.decimalRoom) { $0.putCoordinate(v, format) }
                let plain = ByteCursorTests.plainCoordinate(v, decimals: decimals)
                if out != plain || count > ByteCursor.decimalRoom { wrong.append("\(v) at \(decimals): \(out), expected \(plain)") }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) differ, e.g. \(wrong.prefix(5))")
    }

    /// Away from a rounding edge, printf's rounding (the transformed geometries' path) gives the same text.
    @Test func coordinatesAwayFromAnEdgeAreWhatPrintfWrites() throws {
        var rng = SplitMix64(seed: 3)
        let format = CoordinateFormat(decimals: 7)
        for _ in 0..<3000 {
            let v = Double(rng.below(3_600_000_001) - 1_800_000_000) / 1e7
            var printf = String(format: "%.7f", v)
            while printf.hasSuffix("0") { printf.removeLast() }
            if printf.hasSuffix(".") { printf.removeLast() }
            if printf == "-0" { printf = "0" }
            let (out, _) = try ByteCursorTests.put(room: ByteCursor.decimalRoom) { $0.putCoordinate(v, format) }
            #expect(out == printf)
        }
    }

    /// Keys copied in words: every length, then the next bytes right after them.
    @Test func wordCopiesPutExactlyTheirBytes() throws {
        for length in 0..<40 {
            let key = Array(",\"ward_name_\(String(repeating: "ờ", count: 20))".utf8.prefix(length))
            let padded = key + [UInt8](repeating: 0x5A, count: 8)
            let (out, count) = try padded.withUnsafeBufferPointer { bytes in
                try ByteCursorTests.put(room: length + 7 + 4) { cursor in
                    cursor.putWords(UnsafeBufferPointer(rebasing: bytes[0..<length]))
                    cursor.put("null")
                }
            }
            #expect(out == String(decoding: key, as: UTF8.self) + "null" && count == length + 4, "length \(length)")
        }
    }

    /// Bytes of every length up to beyond memmove's, each copied exactly, with nothing put after them.
    @Test func shortCopiesPutExactlyTheirBytes() throws {
        let source = Array("{\"type\":\"Feature\",\"id\":7,\"geometry\":{\"type\":\"Point\",\"coordinates\":[".utf8)
        for length in 0..<min(source.count, 48) {
            let bytes = Array(source.prefix(length))
            let (out, count) = try bytes.withUnsafeBufferPointer { b in
                try ByteCursorTests.put(room: length + 4) { cursor in
                    cursor.put(b)
                    cursor.put("null")
                }
            }
            #expect(Array(out.utf8) == bytes + Array("null".utf8) && count == length + 4, "length \(length)")
        }
    }

    /// A record longer than the sink's buffer: the cursor's room grows and nothing before it is lost.
    @Test func roomBeyondTheBufferKeepsWhatWasPut() throws {
        var out: [UInt8] = []
        let sink = ByteSink(capacity: 8) { out += $0 }
        sink.append("head,")
        var cursor = sink.cursor(room: 4)
        cursor.put("ab")
        let long = String(repeating: "Đường ", count: 2000)
        var text = long
        text.withUTF8 { bytes in
            cursor = sink.cursor(cursor, room: ByteCursor.jsonStringRoom(bytes.count))
            cursor.putJSONString(bytes)
        }
        sink.commit(cursor)
        try sink.recordDone()
        try sink.flush()
        #expect(String(decoding: out, as: UTF8.self) == "head,ab" + ByteCursorTests.plainJSON(long))
    }

    /// A sink filling buffers it is given (a response's own) hands each over whole, never more than it was given,
    /// with every byte in order: records shorter and longer than a buffer, and a flush that leaves none to hand over.
    @Test func givenBuffersAreHandedOverWholeWithEveryByte() throws {
        var given: [(start: UnsafeMutablePointer<UInt8>, size: Int)] = []
        var out: [UInt8] = []
        var overfilled: [Int] = []
        let sink = ByteSink(capacity: 16, fresh: { size in
            given.append((.allocate(capacity: size), size))
            return given.last!.start
        }, handOver: { count in
            if count > given.last!.size { overfilled.append(count) }
            out += UnsafeBufferPointer(start: given.last!.start, count: count)
        })
        defer { for g in given { g.start.deallocate() } }
        var expected = ""
        let long = String(repeating: "Đường ", count: 2000)
        for (i, text) in ["a", long, "Chợ \"Bình\" Thới", "", long, "x"].enumerated() {
            sink.append("\(i):")
            var cursor = sink.cursor(room: 8)
            cursor.put(",\n")
            var text = text
            text.withUTF8 { bytes in
                cursor = sink.cursor(cursor, room: ByteCursor.jsonStringRoom(bytes.count))
                cursor.putJSONString(bytes)
            }
            sink.commit(cursor)
            try sink.recordDone()
            expected += "\(i):,\n" + ByteCursorTests.plainJSON(text)
        }
        try sink.flush()
        try sink.flush()
        #expect(String(decoding: out, as: UTF8.self) == expected)
        #expect(overfilled.isEmpty && given.count > 2)
    }

    /// Points written by the exporter (GeoJSON with a bbox member, and CSV) carry the plain rounding's text, with
    /// negative coordinates, zeros and halves at the last decimal.
    @Test func exportedPointsCarryThePlainRounding() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let points: [(Double, Double)] = [(-106.64853915, -10.76110775), (-0.0, 0.0), (0.00000005, -0.00000005),
                                          (179.99999995, -89.99999995), (106.6485391499999, 10.7611077500001), (1e-9, -1e-9), (-180, 90)]
        var csv = "code,name,kind,lon,lat\n"
        for i in points.indices { csv += "P\(i),Điểm \(i),market,106.642,10.762\n" }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv))
        try r.store.write { db in
            for (i, p) in points.enumerated() {
                try db.execute(sql: "UPDATE economic_units SET geom = MakePoint(?, ?, 4326) WHERE code = ?", arguments: [p.0, p.1, "P\(i)"])
            }
        }
        for (format, decimals) in [(FeatureWriter.Format.geojson, 7), (.geojson, 3), (.csv, 7)] {
            var options = FeatureWriter.Options()
            options.format = format
            options.precision = decimals
            options.bboxMember = true
            let (path, _) = try r.export(options: options, to: "points-\(decimals).\(format.rawValue)")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for (i, p) in points.enumerated() {
                let x = ByteCursorTests.plainCoordinate(p.0, decimals: decimals), y = ByteCursorTests.plainCoordinate(p.1, decimals: decimals)
                let line = text.split(whereSeparator: \.isNewline).first { $0.contains("Điểm \(i)") }.map(String.init) ?? ""
                if format == .csv {
                    #expect(line.hasSuffix(",\(x),\(y)"), "\(line)")
                } else {
                    #expect(line.contains(#""coordinates":[\#(x),\#(y)]},"bbox":[\#(x),\#(y),\#(x),\#(y)],"#), "\(line)")
                }
            }
        }
    }
}
