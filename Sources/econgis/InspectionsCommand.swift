import ArgumentParser
import Foundation
import GeoJSON
import Inspections
import Output
import Registry

extension EconGIS {
    struct Inspections: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspections as work: plan, start, record measured tests, finish, close or cancel; list and show.",
            discussion: """
                planned → in_progress → done → closed, or cancelled from planned or in_progress; no other move. \
                A recorded test is judged against the tolerance rules in force on the inspection's date; a failed \
                check becomes a violation with its legal basis, a proposed fine range (penalty_rules) and a re-inspection.
                """,
            subcommands: [PlanOne.self, Start.self, Record.self, Check.self, Seal.self, Finish.self, Close.self, Cancel.self, Release.self, Due.self, List.self, Show.self, History.self])
    }
}

/// `--on`: the day a step happens (default: today).
struct StepDate: ParsableArguments {
    @Option(help: ArgumentHelp("The day it happens (default: today).", valueName: "date")) var on: LocalDate?
}

extension InspectionScope: ExpressibleByArgument {}
extension InspectionStatus: ExpressibleByArgument {}
extension AdministrationCheck.Stamp: ExpressibleByArgument {}

extension EconGIS.Inspections {
    struct PlanOne: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Plan an inspection of a unit, or turn a ward's day plan into planned inspections; prints the ids.",
            discussion: """
                With --ward the visits `econgis plan --ward` would route for --date become planned inspections, one per \
                visit, for their team, with the scopes of visit_profiles; all are written or none.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The unit's code.") var unit: String?
        @Option(help: "A ward code: plan the day's routed visits in it.") var ward: String?
        @Option(help: ArgumentHelp("The planned day.", valueName: "date")) var date: LocalDate
        @Option(help: "What it looks at (--unit): metrology, labels, prices, conformity, quantity, quality, origin (repeatable).") var scope: [InspectionScope] = [.metrology]
        @Option(help: ArgumentHelp("Team members, separated by commas (--unit).", valueName: "names")) var team: String?
        @Option(help: "A note (--unit).") var note: String?
        @OptionGroup var routing: RoutingOptions

        func validate() throws {
            if (unit == nil) == (ward == nil) { throw ValidationError("give either --unit CODE or --ward CODE") }
            try routing.check()
        }

        func run() throws {
            let store = try database.open()
            let ledger = InspectionLedger(store: store)
            if let unit {
                print(try withFlags(["date": "--date"]) { try ledger.plan(unitCode: unit, on: date, scopes: scope, team: team, note: note, now: Date()) })
                return
            }
            var request = PlanRequest(wardCode: ward!, date: date)
            request.teams = routing.teams
            request.start = try routing.coordinate(routing.start, "--start")
            request.end = try routing.coordinate(routing.end, "--end")
            request.solver.seed = routing.seed
            if let t = routing.timeBudget { request.solver.timeBudget = t }
            let plan = try InspectionPlanner(store: store).plan(request)
            let visits = plan.plannedInspections(scopes: try ledger.visitScopes())
            let ids = try withFlags(["date": "--date"]) { try ledger.plan(visits, now: Date()) }
            for id in ids { print(id) }
            econgis.note("\(ids.count) inspections planned in \(plan.ward.code) \(plan.ward.name) on \(date)")
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a planned inspection; the day it starts becomes its date.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: ArgumentHelp("The day it starts (default: the planned day).", valueName: "date")) var on: LocalDate?

        func run() throws { try withFlags(["date": "--on"]) { try InspectionLedger(store: database.open()).start(id, on: on, now: Date()) } }
    }

    struct Finish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Finish an inspection under way: compliant, or violation if one was found.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: ArgumentHelp("The day it finished (default: its date).", valueName: "date")) var on: LocalDate?

        func run() throws { try withFlags(["date": "--on"]) { try InspectionLedger(store: database.open()).finish(id, on: on, now: Date()) } }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a finished inspection's record.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: ArgumentHelp("The day it is closed (default: the day it finished).", valueName: "date")) var on: LocalDate?

        func run() throws { try withFlags(["date": "--on"]) { try InspectionLedger(store: database.open()).close(id, on: on, now: Date()) } }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a planned inspection or one under way.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: "Why.") var reason: String
        @OptionGroup var date: StepDate

        func run() throws {
            try withFlags([:]) { try InspectionLedger(store: database.open()).cancel(id, on: date.on ?? .today(), reason: reason, now: Date()) }
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a measured test in an inspection under way, with its automatic verdict.",
            subcommands: [RecordTest<FuelOptions>.self, RecordTest<ScaleOptions>.self, RecordTest<WeighingOptions>.self,
                          RecordTest<GoldOptions>.self, RecordTest<PrepackOptions>.self])
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
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
        static let configuration = CommandConfiguration(abstract: "Seal an instrument of the inspected unit: not to be used until re-verified.")
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
        static let configuration = CommandConfiguration(abstract: "Return a sealed instrument to service after its re-verification.")
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
            try withOutput(nil) { sink in
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

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List inspections by status, unit and dates.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "planned, in_progress, done, closed or cancelled (repeatable).") var status: [InspectionStatus] = []
        @Option(help: "Only this unit's.") var unit: String?
        @Option(help: ArgumentHelp("From this date.", valueName: "date")) var from: LocalDate?
        @Option(help: ArgumentHelp("Up to this date.", valueName: "date")) var to: LocalDate?
        @Option(help: "table, json or csv.") var format: Listing.Format = .table

        func validate() throws {
            if format == .geojson { throw ValidationError("--format geojson: expected table, json or csv") }
        }

        func run() throws {
            let rows = try InspectionLedger(store: database.openForReading()).list(status: status, unitCode: unit, from: from, to: to)
            try withOutput(nil) { sink in
                var writer = try ListWriter(format: format, name: "inspections", columns: InspectionRows.columns, sink: sink)
                for r in rows { try writer.write(InspectionRows.row(r)) }
                try writer.end()
            }
            if format == .table { note("\(rows.count) inspections") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one inspection with its tests and violations.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: "table or json.") var format: VerdictOptions.Format = .table

        func run() throws {
            let d = try InspectionLedger(store: database.openForReading()).detail(id)
            switch format {
            case .json: print(JSONText.encode(InspectionRows.json(d)))
            case .table: print(InspectionRows.text(d), terminator: "")
            }
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
