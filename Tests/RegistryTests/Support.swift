import Foundation
import GRDB
import Output
@testable import Registry

/// A fresh registry in its own temporary directory, removed when the value is released.
final class TemporaryRegistry {
    let directory: URL
    let store: RegistryStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try RegistryStore(path: directory.appendingPathComponent("registry.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` to a file in the directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Writes `layer` for `filter` to a new file `name` in the directory, as `econgis export` does; returns its
    /// path and how many features the writer wrote.
    func export(_ layer: FeatureLayer = .units, filter: UnitFilter = UnitFilter(asOf: .today()),
                options: FeatureWriter.Options = FeatureWriter.Options(), to name: String) throws -> (path: String, written: Int) {
        let path = directory.appendingPathComponent(name).path
        let target = try OutputTarget(path: path, overwrite: false)
        var writer = FeatureWriter(options, sink: target.sink)
        try FeatureLayers(store: store).stream(layer, filter: filter, begin: { writer.begin($0) }) { try writer.write($0) }
        try writer.end()
        try target.finish()
        return (path, writer.written)
    }

    func count(_ table: String) throws -> Int {
        try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)")! }
    }

    /// Every row of a table as text, to compare a database before and after a failed operation.
    func snapshot(_ table: String) throws -> [String] {
        try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map(\.description) }
    }

    /// Two square wards side by side for 2024 (west 27232 "Phường 9", east 27223 "Phường 10") and
    /// one ward over both from 2025-07-01 (27232 "Phường Bình Thới"): a code reused across periods.
    func loadSmallWards() throws {
        let wards = try file("wards.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.640,10.760],[106.645,10.760],[106.645,10.765],[106.640,10.765],[106.640,10.760]]]},
             "properties":{"code":"27232","name":"Phường 9","valid_from":"2000-01-01","valid_to":"2025-06-30"}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.645,10.760],[106.650,10.760],[106.650,10.765],[106.645,10.765],[106.645,10.760]]]},
             "properties":{"code":"27223","name":"Phường 10","valid_from":"2000-01-01","valid_to":"2025-06-30"}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.640,10.760],[106.650,10.760],[106.650,10.765],[106.640,10.765],[106.640,10.760]]]},
             "properties":{"code":"27232","name":"Phường Bình Thới","valid_from":"2025-07-01"}}
            ]}
            """)
        _ = try AdminImport(store: store).importWards(path: wards, options: .init(validFrom: LocalDate(iso: "2000-01-01")!, today: LocalDate(iso: "2026-11-15")!))
        let jurisdiction = try file("j.geojson", """
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.640,10.760],[106.650,10.760],[106.650,10.765],[106.640,10.765],[106.640,10.760]]]},"properties":{}}
            """)
        try AdminImport(store: store).importJurisdiction(path: jurisdiction, name: "test district")
    }
}

extension TemporaryRegistry {
    /// After `loadSmallWards`, a new period: the 2025 ward ends, two wards split it from 2026-07-01 along latitude
    /// 10.7625 (27299 "Phường Nam" south, 27298 "Phường Bắc" north), imported as `econgis import wards` would.
    func splitWardIn2026(today: LocalDate) throws {
        let wards = try file("wards-2026.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.640,10.760],[106.650,10.760],[106.650,10.765],[106.640,10.765],[106.640,10.760]]]},
             "properties":{"code":"27232","name":"Phường Bình Thới","valid_from":"2025-07-01","valid_to":"2026-06-30"}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.640,10.760],[106.650,10.760],[106.650,10.7625],[106.640,10.7625],[106.640,10.760]]]},
             "properties":{"code":"27299","name":"Phường Nam","valid_from":"2026-07-01"}},
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.640,10.7625],[106.650,10.7625],[106.650,10.765],[106.640,10.765],[106.640,10.7625]]]},
             "properties":{"code":"27298","name":"Phường Bắc","valid_from":"2026-07-01"}}
            ]}
            """)
        _ = try AdminImport(store: store).importWards(path: wards, options: .init(validFrom: LocalDate(iso: "2026-07-01")!, today: today))
    }
}

/// ../shared/reference-data, when this checkout sits beside it (CI and the developers' machines).
enum ReferenceData {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/reference-data")

    static var available: Bool {
        let ok = FileManager.default.fileExists(atPath: root.appendingPathComponent("gadm-q11-wards/gadm41_VNM_3_quan11.geojson").path)
        if !ok { print("skipped: ../shared/reference-data is not beside this checkout (\(root.path)); tests on real boundaries need it") }
        return ok
    }

    /// The 16 GADM wards of 2024 with a `code` property from the crosswalk, written to `directory`.
    static func gadmWardsWithCodes(in directory: URL) throws -> String {
        let crosswalk = try String(contentsOf: root.appendingPathComponent("vn-admin-codes/quan11_ward_crosswalk.csv"), encoding: .utf8)
        var codeByNumber: [String: String] = [:]
        for line in crosswalk.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            codeByNumber[cells[0].replacingOccurrences(of: "Phường ", with: "")] = String(cells[1])
        }
        var text = try String(contentsOf: root.appendingPathComponent("gadm-q11-wards/gadm41_VNM_3_quan11.geojson"), encoding: .utf8)
        for n in 1...16 {
            text = text.replacingOccurrences(of: "\"NAME_3\": \"Phường\(n)\"", with: "\"NAME_3\": \"Phường \(n)\", \"code\": \"\(codeByNumber[String(n)]!)\"")
        }
        let url = directory.appendingPathComponent("gadm-coded.geojson")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
