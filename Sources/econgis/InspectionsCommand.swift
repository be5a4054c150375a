import ArgumentParser
import Foundation
import GeoJSON
import Inspections
import Output
import Registry

extension EconGIS {
    struct Inspections: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspections",
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
            request.teams = routing.teams ?? 1
            request.start = try routing.coordinate(routing.start, "--start")
            request.end = try routing.coordinate(routing.end, "--end")
            request.solver = routing.solver(defaultBudget: 3, began: processStart())
            let plan = try InspectionPlanner(store: store).plan(request)
            let ids = try withFlags(["date": "--date"]) { try ledger.commit(plan, now: Date()) }
            for id in ids { print(id) }
            econgis.note("\(ids.count) inspections planned in \(plan.ward.code) \(plan.ward.name) on \(date)")
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a planned inspection; the day it starts becomes its date.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: ArgumentHelp("The day it starts (default: the planned day).", valueName: "date")) var on: LocalDate?

        func run() throws { try withFlags(["date": "--on"]) { try InspectionLedger(store: database.open()).start(id, on: on, now: Date()) } }
    }

    struct Finish: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "finish", abstract: "Finish an inspection under way: compliant, or violation if one was found.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: ArgumentHelp("The day it finished (default: its date).", valueName: "date")) var on: LocalDate?

        func run() throws { try withFlags(["date": "--on"]) { try InspectionLedger(store: database.open()).finish(id, on: on, now: Date()) } }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a finished inspection's record.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: ArgumentHelp("The day it is closed (default: the day it finished).", valueName: "date")) var on: LocalDate?

        func run() throws { try withFlags(["date": "--on"]) { try InspectionLedger(store: database.open()).close(id, on: on, now: Date()) } }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a planned inspection or one under way.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: "Why.") var reason: String
        @OptionGroup var date: StepDate

        func run() throws {
            try withFlags([:]) { try InspectionLedger(store: database.open()).cancel(id, on: date.on ?? .today(), reason: reason, now: Date()) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List inspections by status, unit and dates.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "planned, in_progress, done, closed or cancelled (repeatable).") var status: [InspectionStatus] = []
        @Option(help: "Only this unit's.") var unit: String?
        @Option(help: "Only those of units in this ward (its code) on the inspection's date, as the report places them.") var ward: String?
        @Option(help: ArgumentHelp("From this date.", valueName: "date")) var from: LocalDate?
        @Option(help: ArgumentHelp("Up to this date.", valueName: "date")) var to: LocalDate?
        @Option(parsing: .unconditional, help: ArgumentHelp("""
            Keys separated by commas, the first sorting first (status,-date): id, unit_code, unit_name, date, scopes, status, \
            outcome or team; prefix - for descending. Default: date (the id breaks ties).
            """, valueName: "key,…"))
        var sort: String?
        @Option(parsing: .unconditional, help: "At most this many rows.") var limit: Int?
        @Option(parsing: .unconditional, help: "Skip this many rows first.") var offset = 0
        @Option(help: ArgumentHelp("Start after this cursor (printed at the end of the previous page).", valueName: "cursor")) var after: String?
        @Flag(help: "Print only how many match.") var count = false
        @Option(help: "table, json or csv.") var format: Listing.Format = .table

        func validate() throws {
            if format == .geojson { throw ValidationError("--format geojson: expected table, json or csv") }
            if let l = limit, l <= 0 { throw ValidationError("--limit \(l): expected a positive number") }
            if offset < 0 { throw ValidationError("--offset \(offset): expected 0 or more") }
        }

        func run() throws {
            let inspections = InspectionList(store: try database.openForReading())
            let filter = InspectionFilter(status: status, unitCode: unit, wardCode: ward, from: from, to: to)
            if count { return print(try inspections.count(filter)) }
            let sorting = try sort.map { try Sorting<InspectionSortKey>.list(parsing: $0) } ?? []
            let page = try PageRequest(limit: limit, offset: offset, after: after.map { try PageCursor(encoded: $0) })
            var written = 0
            var next: PageCursor?
            try withStandardOutput { sink in
                var writer = try ListWriter(format: format, name: "inspections", columns: InspectionRows.columns, sink: sink)
                next = try inspections.forEach(filter, sorts: sorting, page: page) {
                    try writer.write(InspectionRows.row($0))
                }
                written = writer.rowsWritten
                try writer.end()
            }
            if format == .table || next != nil {
                note("\(written) inspection\(written == 1 ? "" : "s")" + (next.map { "; next page: --after \($0.encoded)" } ?? ""))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one inspection with its tests and violations.")
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
