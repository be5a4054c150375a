import ArgumentParser
import Foundation
import GeoJSON
import Registry

/// How recorded changes print: one line per change with the fields it changed, or JSON.
enum HistoryRows {
    enum Format: String, ExpressibleByArgument { case table, json }

    static func text(_ changes: [RecordedChange]) -> String {
        changes.map { c in
            let fields = c.fields.map { f in
                c.action == "update" ? "\(f.name): \(shown(f.before)) → \(shown(f.after))" : "\(f.name) \(shown(c.action == "delete" ? f.before : f.after))"
            }
            return "\(c.changedAt)  \(c.table) \(c.rowId) \(c.action)\(c.changedBy.map { " by \($0)" } ?? ""): \(fields.joined(separator: "; "))"
        }.joined(separator: "\n") + (changes.isEmpty ? "" : "\n")
    }

    static func shown(_ v: JSONValue?) -> String {
        switch v {
        case nil, .null?: "–"
        case .string(let s)?: s
        case let other?: JSONText.encode(other)
        }
    }

    static func json(_ changes: [RecordedChange]) -> JSONValue {
        .array(changes.map { c in
            .object([("id", .int(Int(c.id))), ("table", .string(c.table)), ("row_id", .int(Int(c.rowId))), ("action", .string(c.action)),
                     ("changed_at", .string(c.changedAt)), ("changed_by", c.changedBy.map(JSONValue.string) ?? .null),
                     ("fields", .array(c.fields.map { f in .object([("name", .string(f.name)), ("before", f.before ?? .null), ("after", f.after ?? .null)]) }))])
        })
    }

    static func print(_ changes: [RecordedChange], _ format: Format) {
        switch format {
        case .json: Swift.print(JSONText.encode(json(changes)))
        case .table: Swift.print(text(changes), terminator: "")
        }
    }
}

extension EconGIS.Units {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "Every recorded change to a unit, its instruments and their seals: when, what, before and after.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The unit's code (a stall's: MARKET/STALL).") var key: String
        @Option(help: "table or json.") var format: HistoryRows.Format = .table

        func run() throws { HistoryRows.print(try ChangeHistoryQuery(store: database.openForReading()).unit(key), format) }
    }
}

extension EconGIS.Inspections {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "Every recorded change to an inspection, its tests and violations: when, what, before and after.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Inspection id.") var id: Int64
        @Option(help: "table or json.") var format: HistoryRows.Format = .table

        func run() throws { HistoryRows.print(try ChangeHistoryQuery(store: database.openForReading()).inspection(id), format) }
    }
}
