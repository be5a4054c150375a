import ArgumentParser
import Foundation
import GeoJSON
import Registry

extension EconGIS {
    struct Wards: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the wards valid on a date.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Date (default: today).", valueName: "date")) var asOf: LocalDate?
        @OptionGroup var out: OutputOptions

        func run() throws {
            let listing = try AdminQuery(store: database.openForReading()).wards(on: asOf ?? .today())
            try output(listing.render(out.format), to: out.output)
            if out.format == .table { note("\(listing.rows.count) wards on \(asOf ?? .today())") }
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Instruments whose verification has expired, is due soon, or is unknown.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Ward code, read on --as-of.") var ward: String?
        @Option(help: ArgumentHelp("Date (default: today).", valueName: "date")) var asOf: LocalDate?
        @Option(help: "Days ahead that count as due.") var within = 30
        @Option(help: "Only units of these kinds (repeatable).") var kind: [UnitKind] = []
        @OptionGroup var out: OutputOptions

        func validate() throws {
            if within < 0 || within > 3660 { throw ValidationError("--within \(within): expected 0 to 3660 days") }
        }

        func run() throws {
            let date = asOf ?? .today()
            let (items, s) = try DueList(store: database.openForReading()).items(wardCode: ward, asOf: date, within: within, kinds: kind)
            try output(DueList.listing(items).render(out.format), to: out.output)
            let units = Set(items.map(\.unit.code)).count
            note("\(items.count) instruments at \(units) units need a check on \(date)\(ward.map { " in ward \($0)" } ?? ""): "
                 + "\(s.expired) expired, \(s.due) due within \(within) days, \(s.unknown) unknown (of \(s.instruments) instruments)")
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the verification cycles in force (editable data in verification_rules).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Date (default: today).", valueName: "date")) var asOf: LocalDate?
        @OptionGroup var out: OutputOptions

        func run() throws {
            let listing = try AdminQuery(store: database.openForReading()).verificationRules(on: asOf ?? .today())
            try output(listing.render(out.format), to: out.output)
        }
    }
}
