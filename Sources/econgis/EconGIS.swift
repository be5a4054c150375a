import ArgumentParser
import Foundation
import Output
import Registry

@main
struct EconGIS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "econgis",
        abstract: "Registry of economic units, their measuring instruments and wards, on SpatiaLite.",
        subcommands: [Init.self, Import.self, Units.self, Wards.self, Due.self, Export.self, Serve.self, Plan.self, Route.self, Rules.self, MakeDemoData.self])
}

/// `--db`, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The registry database (default: $ECONGIS_DB, else ./econgis.sqlite).", valueName: "path"))
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["ECONGIS_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "econgis.sqlite" }

    func open() throws -> RegistryStore { try RegistryStore.openExisting(path: path) }

    /// For commands that only read.
    func openForReading() throws -> RegistryStore { try RegistryStore.openExisting(path: path) }
}

extension LocalDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(iso: argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
}

extension Listing.Format: ExpressibleByArgument {}
extension UnitKind: ExpressibleByArgument {}
extension UnitStatus: ExpressibleByArgument {}

/// Writes to standard error, where progress and summaries go so stdout stays clean for data.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs `body` with a sink on standard output or on `path` (which appears only when complete).
func withOutput(_ path: String?, overwrite: Bool = true, _ body: (ByteSink) throws -> Void) throws {
    let target = try OutputTarget(path: path, overwrite: overwrite)
    do {
        try body(target.sink)
        try target.finish()
    } catch {
        target.abandon()
        throw error
    }
}

func output(_ text: String, to path: String?) throws {
    if let path {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw RegistryError.unreadable(file: path, reason: "cannot write: \(error.localizedDescription)")
        }
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// A progress bar on a terminal, nothing otherwise.
func progressBar(_ label: String) -> ((Int, Int) -> Void)? {
    guard isatty(STDERR_FILENO) == 1 else { return nil }
    var last = -1
    return { done, total in
        let pct = total > 0 ? min(100, done * 100 / total) : 0
        guard pct != last else { return }
        last = pct
        let filled = pct * 30 / 100
        FileHandle.standardError.write(Data("\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: 30 - filled))] \(pct)%\(pct == 100 ? "\n" : "")".utf8))
    }
}

func parseCoordinatePair(_ text: String, option: String) throws -> (Double, Double) {
    let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let x = parts[0], let y = parts[1], (-180...180).contains(x), (-90...90).contains(y) else {
        throw ValidationError("\(option) \"\(text)\": expected LON,LAT in decimal degrees, e.g. 106.6420,10.7626")
    }
    return (x, y)
}
