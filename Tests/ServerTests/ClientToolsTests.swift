import Foundation
import GRDB
import Testing

/// PyPI clients from `.build/serve-venv` (scripts/setup installs them): OWSLib over every endpoint and parameter,
/// schemathesis over the OpenAPI document with all its checks.
@Suite struct ClientToolsTests {
    static let venv = checkout.appendingPathComponent(".build/serve-venv/bin")

    static func tool(_ name: String) -> String? {
        let path = venv.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            print("skipped: \(path) is missing; scripts/setup installs OWSLib and schemathesis into .build/serve-venv")
            return nil
        }
        return path
    }

    @Test func owslibReadsEveryEndpointAndParameter() async throws {
        guard let python = ClientToolsTests.tool("python"),
              (try? await run(python, ["-c", "import owslib"]))?.status == 0 else {
            print("skipped: OWSLib is not installed in .build/serve-venv; scripts/setup installs it")
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

    /// No 5xx and every response as the document says, over generated, fuzzed and stateful requests.
    @Test func schemathesisFindsNoIssue() async throws {
        guard let st = ClientToolsTests.tool("schemathesis") else { return }
        let s = try await TestServer.shared.value
        let config = checkout.appendingPathComponent("Tests/ServerTests/schemathesis.toml").path
        let out = try await run(st, ["--config-file", config, "run", s.base + "/api?f=json", "--checks", "all",
                                     "--max-examples", "25", "--seed", "12", "--no-color", "--request-timeout", "120"], in: s.directory)  // its cache stays out of the checkout
        #expect(out.status == 0, "\(out.output.suffix(4000))")
        #expect(out.output.contains("No issues found"), "\(out.output.suffix(4000))")
    }
}
