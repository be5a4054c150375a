import ArgumentParser
import DemoData
import Foundation
import Registry

extension EconGIS {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a registry database (with --demo: load the embedded demo data of the former Quận 11).")

        @OptionGroup var database: DatabaseOptions

        @Flag(help: "Load the demo data set from geodata/.")
        var demo = false

        @Option(help: ArgumentHelp("The demo's verification dates are shifted so that its reference date falls on this day (default: today).", valueName: "date"))
        var demoToday: LocalDate?

        @Option(help: ArgumentHelp("Where the demo data is (default: $ECONGIS_GEODATA, else ./geodata, else the checkout's geodata/).", valueName: "dir"))
        var geodata: String?

        @Flag(help: "Replace an existing registry (only one made by EconGIS; it is swapped out once the new one is complete).")
        var force = false

        func run() throws {
            let path = database.path
            // Where the demo data is, before anything is built: a wrong --geodata is an error, not a fallback.
            let dir = try demo ? DemoLoader.locate(explicit: geodata, sourceFile: #filePath) : nil
            let summary = try DatabaseFile.create(at: path, replacing: force, busyTimeout: database.busyTimeout) { store in
                try dir.map { try DemoLoader(store: store, directory: $0).load(today: demoToday ?? .today(), now: Date()) }
            }
            if let dir, let summary {
                note("created \(path) with the demo registry from \(dir):\n\(summary)")
            } else {
                note("created \(path) (SpatiaLite \(SpatiaLite.version)); load wards with `econgis import wards`, units with `econgis import units`")
            }
        }
    }
}

extension EconGIS {
    struct MakeDemoData: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "make-demo-data",
            abstract: "Regenerate the embedded demo data set (deterministic; used by scripts/make-demo-data).")

        @Argument(help: "Output directory.") var directory = "geodata"
        @Option(help: "Random seed.") var seed: UInt64 = DemoGenerator.defaultSeed

        func run() throws {
            try DemoGenerator.generate(into: directory, seed: seed)
            note("wrote the demo data set to \(directory)")
        }
    }
}
