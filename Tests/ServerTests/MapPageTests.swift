import Foundation
import GRDB
import Registry
import Server
import Testing

/// The `/map` page in headless Chromium (Debian chromium + chromium-driver, Selenium from .build/map-venv) against
/// `econgis serve` on the demo registry: map_page.py drives it and checks what an officer sees.
@Suite struct MapPageTests {
    static let venvPython = checkout.appendingPathComponent(".build/map-venv/bin/python").path
    static let shots = checkout.appendingPathComponent(".build/map-page-screenshots")
    /// Few optimiser rounds: the page's plan and `econgis plan` must agree, not be the best of the day.
    static let rounds = 50

    /// Why the browser test cannot run here, or nil.
    static func missing() -> String? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver", MapSettings.debianLeafletDirectory + "/leaflet.markercluster.js"]
        where !FileManager.default.fileExists(atPath: path) {
            return "\(path) is missing; scripts/setup installs chromium, chromium-driver, libjs-leaflet and libjs-leaflet.markercluster"
        }
        if (try? runBlocking(venvPython, ["-c", "import selenium"]))?.status != 0 {
            return "Selenium is not installed in .build/map-venv; scripts/setup installs it"
        }
        return nil
    }

    @Test func officerSeesWardsUnitsPlanAndSearchResults() async throws {
        if let reason = MapPageTests.missing() {
            toolMissing("\(reason)")
            return
        }
        let econgis = econgisBinary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("demo.sqlite").path
        let initialised = try await run(econgis, ["init", "--demo", "--db", db])
        try #require(initialised.status == 0, "\(initialised.output)")

        let today = LocalDate.today()
        let plan = try await run(econgis, ["plan", "--db", db, "--ward", "27232", "--date", today.description, "--teams", "2",
                                           "--seed", "1", "--rounds", "\(MapPageTests.rounds)", "--format", "json",
                                           "--output", directory.appendingPathComponent("plan.json").path])
        try #require(plan.status == 0, "\(plan.output)")
        let routes = try MapPageTests.stopIds(planJSON: String(contentsOf: directory.appendingPathComponent("plan.json"), encoding: .utf8))
        #expect(routes.count == 2 && routes.allSatisfy { !$0.isEmpty }, "econgis plan: \(routes)")
        // The summary's "left for another day: 581 lower priority, 52 no room left" added up: the page says as many,
        // the considered units it lists and those of lower priority it only counts.
        let left = MapPageTests.leftForAnotherDay(plan.output)
        #expect(left > 100, "econgis plan: \(plan.output)")

        let earlier = "2025-03-01"
        let unit: [String: any Sendable] = try await DatabaseQueue(path: db, configuration: SpatiaLite.configuration(readonly: true)).read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT u.id, u.code, u.name FROM economic_units u JOIN measuring_instruments i ON i.unit_id = u.id
                WHERE u.status = 'active' AND u.kind = 'enterprise' AND u.geom IS NOT NULL AND coalesce(u.registered_on, '') <= ?
                GROUP BY u.id HAVING count(*) >= 2 ORDER BY u.id LIMIT 1
                """, arguments: [earlier])!
            let id: Int64 = row["id"]
            let serials = try String.fetchAll(db, sql: "SELECT serial_no FROM measuring_instruments WHERE unit_id = ? ORDER BY id", arguments: [id])
            return ["id": id, "code": row["code"] as String, "name": row["name"] as String, "serials": serials,
                    "wards": try MapPageTests.wardPeriods(db, unitId: id), "earlier": earlier]
        }
        let wards = unit["wards"] as? [[String: String]] ?? []
        #expect(wards.count >= 2 && wards.first?["from"] ?? "" < "2025-01-01", "the unit's wards through the reform: \(wards)")
        let expect: [String: Any] = [
            "today": today.description,
            "wards": ["2024-06-01": 16, "2025-03-01": 10, today.description: 4],
            "unit": unit,
            "plan": ["ward": "27232", "date": today.description, "teams": 2, "rounds": MapPageTests.rounds, "routes": routes, "left": left],
            "search": ["q": "cho binh thoi", "code": "CHO-BINH-THOI", "name": "Chợ Bình Thới"],
        ]
        let expectPath = directory.appendingPathComponent("expect.json")
        try JSONSerialization.data(withJSONObject: expect).write(to: expectPath)
        try? FileManager.default.removeItem(at: MapPageTests.shots)
        try FileManager.default.createDirectory(at: MapPageTests.shots, withIntermediateDirectories: true)

        let server = try ServeProcess(econgis, db: db)
        defer { server.stop() }
        let script = checkout.appendingPathComponent("Tests/ServerTests/map_page.py").path
        let driven = try await run(MapPageTests.venvPython, [script, server.base, expectPath.path, MapPageTests.shots.path])
        print(driven.output)
        print("map page screenshots: \(MapPageTests.shots.path)")
        #expect(driven.status == 0 && driven.output.hasSuffix("OK\n"), "map_page.py: \(driven.output)")
    }

    /// The ward the unit's point lies in (SpatiaLite's ST_Intersects on the boundaries, the lowest code on a shared
    /// edge) on each day a period of wards begins, neighbours with the same ward joined: what the popup's
    /// "ward then and now" must list, found without the stored membership.
    static func wardPeriods(_ db: Database, unitId: Int64) throws -> [[String: String]] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT p.day, (SELECT a.code FROM admin_units a WHERE a.level = 'ward' AND a.valid_from <= p.day
                             AND (a.valid_to IS NULL OR a.valid_to >= p.day) AND ST_Intersects(a.geom, u.geom) ORDER BY a.code LIMIT 1) AS code
            FROM economic_units u CROSS JOIN (SELECT DISTINCT valid_from AS day FROM admin_units WHERE level = 'ward') p
            WHERE u.id = ? ORDER BY p.day
            """, arguments: [unitId])
        var periods: [[String: String]] = []
        for row in rows {
            let code: String = row["code"] ?? ""
            if periods.last?["code"] != code { periods.append(["code": code, "from": row["day"]]) }
        }
        return periods
    }

    /// The units the summary line of `econgis plan` leaves for another day, every reason added up.
    static func leftForAnotherDay(_ output: String) -> Int {
        guard let r = output.range(of: "left for another day: ") else { return 0 }
        return output[r.upperBound...].prefix { $0 != "\n" }.split(separator: ",")
            .compactMap { Int($0.split(separator: " ").first ?? "") }.reduce(0, +)
    }

    /// Each team's stop ids, in order, from `econgis plan --format json`.
    static func stopIds(planJSON: String) throws -> [[String]] {
        let object = try JSONSerialization.jsonObject(with: Data(planJSON.utf8)) as? [String: Any]
        let routes = object?["routes"] as? [[String: Any]] ?? []
        return routes.map { ($0["stops"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
    }
}

/// `econgis serve --port 0` as a user runs it, on a free loopback port read from its first line.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let base: String

    init(_ econgis: String, db: String, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: econgis)
        process.arguments = ["serve", "--db", db, "--port", "0"] + extra
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            process.terminate()
            throw RegistryError.invalidArgument(field: "econgis serve", value: text, expected: "a first line with the URL it serves")
        }
        base = String(text[range])
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// The built `econgis`, beside the test bundle (the products directory).
func econgisBinary() -> String {
    var dir = Bundle.main.bundleURL
    if dir.pathExtension == "xctest" { dir.deleteLastPathComponent() }
    return dir.appendingPathComponent("econgis").path
}
