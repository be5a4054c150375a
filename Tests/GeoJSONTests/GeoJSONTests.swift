import Foundation
import Testing
@testable import GeoJSON

/// The reader and writer on their own: round trips, the three layouts, and errors that say where.
@Suite struct GeoJSONReaderWriterTests {
    static let square = try! LinearRing([
        Position(106.64, 10.76), Position(106.65, 10.76), Position(106.65, 10.77),
        Position(106.64, 10.77), Position(106.64, 10.76),
    ])

    static let features: [Feature] = [
        Feature(id: .string("CHO-BINH-THOI"), geometry: .point(Position(106.6412345, 10.7654321)),
                properties: [("name", "Chợ Bình Thới"), ("stalls", 180), ("open", true), ("note", .null)]),
        Feature(id: .number(7), geometry: .polygon([square]), properties: [("ward", "Phường Bình Thới")]),
        Feature(geometry: nil, properties: [("quote", "say \"xin chào\"\n\ttab")]),
        Feature(geometry: .multiLineString([[Position(1, 2), Position(3, 4, 5)]]), properties: []),
    ]

    func read(_ text: String) throws -> (features: [Feature], crs: String?) {
        let reader = try GeoJSONReader(data: Data(text.utf8))
        return (try reader.map { try $0.result.get() }, reader.declaredCRS)
    }

    @Test func featureCollectionRoundTrip() throws {
        let text = GeoJSONWriter.string(Self.features, name: "units")
        let back = try read(text).features
        #expect(back == Self.features)
        // Properties keep their order, so the output is byte-for-byte deterministic.
        #expect(GeoJSONWriter.string(back, name: "units") == text)
    }

    @Test func sequenceRoundTripWithAndWithoutRecordSeparator() throws {
        var text = ""
        var writer = GeoJSONWriter(layout: .sequence) { text += $0 }
        try writer.begin()
        for f in Self.features { try writer.write(f) }
        try writer.end()
        #expect(text.split(separator: "\n").count == Self.features.count)
        #expect(try read(text).features == Self.features)
        let rfc8142 = text.split(separator: "\n").map { "\u{1E}" + $0 }.joined(separator: "\n")
        #expect(try read(rfc8142).features == Self.features)
    }

    @Test func singleFeatureAndByteOrderMark() throws {
        let text = "\u{FEFF}" + #"{"type":"Feature","geometry":{"type":"Point","coordinates":[106.6,10.7]},"properties":{"a":1}}"#
        let back = try read(text).features
        #expect(back.count == 1)
        #expect(back[0].geometry == .point(Position(106.6, 10.7)))
        #expect(back[0][property: "a"] == .int(1))
    }

    @Test func declaredCRSNames() throws {
        let urn = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3405"}},"features":[]}"#
        #expect(try read(urn).crs == "EPSG:3405")
        let crs84 = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[]}"#
        #expect(try read(crs84).crs == "OGC:CRS84")
        #expect(try read(#"{"type":"FeatureCollection","features":[]}"#).crs == nil)
    }

    @Test func precisionRoundsCoordinates() throws {
        let f = Feature(geometry: .point(Position(106.123456789, -0.00000001)))
        let text = GeoJSONWriter.string([f], precision: 5)
        #expect(text.contains("[106.12346,0]"))
    }

    @Test func badFeatureNamesItsIndexAndLineAndTheOthersStillRead() throws {
        let text = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}},
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]},"properties":{}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":["x",2]},"properties":{}},
        {"type":"Feature","geometry":{"type":"Spiral","coordinates":[]},"properties":{}}
        ]}
        """
        let items = Array(try GeoJSONReader(data: Data(text.utf8)))
        #expect(items.map(\.index) == [1, 2, 3, 4])
        #expect(items.map(\.line) == [2, 3, 4, 5])
        #expect((try? items[0].result.get()) != nil)
        let messages = items.dropFirst().map { item -> String in
            if case .failure(let e) = item.result { return e.message }
            return "read"
        }
        #expect(messages[0].contains("closed"))
        #expect(messages[1].contains("position"))
        #expect(messages[2].contains("Spiral"))
    }

    /// geojson-crash-473f049…: an elevation past a Double's range (`10.7e90552`) was read as infinity and written back
    /// as `inf`, which no reader takes; a position holding anything but numbers is refused too. Both readers (from
    /// memory and streamed from a file) refuse the feature alike, with what a position must hold.
    @Test(arguments: [
        ("[106.6,10.7,10.7e90552]", "finite"), ("[106.6,-1e400]", "finite"), ("[106.6,10.7,true]", "numbers"),
        ("[106.6,10.7,null]", "numbers"), ("[106.6,10.7,[1]]", "numbers"), ("[106.6,10.7,\"5\"]", "numbers"),
    ])
    func aPositionHoldsFiniteNumbersOnly(coordinates: String, expected: String) throws {
        let text = #"{"type":"Feature","geometry":{"type":"Point","coordinates":"# + coordinates + #"},"properties":{}}"#
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-position-\(UUID().uuidString).geojson").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for reader in [try GeoJSONReader(data: Data(text.utf8)), try GeoJSONReader(path: path)] {
            let items = Array(reader)
            #expect(items.count == 1)
            guard case .failure(let error) = items.first?.result else {
                Issue.record("\(coordinates) was read as a position")
                continue
            }
            #expect(error.message.contains(expected))
        }
        // A finite elevation still reads and writes back.
        let written = GeoJSONWriter.string(try read(text.replacingOccurrences(of: coordinates, with: "[106.6,10.7,1e300]")).features)
        #expect(try read(written).features.first?.geometry == .point(Position(106.6, 10.7, 1e300)))
    }

    @Test(arguments: [
        ("", "empty"),
        ("[1,2]", "JSON object"),
        (#"{"type":"Topology","objects":{}}"#, "Topology"),
        (#"{"type":"FeatureCollection"}"#, "features"),
        (#"{"type":"FeatureCollection","features":[{"type":"Feature"}"#, "end of file"),
    ])
    func filesThatAreNotGeoJSONAreRejectedWithAReason(text: String, expected: String) {
        #expect {
            _ = try GeoJSONReader(data: Data(text.utf8))
        } throws: { error in
            (error as? GeoJSONError)?.message.contains(expected) == true
        }
    }
}

/// The JSON parser under the reader: RFC 8259 strictness and exact values.
@Suite struct JSONTextTests {
    @Test func valuesAndEscapes() throws {
        let v = try JSONText.decode(Array(#"{"z":1,"a":-2.5e2,"s":"Ch\u1ee3 \"B\u00ecnh\" \ud83d\ude00\/\n","n":null,"t":[true,false,{}],"i":9007199254740993}"#.utf8))
        #expect(v == .object([
            ("z", 1), ("a", -250.0), ("s", "Chợ \"Bình\" 😀/\n"), ("n", .null),
            ("t", .array([true, false, .object([])])), ("i", .int(9007199254740993)),
        ]))
        // Written back in the same member order.
        #expect(JSONText.encode(v).hasPrefix(#"{"z":1,"a":-250,"s":"Chợ \"Bình\" 😀/\n""#))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"a\nb\"", "\"\\x\"", "\"\\ud800\"", "{} x", "[1 2]"])
    func malformedTextIsRejected(text: String) {
        #expect(throws: GeoJSONError.self) { try JSONText.decode(Array(text.utf8)) }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: GeoJSONError.self) { try JSONText.decode([0x22, 0xC3, 0x28, 0x22]) }
    }
}
