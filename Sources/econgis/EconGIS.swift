import ArgumentParser
import Foundation
import Output
import Planning
import Registry

@main
struct EconGIS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "econgis",
        abstract: "Registry of economic units, their measuring instruments and wards, on SpatiaLite.",
        subcommands: [Init.self, Migrate.self, Import.self, Units.self, Instruments.self, Wards.self, Due.self, Export.self, Serve.self, Layers.self, Plan.self, Route.self, Rules.self, Verdict.self, Inspections.self, Report.self, Origin.self, MakeDemoData.self])

    /// ArgumentParser's own main, except that a date option's error says what a date must be
    /// ("… is invalid for '--as-of <date>': expected a date YYYY-MM-DD that exists").
    static func main() async {
        do {
            var command = try parseAsRoot()
            // `serve` runs asynchronously; a synchronous main would print its help instead of running it.
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as RegistryError {
            ErrorReport.exit(error)
        } catch let error as StopsFileError {
            ErrorReport.exit(error)
        } catch {
            let message = fullMessage(for: error)
            if exitCode(for: error) != .success, message.contains(" <date>'"), !message.contains(LocalDate.expectedText) {
                FileHandle.standardError.write(Data((message.replacingOccurrences(of: " <date>'", with: " <date>': expected \(LocalDate.expectedText)") + "\n").utf8))
                Foundation.exit(exitCode(for: error).rawValue)
            }
            exit(withError: error)
        }
    }
}

/// `--db` and `--busy-timeout`, shared by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The registry database (default: $ECONGIS_DB, else ./econgis.sqlite).", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("How long a write waits for another program writing to the database before it gives up.", valueName: "seconds"))
    var busyTimeout: Double = RegistryStore.defaultBusyTimeout

    /// The database's files, which no output may replace (FileIdentity.databaseFiles).
    var files: [String] { FileIdentity.databaseFiles(path) }

    var path: String { db ?? ProcessInfo.processInfo.environment["ECONGIS_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "econgis.sqlite" }

    func validate() throws {
        guard busyTimeout.isFinite, (0...3600).contains(busyTimeout) else {
            throw ValidationError("--busy-timeout \(busyTimeout): expected seconds from 0 to 3600")
        }
    }

    /// For commands that write: waits up to --busy-timeout for another writer.
    func open() throws -> RegistryStore { try RegistryStore.openExisting(path: path, busyTimeout: busyTimeout) }

    /// For commands that only read: never migrates or writes, works on read-only copies.
    func openForReading() throws -> RegistryStore { try RegistryStore.openForReading(path: path) }
}

extension LocalDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(iso: argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
    /// What a date option expects, added to ArgumentParser's message for a value it refused.
    static let expectedText = "a date YYYY-MM-DD that exists"
}

extension EconGIS {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Bring a database made by an older EconGIS up to this version's schema (after a backup copy beside it).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Where the backup goes (default: DB.vN-TIME.backup beside it).", valueName: "path")) var backup: String?

        func run() throws {
            let m = try RegistryStore.migrate(path: database.path, backupPath: backup, busyTimeout: database.busyTimeout, now: Date())
            if let copy = m.backup {
                note("migrated \(database.path) from schema version \(m.from) to \(m.to); the old database was copied to \(copy)")
            } else {
                note("\(database.path) is at schema version \(m.to) already; nothing to do")
            }
        }
    }
}

extension LocalDate.Order: ExpressibleByArgument {}
extension Listing.Format: ExpressibleByArgument {}
extension UnitKind: ExpressibleByArgument {}
extension UnitStatus: ExpressibleByArgument {}

/// Writes to standard error, where progress and summaries go so stdout stays clean for data.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs `body` with a sink on standard output or on `path` (which appears only when complete). An existing file is
/// replaced only with `overwrite`, and never one of `protecting` (the database and the inputs the command reads).
func withOutput(_ path: String?, overwrite: Bool, protecting: [String], _ body: (ByteSink) throws -> Void) throws {
    let target = try OutputTarget(path: path, overwrite: overwrite, protecting: protecting)
    do {
        try body(target.sink)
        try target.finish()
    } catch {
        target.abandon()
        throw error
    }
}

/// Runs `body` with a sink on standard output.
func withStandardOutput(_ body: (ByteSink) throws -> Void) throws {
    try withOutput(nil, overwrite: false, protecting: [], body)
}

/// `text` to standard output or to `path`, as `withOutput` writes.
func output(_ text: String, to path: String?, overwrite: Bool, protecting: [String]) throws {
    try withOutput(path, overwrite: overwrite, protecting: protecting) { $0.append(text) }
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

/// On a terminal, the step an import is in after its last record (ImportStage), on one line rewritten in place:
/// a million units spend a good part of their import there, with the progress bar at 100 %. Nothing otherwise.
final class StageLine {
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var shown = false

    init(_ label: String) { self.label = label }

    func show(_ stage: ImportStage) {
        guard isTerminal else { return }
        shown = true
        FileHandle.standardError.write(Data("\r\u{1B}[K\(label): \(StageLine.text(stage))…".utf8))
    }

    /// Erases the line, if one was shown.
    func clear() {
        guard shown else { return }
        shown = false
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func text(_ stage: ImportStage) -> String {
        switch stage {
        case .tableIndexes: "building the table's indexes"
        case .statusHistory: "recording the new units' status"
        case .spatialIndex: "building the spatial index"
        case .searchIndex: "building the search index"
        case .updatedUnitsWards: "placing the changed units in their wards"
        case .boxCells: "packing the map's box cells"
        case .commit: "checking and committing"
        }
    }
}

func parseCoordinatePair(_ text: String, option: String) throws -> (Double, Double) {
    let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let x = parts[0], let y = parts[1], (-180...180).contains(x), (-90...90).contains(y) else {
        throw ValidationError("\(option) \"\(text)\": expected LON,LAT in decimal degrees, e.g. 106.6420,10.7626")
    }
    return (x, y)
}
