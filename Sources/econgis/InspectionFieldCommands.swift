import ArgumentParser
import Foundation
import GeoJSON
import Inspections
import Output
import Registry

/// What a team does during and after a visit: record measured tests and paper checks, seal and release
/// instruments, and see the follow-ups due.
extension EconGIS.Inspections {
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Record a measured test in an inspection under way, with its automatic verdict.",
            subcommands: [RecordTest<FuelOptions>.self, RecordTest<ScaleOptions>.self, RecordTest<WeighingOptions>.self,
                          RecordTest<GoldOptions>.self, RecordTest<PrepackOptions>.self])
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check an instrument's papers in an inspection under way: verification in date (from the registry), stamp, certificate.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id (in progress).") var id: Int64
        @Option(help: ArgumentHelp("Serial number of the instrument.", valueName: "serial")) var instrument: String
        @Option(help: "The verification stamp: intact, broken or missing.") var stamp: AdministrationCheck.Stamp = .intact
        @Flag(help: "The verification certificate was not shown.") var noCertificate = false

        func run() throws {
            let findings = try InspectionLedger(store: database.open()).checkAdministration(
                id, AdministrationCheck(instrumentSerial: instrument, stamp: stamp, certificateShown: !noCertificate), now: Date())
            print("verdict: \(findings.allSatisfy(\.passed) ? "PASS" : "FAIL")")
            for f in findings { print("  \(f.passed ? "pass" : "FAIL")  \(f.what): \(f.detail)") }
        }
    }

    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "seal", abstract: "Seal an instrument of the inspected unit: not to be used until re-verified.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id (in progress).") var id: Int64
        @Option(help: ArgumentHelp("Serial number of the instrument.", valueName: "serial")) var instrument: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            let seal = try InspectionLedger(store: database.open()).seal(id, instrumentSerial: instrument, reason: reason, now: Date())
            econgis.note("sealed \(instrument) (seal \(seal))")
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Return a sealed instrument to service after its re-verification.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The unit's code.") var unit: String
        @Option(help: ArgumentHelp("Serial number of the instrument.", valueName: "serial")) var instrument: String
        @Option(help: ArgumentHelp("Day of the re-verification (becomes its last verification).", valueName: "date")) var verifiedOn: LocalDate
        @Option(help: "Number of the re-verification certificate.") var certificate: String
        @Option(help: ArgumentHelp("The day it returns to service (default: the re-verification day).", valueName: "date")) var on: LocalDate?

        func run() throws {
            try withFlags(["date": "--on"]) {
                try InspectionLedger(store: database.open()).release(unitCode: unit, instrumentSerial: instrument, on: on ?? verifiedOn,
                                                                     verifiedOn: verifiedOn, certificate: certificate, now: Date())
            }
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "due",
            abstract: "Open follow-ups (re-inspections) overdue or due soon; finishing a later inspection of the unit resolves them.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("The day (default: today).", valueName: "date")) var asOf: LocalDate?
        @Option(help: "Days ahead that count as due.") var within = 30
        @Option(help: "Only units in this ward (GSO code) on --as-of.") var ward: String?
        @Option(help: "table, json or csv.") var format: Listing.Format = .table

        static let columns = ["violation", "inspection", "unit_code", "unit_name", "ward", "category", "follow_up", "due_on", "days_overdue"]

        func validate() throws {
            if within < 0 || within > 3660 { throw ValidationError("--within \(within): expected 0 to 3660 days") }
            if format == .geojson { throw ValidationError("--format geojson: expected table, json or csv") }
        }

        func run() throws {
            let date = asOf ?? .today()
            let due = try InspectionLedger(store: database.openForReading()).followUps(asOf: date, within: within, wardCode: ward)
            try withStandardOutput { sink in
                var writer = try ListWriter(format: format, name: "follow_ups", columns: Due.columns, sink: sink)
                for f in due {
                    try writer.write([.int(Int(f.violationId)), .int(Int(f.inspectionId)), .string(f.unitCode), .string(f.unitName),
                                      f.wardName.map(JSONValue.string) ?? .null, .string(f.category), f.followUp.map(JSONValue.string) ?? .null,
                                      .string(f.dueOn.description), .int(f.daysOverdue)])
                }
                try writer.end()
            }
            econgis.note("\(due.count) follow-ups open on \(date): \(due.filter { $0.daysOverdue > 0 }.count) overdue, the others due within \(within) days")
        }
    }
}

/// `inspections record KIND ID …`: the measurement options of `verdict KIND`, recorded in inspection ID.
struct RecordTest<M: MeasurementOptions>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: M.name, abstract: M.abstract + " Recorded in the inspection.")
    }

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Inspection id.") var id: Int64
    @OptionGroup var test: M
    @Option(help: ArgumentHelp("Serial number of the instrument tested, at the inspected unit.", valueName: "serial")) var instrument: String?
    @Option(help: "A note.") var note: String?
    @Option(help: "table or json.") var format: VerdictOptions.Format = .table

    func run() throws {
        let (testId, verdict) = try withFlags(M.flags) {
            try InspectionWork(store: database.open()).record(id, try test.measurement(), instrumentSerial: instrument, note: note, now: Date())
        }
        switch format {
        case .json: print(JSONText.encode(verdict.json))
        case .table: print(VerdictOptions.text(verdict), terminator: "")
        }
        econgis.note("recorded test \(testId) in inspection \(id)\(verdict.passed ? "" : "; violation: \(verdict.violationCategories.joined(separator: ", "))")")
    }
}
