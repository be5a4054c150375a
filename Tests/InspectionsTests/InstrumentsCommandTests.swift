import Foundation
import Testing

/// `econgis instruments list|show|add|update` run as a user would, on a registry in a temporary directory.
@Suite(.serialized) struct InstrumentsCommandTests {
    let registry: TemporaryRegistry

    /// The station of the lifecycle tests (0100233488 with fuel dispensers F1 and F2, never verified) and a second unit.
    init() throws {
        registry = try stationRegistry()
        try registry.execute("""
            INSERT INTO economic_units (code, kind, name, status, registered_on, search_text, created_at, updated_at)
            VALUES ('0321853641', 'enterprise', 'Tạp hoá B', 'active', '2020-01-01', 'tap hoa b', '2020-01-01', '2020-01-01');
            """)
    }

    func econgis(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try Command.run(args + ["--db", registry.path])
    }

    func csv(_ args: [String]) throws -> [String] {
        let r = try econgis(["instruments", "list", "--format", "csv"] + args)
        #expect(r.status == 0, "\(r.err)")
        return r.out.split(separator: "\n").dropFirst().map(String.init)
    }

    @Test func addListShowUpdateAsTheReadmeShows() throws {
        let add = try econgis(["instruments", "add", "--unit", "0321853641", "--type", "spring_dial_scale", "--serial", "S1",
                               "--max-capacity", "30", "--scale-interval", "0.1", "--measure-unit", "kg", "--last-verified-on", "2025-06-15"])
        #expect(add.status == 0 && add.err.contains("added spring_dial_scale S1 at 0321853641"), "\(add.err)")
        #expect(try econgis(["instruments", "update", "F1", "--last-verified-on", "2025-01-01", "--certificate-no", "KĐ-1"]).status == 0)
        #expect(try csv(["--as-of", "2026-06-01", "--columns", "unit_code,serial_no,state"])
                == ["0100233488,F1,expired", "0100233488,F2,unknown", "0321853641,S1,valid"])
        #expect(try csv(["--as-of", "2026-06-01", "--columns", "serial_no", "--state", "valid", "--state", "expired"]) == ["F1", "S1"])
        #expect(try csv(["--as-of", "2026-06-01", "--columns", "serial_no", "--unit", "0100233488", "--type", "fuel_dispenser", "--limit", "1"]) == ["F1"])
        #expect(try econgis(["instruments", "list", "--count"]).out == "3\n")

        let geojson = try econgis(["instruments", "list", "--format", "geojson", "--as-of", "2026-06-01"])
        let collection = try #require(try JSONSerialization.jsonObject(with: Data(geojson.out.utf8)) as? [String: Any])
        #expect((collection["features"] as? [Any])?.count == 3)

        let shown = try econgis(["instruments", "show", "F1", "--as-of", "2026-06-01", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.out.utf8)) as? [String: Any], "\(shown.err)")
        #expect(json["state"] as? String == "expired" && json["version"] as? Int == 2)
        #expect((json["unit"] as? [String: Any])?["code"] as? String == "0100233488")
        #expect((json["verifications"] as? [[String: Any]])?.map { $0["verified_on"] as? String } == ["2025-01-01"])
        let table = try econgis(["instruments", "show", "S1"])
        #expect(table.status == 0 && table.out.contains("verifications (1):") && table.out.contains("seals (0):"), "\(table.err)")
    }

    @Test func badValuesNameTheFlagWriteNothingAndExitByKind() throws {
        let before = try ["measuring_instruments", "change_history"].map { try registry.snapshot($0) }
        let bad = try econgis(["instruments", "add", "--unit", "0100233488", "--type", "fuel_dispenser", "--serial", "F9", "--max-capacity=-3",
                               "--measure-unit", "L"])
        #expect(bad.status == 65 && bad.err.contains("--max-capacity \"-3\": expected a number greater than 0"), "\(bad.err)")
        let twice = try econgis(["instruments", "add", "--unit", "0100233488", "--type", "fuel_dispenser", "--serial", "F1"])
        #expect(twice.status == 65 && twice.err.contains("--serial \"F1\": expected a serial number"), "\(twice.err)")
        let missing = try econgis(["instruments", "show", "NOPE"])
        #expect(missing.status == 66 && missing.err.contains("econgis instruments list --unit CODE"), "\(missing.err)")
        let bbox = try econgis(["instruments", "list", "--bbox", "106.64,10.76,106.65"])
        #expect(bbox.status == 65 && bbox.err.contains("--bbox \"106.64,10.76,106.65\": expected four numbers"), "\(bbox.err)")
        let radius = try econgis(["instruments", "list", "--near", "106.64,10.76", "--radius=-5"])
        #expect(radius.status == 65 && radius.err.contains("--radius \"-5.0\": expected metres greater than 0"), "\(radius.err)")
        let sort = try econgis(["instruments", "list", "--sort", "colour"])
        #expect(sort.status == 65 && sort.err.contains("--sort \"colour\": expected one of unit_code"), "\(sort.err)")
        #expect(try ["measuring_instruments", "change_history"].map { try registry.snapshot($0) } == before)
    }
}
