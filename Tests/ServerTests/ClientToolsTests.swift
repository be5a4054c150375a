import Foundation
import GRDB
import Testing

/// PyPI clients from `.build/serve-venv` (scripts/setup installs them): OWSLib over every endpoint and parameter,
/// schemathesis over the OpenAPI document with all its checks, GDAL 3.12 (pyogrio) reading in EPSG:3405.
@Suite struct ClientToolsTests {
    static let venv = checkout.appendingPathComponent(".build/serve-venv/bin")

    static func tool(_ name: String) -> String? {
        let path = venv.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            toolMissing("\(path) is missing; scripts/setup installs OWSLib and schemathesis into .build/serve-venv")
            return nil
        }
        return path
    }

    @Test func owslibReadsEveryEndpointAndParameter() async throws {
        guard let python = ClientToolsTests.tool("python"),
              (try? await run(python, ["-c", "import owslib"]))?.status == 0 else {
            toolMissing("OWSLib is not installed in .build/serve-venv; scripts/setup installs it")
            return
        }
        let s = try await TestServer.shared.value
        let units = try await s.database().read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE registered_on IS NULL OR registered_on <= ?",
                             arguments: [TestServer.today.description])!
        }
        let script = checkout.appendingPathComponent("Tests/ServerTests/owslib_client.py").path
        let out = try await run(python, [script, s.base, String(units)])
        #expect(out.status == 0, "\(out.output)")
        #expect(out.output.contains(" checks, 0 failed"), "\(out.output)")
    }

    /// pyogrio's GDAL asks for EPSG:3405 with a bbox in EPSG:3405: the same units and coordinates as cs2cs gives.
    @Test func pyogrioReadsEPSG3405LikeCs2cs() async throws {
        guard let python = ClientToolsTests.tool("python"), let cs2cs = which("cs2cs"),
              (try? await run(python, ["-c", "import pyogrio"]))?.status == 0 else {
            toolMissing("pyogrio (PyPI, .build/serve-venv) or cs2cs (Debian proj-bin) is missing; scripts/setup installs them")
            return
        }
        let s = try await TestServer.shared.value
        let script = checkout.appendingPathComponent("Tests/ServerTests/pyogrio_crs.py").path
        let out = try await run(python, [script, s.base, cs2cs])
        #expect(out.status == 0 && out.output.contains("0 failed"), "\(out.output)")
    }

    /// No 5xx and every response as the document says, over generated, fuzzed and stateful requests.
    @Test func schemathesisFindsNoIssue() async throws {
        guard let st = ClientToolsTests.tool("schemathesis") else { return }
        let s = try await TestServer.shared.value
        let config = checkout.appendingPathComponent("Tests/ServerTests/schemathesis.toml").path
        // The document is fetched first (schemathesis gives its own fetch 10 s, too little while other tests load the server).
        let document = s.directory.appendingPathComponent("openapi.json")
        try await get(s.base + "/api?f=json").body.write(to: document)
        let out = try await run(st, ["--config-file", config, "run", document.path, "--url", s.base, "--checks", "all",
                                     "--max-examples", "25", "--seed", "12", "--no-color", "--request-timeout", "120"], in: s.directory)  // its cache stays out of the checkout
        #expect(out.status == 0, "\(out.output.suffix(4000))")
        #expect(out.output.contains("No issues found"), "\(out.output.suffix(4000))")
    }
}
