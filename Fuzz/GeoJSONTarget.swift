import Foundation

/// libFuzzer target: any bytes as a GeoJSON import file, read from memory and streamed from a file.
/// Both readers must agree item for item (layout, count, CRS, every feature or error), and neither
/// may trap. Decoded features are written back and must read again. Built by scripts/fuzz.
private let scratch: String = {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(dir)/econgis-fuzz-geojson-\(getpid()).geojson"
}()

private func summary(_ reader: GeoJSONReader) -> [String] {
    ["\(reader.count) \(reader.declaredCRS ?? "-")"] + reader.prefix(1000).map { item in
        switch item.result {
        case .success(let f): return "\(item.index) \(item.line) \(GeoJSONWriter.string([f]))"
        case .failure(let e): return "\(item.index) \(item.line) \(e.message)"
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    guard FileManager.default.createFile(atPath: scratch, contents: data) else { return 0 }
    let memory: Result<GeoJSONReader, GeoJSONError>
    do { memory = .success(try GeoJSONReader(data: data)) } catch { memory = .failure(error) }
    let file: Result<GeoJSONReader, GeoJSONError>
    do { file = .success(try GeoJSONReader(path: scratch)) } catch { file = .failure(error) }
    switch (memory, file) {
    case (.success(let m), .success(let f)):
        let a = summary(m), b = summary(f)
        precondition(a == b, "memory and file readers disagree")
        let features = m.prefix(1000).compactMap { try? $0.result.get() }
        let text = GeoJSONWriter.string(features)
        guard let again = try? GeoJSONReader(data: Data(text.utf8)) else { preconditionFailure("written features do not read back") }
        precondition(again.count == features.count, "written features read back as another count")
        for item in again { if case .failure(let e) = item.result { preconditionFailure("written feature unreadable: \(e)") } }
    case (.failure(let a), .failure(let b)):
        precondition(a == b, "memory and file readers refuse differently: \(a) / \(b)")
    default:
        preconditionFailure("one reader accepts what the other refuses")
    }
    // JSON on its own: decode what can be decoded, encode it, decode again to the same text.
    if let value = try? JSONText.decode(data) {
        let text = JSONText.encode(value)
        guard let back = try? JSONText.decode(Array(text.utf8)) else { preconditionFailure("encoded JSON does not decode") }
        precondition(JSONText.encode(back) == text, "JSON encode is not stable")
    }
    return 0
}
