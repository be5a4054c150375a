import Foundation
import Testing

/// Runs the built `econgis` binary as a user would, and GDAL's tools as an independent judge.
struct Command {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = checkout.appendingPathComponent(".build/debug/econgis").path

    static func run(_ executable: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["ECONGIS_DB"] = nil
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

@Suite(.serialized) struct CLITests {
    let dir: URL
    let db: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        db = dir.appendingPathComponent("demo.sqlite").path
        let r = try Command.run(Command.binary, ["init", "--demo", "--db", db, "--demo-today", "2026-11-15",
                                                 "--geodata", Command.checkout.appendingPathComponent("geodata").path])
        #expect(r.status == 0, "\(r.err)")
    }

    @Test func wardsAcrossTheReform() throws {
        for (date, n) in [("2024-06-01", 16), ("2025-03-01", 10), ("2026-11-15", 4)] {
            let r = try Command.run(Command.binary, ["wards", "--db", db, "--as-of", date, "--format", "json"])
            #expect(r.status == 0)
            let rows = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [[String: Any]]
            #expect(rows.count == n)
        }
    }

    @Test func geoJSONOutputIsReadByGDAL() throws {
        let out = dir.appendingPathComponent("bt.geojson").path
        let r = try Command.run(Command.binary, ["units", "list", "--db", db, "--ward", "27232", "--format", "geojson", "--output", out])
        #expect(r.status == 0, "\(r.err)")
        let json = try Command.run(Command.binary, ["units", "list", "--db", db, "--ward", "27232", "--format", "json"])
        let count = (try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [[String: Any]]).count
        #expect(count > 100)
        let info = try Command.run("/usr/bin/ogrinfo", ["-ro", "-al", "-so", out])
        #expect(info.status == 0, "\(info.err)")
        #expect(info.out.contains("Feature Count: \(count)"))
        #expect(info.out.contains("Geometry: Point"))
        // The database itself is a SpatiaLite file GDAL can open, with its geometry columns registered.
        let layer = try Command.run("/usr/bin/ogrinfo", ["-ro", "-so", db, "economic_units"])
        #expect(layer.status == 0, "\(layer.err)")
        #expect(layer.out.contains("Geometry: Point") && layer.out.contains("EPSG\",4326") || layer.out.contains("WGS 84"))
    }

    @Test func badInputExitsNonZeroAndChangesNothing() throws {
        let before = try Command.run("/usr/bin/sqlite3", [db, "SELECT count(*), sum(version) FROM economic_units"]).out
        let bad = dir.appendingPathComponent("bad.csv")
        try "code,name,kind,lon,lat\n0100233487,X,enterprise,106.642,10.762\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try Command.run(Command.binary, ["import", "units", bad.path, "--db", db])
        #expect(r.status != 0)
        #expect(r.err.contains("bad.csv line 2: field code: \"0100233487\""))
        for args in [["units", "list", "--db", db, "--near", "106.6,10.7"], ["units", "list", "--db", db, "--bbox", "1,2,3"],
                     ["due", "--db", db, "--as-of", "2026-02-30"], ["units", "show", "NOPE", "--db", db],
                     ["units", "list", "--db", dir.appendingPathComponent("missing.sqlite").path]] {
            let e = try Command.run(Command.binary, args)
            #expect(e.status != 0, "\(args)")
            #expect(!e.err.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing.sqlite").path))
        #expect(try Command.run("/usr/bin/sqlite3", [db, "SELECT count(*), sum(version) FROM economic_units"]).out == before)
    }

    @Test func dueListForTheMainJob() throws {
        let r = try Command.run(Command.binary, ["due", "--db", db, "--ward", "27232", "--as-of", "2026-11-15", "--format", "csv"])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n")
        #expect(lines.first?.hasPrefix("unit_code,unit_name,kind,ward_code") == true)
        #expect(lines.count > 20)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",27232,") })
        #expect(r.err.contains("expired"))
    }
}
