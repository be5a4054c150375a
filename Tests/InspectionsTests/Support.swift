import Foundation
import GRDB
@testable import Registry

/// A fresh, migrated registry in its own temporary directory, removed when the value is released.
final class TemporaryRegistry {
    let directory: URL
    let store: RegistryStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-inspections-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try RegistryStore(path: directory.appendingPathComponent("registry.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var path: String { store.path }

    func execute(_ sql: String) throws {
        try store.write { try $0.execute(sql: sql) }
    }

    func count(_ table: String) throws -> Int {
        try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)")! }
    }

    /// Every row of a table as text, to compare a database before and after a refused operation.
    func snapshot(_ table: String) throws -> [String] {
        try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map(\.description) }
    }
}

/// Runs the built `econgis` (or another tool) as a user would; the binary is found beside the test bundle (the products directory).
enum Command {
    static var binary: String {
        var dir = Bundle.main.bundleURL
        if dir.pathExtension == "xctest" { dir.deleteLastPathComponent() }
        return dir.appendingPathComponent("econgis").path
    }

    static func run(path: String = binary, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
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

/// The demo database (`econgis init --demo` from geodata/) made for one test in its own temporary directory, removed
/// when the value is released.
final class DemoDatabase {
    let directory: URL
    let path: String

    init(today: String = "2026-11-15") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("demo.sqlite").path
        let made = try Command.run(["init", "--demo", "--demo-today", today, "--geodata", InspectionsCommandTests.geodata, "--db", path])
        guard made.status == 0 else { throw RegistryError.database("init --demo: \(made.err)") }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// `econgis ARGS --db` this database.
    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try Command.run(args + ["--db", path]) }
}
