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

        let (server, base) = try await Self.serve(db)
        defer { server.terminate(); server.waitUntilExit() }
        let page = try await get(base + "/collections/duong-pho/items?limit=10")
        #expect(page.status == 200 && page.json["numberMatched"] as? Int == 3)
        server.terminate()
        server.waitUntilExit()

        #expect(try await run(Self.binary, ["layers", "remove", "--db", db, "units"]).status != 0)
        #expect(try await run(Self.binary, ["layers", "remove", "--db", db, "duong-pho"]).status == 0)
        #expect(try await run(Self.binary, ["layers", "list", "--db", db]).output.contains("no reference layers"))
    }

    /// A database that does not exist: exit 66, its path named, the way to create it said once, and no file made.
    @Test func serveWithoutADatabaseSaysHowToMakeOne() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("missing.sqlite").path
        let served = try await run(Self.binary, ["serve", "--db", db, "--port", "0"])
        #expect(served.status == 66, "\(served.output)")
        #expect(served.output.contains(db) && served.output.components(separatedBy: "econgis init").count == 2, "\(served.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// Clients that stop reading their 10 000-feature pages hold every reader thread; the database then changes, and
    /// /collections must read the catalogue again. That read once waited for a reader connection on Swift's
    /// cooperative pool, blocking the tasks that drain the stalled pages: nothing moved again, even once the clients
    /// read (stalled_pages.py). It now waits on a reader thread, and everything completes.
    @Test func stalledPagesAndAChangedDatabaseDoNotHangTheServer() async throws {
        let file = try await offThePool { try ReferenceLayerTests.temporaryFile("points.geojson", Self.longPointsLayer()) }
        let db = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("s.sqlite").path
        #expect(try await run(Self.binary, ["init", "--db", db]).status == 0)
        #expect(try await run(Self.binary, ["layers", "add", "--db", db, file, "--name", "points"]).status == 0)
        let (server, base) = try await Self.serve(db)
        // Killed, not terminated: a hung server's graceful shutdown waits for the hung pages for ever.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let port = try #require(URL(string: base)?.port)
        // More stalled clients than reader threads (RegistryReader.readerCount, 4).
        let script = checkout.appendingPathComponent("Tests/ServerTests/stalled_pages.py").path
        let r = try await run("/usr/bin/python3", [script, "\(port)", db, "points", "6"])
        #expect(r.status == 0, "\(r.output)")
    }

    /// Clients that ask for large pages and never read them, more than there are reader threads, and one that never
    /// finishes its request line: with `--client-timeout 2` the server drops them, and other clients' pages are
    /// answered (stalled_clients.py). Without the timeout, every reader thread waited for ever and nothing else was
    /// answered.
    @Test func clientsThatReadNothingAreDroppedAndOthersAreAnswered() async throws {
        let file = try await offThePool { try ReferenceLayerTests.temporaryFile("points.geojson", Self.longPointsLayer()) }
        let db = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("s.sqlite").path
        #expect(try await run(Self.binary, ["init", "--db", db]).status == 0)
        #expect(try await run(Self.binary, ["layers", "add", "--db", db, file, "--name", "points"]).status == 0)
        let (server, base) = try await Self.serve(db, ["--client-timeout", "2"])
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        let port = try #require(URL(string: base)?.port)
        let script = checkout.appendingPathComponent("Tests/ServerTests/stalled_clients.py").path
        let r = try await run("/usr/bin/python3", [script, "\(port)", "points", "6", "2"])
        #expect(r.status == 0, "\(r.output)")
    }

    /// 10 000 points with a long note each: a page of ~7 MB, more than the sockets buffer. Made off Swift's cooperative
    /// pool (seconds in a debug build), on which the suites' in-process servers answer.
    static func longPointsLayer() -> String {
        let note = String(repeating: "Chợ Bình Thới, quầy ", count: 30)
        var text = #"{"type":"FeatureCollection","features":["#
        for i in 0..<10_000 {
            if i > 0 { text += "," }
            text += #"{"type":"Feature","properties":{"n":\#(i),"note":"\#(note)"},"geometry":{"type":"Point","coordinates":[\#(106.6 + Double(i % 100) * 0.0001),\#(10.7 + Double(i / 100) * 0.0001)]}}"#
        }
        return text + "]}"
    }

    /// Starts `econgis serve` on a free loopback port, with `options`; returns the process and the base URL it prints.
    static func serve(_ db: String, _ options: [String] = []) async throws -> (Process, String) {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.binary)
        server.arguments = ["serve", "--db", db, "--port", "0"] + options
        let errors = Pipe()
        server.standardError = errors
        try server.run()
        // "serving DB at http://127.0.0.1:PORT/ …" on standard error once listening.
        let line = try await offThePool {
            var text = ""
            while !text.contains("\n"), case let d = errors.fileHandleForReading.availableData, !d.isEmpty { text += String(decoding: d, as: UTF8.self) }
            return text
        }
        guard let base = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }).map({ String($0.dropLast()) }) else {
            server.terminate(); server.waitUntilExit()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "econgis serve printed no address: \(line)"])
        }
        return (server, base)
    }
}
