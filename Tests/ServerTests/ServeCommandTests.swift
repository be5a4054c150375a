import Foundation
import Testing

/// The command line: `econgis layers add|list|remove` and `econgis serve` as a process, read over HTTP.
@Suite struct ServeCommandTests {
    /// The built econgis in the products directory, beside the test executable.
    static let binary = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
        .appendingPathComponent("econgis").path

    @Test func layersAddListRemoveAndServe() async throws {
        let file = try ReferenceLayerTests.temporaryFile("roads.geojson", ReferenceLayerTests.roads)
        let db = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("r.sqlite").path
        #expect(try await run(Self.binary, ["init", "--db", db]).status == 0)
        let added = try await run(Self.binary, ["layers", "add", "--db", db, file, "--name", "duong-pho"])
        #expect(added.status == 0 && added.output.contains("added reference layer duong-pho: 3 features"), "\(added.output)")
        let again = try await run(Self.binary, ["layers", "add", "--db", db, file, "--name", "duong-pho"])
        #expect(again.status != 0 && again.output.contains("duong-pho"), "\(again.output)")
        #expect(try await run(Self.binary, ["layers", "list", "--db", db]).output.contains("duong-pho\t3\tGEOMETRY"))

        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.binary)
        server.arguments = ["serve", "--db", db, "--port", "0"]
        let errors = Pipe()
        server.standardError = errors
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        // "serving DB at http://127.0.0.1:PORT/ …" on standard error once listening.
        let line = try await withCheckedThrowingContinuation { (c: CheckedContinuation<String, Error>) in
            DispatchQueue.global().async {
                var text = ""
                while !text.contains("\n"), case let d = errors.fileHandleForReading.availableData, !d.isEmpty { text += String(decoding: d, as: UTF8.self) }
                c.resume(returning: text)
            }
        }
        let base = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }.map { String($0.dropLast()) }, "\(line)")
        let page = try await get(base + "/collections/duong-pho/items?limit=10")
        #expect(page.status == 200 && page.json["numberMatched"] as? Int == 3)
        server.terminate()
        server.waitUntilExit()

        #expect(try await run(Self.binary, ["layers", "remove", "--db", db, "units"]).status != 0)
        #expect(try await run(Self.binary, ["layers", "remove", "--db", db, "duong-pho"]).status == 0)
        #expect(try await run(Self.binary, ["layers", "list", "--db", db]).output.contains("no reference layers"))
    }
}
