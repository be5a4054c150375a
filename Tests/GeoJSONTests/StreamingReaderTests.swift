import Foundation
import Testing
@testable import GeoJSON

/// The file reader streams in 1 MiB chunks: it must read exactly what the in-memory reader reads,
/// whatever falls on a chunk boundary (an escape, a string, a line break, a feature's end).
@Suite struct StreamingReaderTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).geojson").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func items(_ reader: GeoJSONReader) -> [String] {
        reader.map { item in
            "\(item.index) \(item.line) " + ((try? item.result.get()).map { GeoJSONWriter.string([$0]) } ?? "error")
        }
    }

    /// Features with escapes, multi-byte letters and line breaks, in the three layouts, several MiB long.
    @Test(arguments: ["collection", "sequence", "crsAfterFeatures"])
    func fileAndMemoryReadersAgree(layout: String) throws {
        var features: [String] = []
        for i in 0..<12_000 {
            let name = "Chợ \\\"số\\\" \(i)\\\\" + String(repeating: "ư", count: i % 97)
            features.append("{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\",\"n\":\(i)},\n \"geometry\":{\"type\":\"Point\",\"coordinates\":[106.\(i),10.7]}}")
        }
        features[77] = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\"}}"  // one bad feature, read as an error
        let text: String
        switch layout {
        case "sequence": text = features.map { $0.replacingOccurrences(of: "\n", with: "") }.joined(separator: "\n\u{1E}")
        case "crsAfterFeatures":
            text = "{\"type\":\"FeatureCollection\",\"features\":[\n" + features.joined(separator: ",\n")
                + "],\n\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::3405\"}}}"
        default: text = "\u{FEFF}{\"type\":\"FeatureCollection\",\"name\":\"x\",\"features\":[\n" + features.joined(separator: ",\n") + "]}"
        }
        #expect(text.utf8.count > 2 << 20)  // three chunks
        let path = try write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try GeoJSONReader(path: path)
        let fromMemory = try GeoJSONReader(data: Data(text.utf8))
        #expect(fromFile.count == 12_000 && fromMemory.count == 12_000)
        #expect(fromFile.declaredCRS == (layout == "crsAfterFeatures" ? "EPSG:3405" : nil))
        let a = items(fromFile), b = items(fromMemory)
        let firstDifference = a.indices.first { $0 >= b.count || a[$0] != b[$0] }
        #expect(a.count == b.count && firstDifference == nil, "first difference at item \(firstDifference ?? -1)")
        #expect(a[77].hasSuffix("error") && a[76].contains("số"))
        #expect(a.filter { $0.hasSuffix("error") }.count == 1)
    }

    @Test func truncatedFileIsRefusedBeforeAnyFeature() throws {
        let path = try write("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":null},")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: GeoJSONError.self) { try GeoJSONReader(path: path) }
        #expect(throws: GeoJSONError("no such file or not readable")) { try GeoJSONReader(path: path + ".missing") }
    }

    /// geojson-timeout-1294ee…: a stray closing bracket after the top-level object made both readers
    /// loop for ever (the skip of "nothing" never advanced); on main too.
    @Test(arguments: ["{\"type\":\"FeatureCollection\",\"features\":[]}}", "{}\n,", "{}\n]", "{\"type\":\"Feature\"}\n:"])
    func strayClosersAfterTheObjectAreRefused(text: String) throws {
        #expect(throws: GeoJSONError.self) { try GeoJSONReader(data: Data(text.utf8)) }
        let path = try write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: GeoJSONError.self) { try GeoJSONReader(path: path) }
    }

    /// geojson-crash-d3a4be…: a value that ends at the end of the file (a bare 47 after a feature) was
    /// captured twice by the file reader, which then disagreed with the memory reader.
    @Test(arguments: ["{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}\n47", "{\"type\":\"Feature\"}\n\"text\""])
    func aValueEndingTheFileReadsTheSameFromTheFile(text: String) throws {
        let path = try write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(items(try GeoJSONReader(path: path)) == items(try GeoJSONReader(data: Data(text.utf8))))
    }
}
