import Foundation
import GRDB
import Registry
import Server
import Testing

/// The ward shading (`/map/ward-shares`) is kept per database version and date: its answer must be the direct
/// count, and a write by another program (a new unit, a verification) must change it.
@Suite struct MapShadingTests {
    @Test func shadingIsTheDirectCountAndFollowsWrites() async throws {
        let econgis = econgisBinary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-shading-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("demo.sqlite").path
        let today = TestServer.today.description
        let made = try await run(econgis, ["init", "--demo", "--db", db, "--demo-today", today,
                                           "--geodata", checkout.appendingPathComponent("geodata").path])
        try #require(made.status == 0, "\(made.output)")
        let base = "http://127.0.0.1:\(try await TestServer.start(databasePath: db))"

        let first = try await MapShadingTests.shading(base, today)
        #expect(first.count == 4)
        let again = try await MapShadingTests.shading(base, today), direct = try MapShadingTests.direct(db, today)
        #expect(again == first)
        #expect(first == direct, "the server's shading against the direct count")
        let old = try await MapShadingTests.shading(base, "2024-06-01")
        let oldDirect = try MapShadingTests.direct(db, "2024-06-01")
        #expect(old.count == 16 && old == oldDirect)

        // A new unit in Bình Thới, added by another program while the server runs.
        let inside = try DatabaseQueue(path: db, configuration: SpatiaLite.configuration(readonly: true)).read { db in
            try Row.fetchOne(db, sql: """
                SELECT X(ST_PointOnSurface(geom)) AS x, Y(ST_PointOnSurface(geom)) AS y FROM admin_units
                WHERE code = '27232' AND valid_to IS NULL
                """)!
        }
        let added = try await run(econgis, ["units", "add", "--db", db, "--code", MapShadingTests.taxCode(3_141_592), "--name", "Tạp hóa Mới",
                                            "--kind", "enterprise", "--lon", "\(inside["x"] as Double)", "--lat", "\(inside["y"] as Double)",
                                            "--registered-on", "2026-01-05", "--status", "active"])
        try #require(added.status == 0, "\(added.output)")
        let afterUnit = try await MapShadingTests.shading(base, today)
        #expect(afterUnit["27232"]?.units == (first["27232"]?.units ?? 0) + 1, "\(afterUnit["27232"].map { "\($0)" } ?? "nil")")
        let directAfterUnit = try MapShadingTests.direct(db, today)
        #expect(afterUnit == directAfterUnit)

        // An expired instrument verified again: one expired fewer in its ward.
        let expired = try await get("\(base)/collections/due/items?f=json&limit=1&state=expired&ward_code=27211&datetime=\(today)")
        let item = (expired.json["features"] as? [[String: Any]])?.first?["properties"] as? [String: Any] ?? [:]
        let serial = item["serial_no"] as? String ?? "", unitCode = item["unit_code"] as? String ?? ""
        let verified = try await run(econgis, ["instruments", "update", serial, "--unit", unitCode, "--db", db, "--last-verified-on", today])
        try #require(verified.status == 0, "\(verified.output)")
        let afterVerification = try await MapShadingTests.shading(base, today)
        #expect(afterVerification["27211"]?.expired == (afterUnit["27211"]?.expired ?? 0) - 1,
                "\(serial) at \(unitCode): \(afterVerification["27211"].map { "\($0)" } ?? "nil")")
        let directAfterVerification = try MapShadingTests.direct(db, today)
        #expect(afterVerification == directAfterVerification)
    }

    struct Shade: Equatable, CustomStringConvertible {
        var units, instruments, expired, due, unknown: Int
        var description: String { "units \(units), instruments \(instruments), expired \(expired), due \(due), unknown \(unknown)" }
    }

    /// `/map/ward-shares` by ward code.
    static func shading(_ base: String, _ date: String) async throws -> [String: Shade] {
        let r = try await get("\(base)/map/ward-shares?datetime=\(date)")
        #expect(r.status == 200, "\(r.text)")
        var byCode: [String: Shade] = [:]
        for w in r.json["wards"] as? [[String: Any]] ?? [] {
            byCode[w["code"] as? String ?? ""] = Shade(units: w["units"] as? Int ?? -1, instruments: w["instruments"] as? Int ?? -1,
                                                       expired: w["expired"] as? Int ?? -1, due: w["due"] as? Int ?? -1,
                                                       unknown: w["unknown"] as? Int ?? -1)
        }
        return byCode
    }

    /// The same counts made directly: units whose point SpatiaLite finds in the ward (or, without a point, that
    /// declared it), registered by the date; instruments by state from the due list's library call, uncached.
    static func direct(_ path: String, _ date: String) throws -> [String: Shade] {
        let units = try DatabaseQueue(path: path, configuration: SpatiaLite.configuration(readonly: true)).read { db in
            try Row.fetchAll(db, sql: """
                SELECT w.code, (SELECT count(*) FROM economic_units u WHERE coalesce(u.registered_on, '') <= :d
                                  AND (ST_Intersects(w.geom, u.geom) OR (u.geom IS NULL AND u.declared_ward_id = w.id))) AS n
                FROM admin_units w WHERE w.level = 'ward' AND w.valid_from <= :d AND (w.valid_to IS NULL OR w.valid_to >= :d)
                """, arguments: ["d": date]).map { ($0["code"] as String, $0["n"] as Int) }
        }
        let store = try RegistryStore.openForReading(path: path)
        let shares = try DueList(store: store).sharesByWard(DueFilter(units: UnitFilter(asOf: LocalDate(iso: date)!)))
        var byCode: [String: Shade] = [:]
        for (code, n) in units {
            let s = shares.first { $0.wardCode == code }
            byCode[code] = Shade(units: n, instruments: s?.instruments ?? 0, expired: s?.expired ?? 0, due: s?.due ?? 0, unknown: s?.unknown ?? 0)
        }
        return byCode
    }

    /// A valid 10-digit tax code 03… from `n` on.
    static func taxCode(_ n: Int) -> String {
        for k in n... {
            let digits = [0, 3] + String(format: "%07d", k % 10_000_000).compactMap(\.wholeNumberValue)
            if let check = TaxCode.checkDigit(digits) { return (digits + [check]).map(String.init).joined() }
        }
        return ""
    }
}
