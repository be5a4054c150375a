import ArgumentParser
import Foundation
import GeoJSON
import Output
import Registry

extension EconGIS {
    struct Instruments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "instruments",
            abstract: "List, show, add and update measuring instruments.",
            subcommands: [List.self, Show.self, Add.self, Update.self])
    }
}

extension EconGIS.Instruments {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List instruments with their verification state, filtered, sorted and paged by the database.",
            discussion: """
                States on --as-of: expired, due (within --within days), valid (due later) and unknown (no verification \
                on record, or no cycle for the type). The unit filters (--ward, --kind, --status, --search …) select the \
                units whose instruments are listed; --status is not limited to open units here, unlike `due`. \
                A page ends with the cursor of the next one (on standard error); give it to --after for the next page.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Only the instruments of this unit.", valueName: "code")) var unit: String?
        @Option(help: "Only instruments of these types (codes of instrument_types; repeatable).") var type: [String] = []
        @Option(help: "Only these states: expired, due, valid, unknown (repeatable).") var state: [VerificationState] = []
        @Option(help: "Days ahead that count as due.") var within = 30
        @OptionGroup var filters: UnitFilterOptions
        @Option(parsing: .unconditional, help: ArgumentHelp("""
            Keys separated by commas, the first sorting first (ward,-last_verified_on), each a column: \(ListOptions.keys(InstrumentSortKey.self)) \
            (ward: its code on --as-of; unit_name in Vietnamese alphabetical order); prefix - for descending.
            """, valueName: "key,…"))
        var sort: String?
        @OptionGroup var list: ListOptions
        @OptionGroup var out: EconGIS.OutputOptions

        func validate() throws {
            if within < 0 || within > 3660 { throw ValidationError("--within \(within): expected 0 to 3660 days") }
        }

        func run() throws {
            var filter = InstrumentFilter(units: try filters.filter())
            filter.unitCode = unit
            filter.types = type
            filter.states = state
            filter.within = within
            try list.run(InstrumentList(store: try database.openForReading()), filter, sort: sort, out, database: database,
                         name: "measuring_instruments", noun: "instrument", all: RegistryRows.instrumentColumns,
                         table: RegistryRows.instrumentTableColumns) { item in
                (RegistryRows.instrument(item), item.unit.location.map { .point($0) }, item.instrument.id)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one instrument: its fields, its unit, its verifications, checks at inspections and seals.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var which: InstrumentKey
        @Option(help: ArgumentHelp("Date for the state and the ward shown (default: today).", valueName: "date")) var asOf: LocalDate?
        @Option(help: "Days ahead that count as due.") var within = 30
        @Option(help: "table or json.") var format: Listing.Format = .table

        func run() throws {
            let r = try InstrumentList(store: try database.openForReading()).show(which.key, unitCode: which.unit, asOf: asOf ?? .today(), within: within)
            let columns = RegistryRows.instrumentColumns
            let row = RegistryRows.instrument(r.listed)
            let verifications = r.verifications.map { v in JSONValue.object([
                ("verified_on", .string(v.verifiedOn)), ("certificate_no", .from(v.certificateNo)), ("verified_by", .from(v.verifiedBy)),
                ("recorded_at", .string(v.recordedAt)),
            ]) }
            let checks = r.checks.map { c in JSONValue.object([
                ("inspection_id", .int(Int(c.inspectionId))), ("inspected_on", .string(c.inspectedOn)), ("kind", .string(c.kind)),
                ("verdict", .string(c.verdict)),
            ]) }
            let seals = r.seals.map { s in JSONValue.object([
                ("id", .int(Int(s.id))), ("sealed_on", .string(s.sealedOn.description)), ("reason", .string(s.reason)),
                ("inspection_id", s.inspectionId.map { .int(Int($0)) } ?? .null), ("released_on", .from(s.releasedOn?.description)),
                ("release_note", .from(s.releaseNote)),
            ]) }
            let u = r.listed.unit
            if format != .table {
                print(JSONText.encode(.object(Array(zip(columns, row)) + [
                    ("version", .int(r.version)), ("created_at", .string(r.createdAt)), ("updated_at", .string(r.updatedAt)),
                    ("unit", .object([("code", .string(u.code)), ("name", .string(u.name)), ("kind", .string(u.kind.rawValue)),
                                      ("status", .string(u.status.rawValue)), ("address", .from(u.address)), ("owner", .from(u.owner))])),
                    ("verifications", .array(verifications)), ("checks", .array(checks)), ("seals", .array(seals)),
                ])))
                return
            }
            for (c, v) in zip(columns, row) where v != .null { print("\(c.padding(toLength: 21, withPad: " ", startingAt: 0)) \(v.text ?? "")") }
            print("version               \(r.version)\ncreated_at            \(r.createdAt)\nupdated_at            \(r.updatedAt)")
            print("\nunit: \(u.code)  \(u.name)  (\(u.kind.rawValue), \(u.status.rawValue))\(u.address.map { "  \($0)" } ?? "")")
            print("\nverifications (\(r.verifications.count)):")
            for v in r.verifications {
                print("  \(v.verifiedOn)\(v.certificateNo.map { "  certificate \($0)" } ?? "")\(v.verifiedBy.map { "  by \($0)" } ?? "")  (recorded \(v.recordedAt))")
            }
            print("\nchecks at inspections (\(r.checks.count)):")
            for c in r.checks { print("  \(c.inspectedOn)  inspection \(c.inspectionId)  \(c.kind)  \(c.verdict)") }
            print("\nseals (\(r.seals.count)):")
            for s in r.seals {
                print("  \(s.sealedOn)  \(s.reason)" + (s.releasedOn.map { "  released \($0)\(s.releaseNote.map { ": \($0)" } ?? "")" } ?? "  (not released)"))
            }
        }
    }

    /// Which instrument: a serial number (with the unit when several units have it) or an id.
    struct InstrumentKey: ParsableArguments {
        @Argument(help: "Serial number or id.") var key: String
        @Option(help: ArgumentHelp("The unit, when several units have an instrument with that serial number.", valueName: "code")) var unit: String?
    }

    /// The instrument fields as options, shared by add and update; names as in an instrument import.
    struct InstrumentFields: ParsableArguments {
        @Option(help: "Instrument type (a code, or a name, of instrument_types).") var type: String?
        @Option(help: "Serial number.") var serial: String?
        @Option var manufacturer: String?
        @Option var model: String?
        @Option(help: "OIML class (I, II, III, IIII, E2, F1, M1 …) or a number such as 0.5.") var accuracyClass: String?
        @Option(help: "Maximum capacity, in --measure-unit.") var maxCapacity: String?
        @Option(help: "Scale interval, in --measure-unit.") var scaleInterval: String?
        @Option(help: "g, kg, L, … (of --max-capacity and --scale-interval).") var measureUnit: String?
        @Option(help: ArgumentHelp("Date of the last verification.", valueName: "date")) var lastVerifiedOn: String?
        @Option var certificateNo: String?
        @Option var stampNo: String?
        @Option(help: "Who verified it.") var verifiedBy: String?
        @Option(help: "true if it is a reference (standard) instrument.") var reference: String?

        /// The option that gives each field (`unit_code` is add's --unit).
        static let flags = [
            "type": "--type", "instrument_type": "--type", "serial_no": "--serial", "manufacturer": "--manufacturer", "model": "--model",
            "accuracy_class": "--accuracy-class", "max_capacity": "--max-capacity", "scale_interval": "--scale-interval",
            "measure_unit": "--measure-unit", "last_verified_on": "--last-verified-on", "certificate_no": "--certificate-no",
            "stamp_no": "--stamp-no", "verified_by": "--verified-by", "is_reference": "--reference", "unit_code": "--unit",
        ]

        var fields: [String: String] {
            var f: [String: String] = [:]
            f["type"] = type; f["serial_no"] = serial; f["manufacturer"] = manufacturer; f["model"] = model
            f["accuracy_class"] = accuracyClass; f["max_capacity"] = maxCapacity; f["scale_interval"] = scaleInterval
            f["measure_unit"] = measureUnit; f["last_verified_on"] = lastVerifiedOn; f["certificate_no"] = certificateNo
            f["stamp_no"] = stampNo; f["verified_by"] = verifiedBy; f["is_reference"] = reference
            return f
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add one instrument to a unit, validated like an import.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("The unit that uses the instrument.", valueName: "code")) var unit: String
        @OptionGroup var instrument: InstrumentFields

        func run() throws {
            var fields = instrument.fields
            fields["unit_code"] = unit
            let s = try withFieldFlags(InstrumentFields.flags) { try InstrumentEditor(store: database.open(), today: .today(), now: Date()).add(fields: fields) }
            note("added \(s.instrument.type) \(s.instrument.serialNo) at \(s.instrument.unitCode) (id \(s.instrument.id), version \(s.version))")
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Change fields of one instrument; an empty value clears a field.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var which: InstrumentKey
        @OptionGroup var instrument: InstrumentFields
        @Option(help: "Fail unless the instrument is still at this version (from `instruments show`).") var expectedVersion: Int?

        func run() throws {
            guard !instrument.fields.isEmpty else { throw ValidationError("nothing to change: give at least one field option, e.g. --last-verified-on") }
            let s = try withFieldFlags(InstrumentFields.flags) {
                try InstrumentEditor(store: database.open(), today: .today(), now: Date())
                    .update(key: which.key, unitCode: which.unit, changes: instrument.fields, expectedVersion: expectedVersion)
            }
            note((s.changed ? "updated" : "unchanged:") + " \(s.instrument.type) \(s.instrument.serialNo) at \(s.instrument.unitCode) (version \(s.version))")
        }
    }
}

extension VerificationState: ExpressibleByArgument {}
