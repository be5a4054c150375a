import ArgumentParser
import Foundation
import GeoJSON
import Output
import Registry

extension EconGIS {
    struct Units: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "units",
            abstract: "List, show, add, update and close economic units.",
            subcommands: [List.self, Show.self, Add.self, Update.self, Close.self, History.self])
    }

    struct OutputOptions: ParsableArguments {
        @Option(help: "table, json, csv or geojson.") var format: Listing.Format = .table
        @Option(help: ArgumentHelp("Write to a file instead of standard output.", valueName: "path")) var output: String?
        @Flag(help: "Replace --output if it exists (never the database).") var overwrite = false

        /// Runs `body` with the sink of --output (or standard output), never replacing `database`'s files.
        func write(to database: DatabaseOptions, _ body: (ByteSink) throws -> Void) throws {
            try withOutput(output, overwrite: overwrite, protecting: database.files, body)
        }
    }
}

/// The unit filters of `units list`, `due` and `export`, parsed once.
struct UnitFilterOptions: ParsableArguments {
    @Option(help: "Only units in this ward (GSO code) as it was on --as-of.") var ward: String?
    @Option(help: ArgumentHelp("Date for --ward, for the wards shown and for which units existed (default: today).", valueName: "date")) var asOf: LocalDate?
    @Option(help: "Kinds: enterprise, branch, household_business, cooperative, market, market_stall (repeatable).") var kind: [UnitKind] = []
    @Option(help: "active, suspended or closed (repeatable).") var status: [UnitStatus] = []
    @Option(help: "VSIC code prefix, e.g. 4730 or 477.") var vsic: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("minLon,minLat,maxLon,maxLat", valueName: "box")) var bbox: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("LON,LAT: units within --radius metres, nearest first.", valueName: "point")) var near: String?
    // Unconditional: a value may begin with "-" (a negative radius gets the range's message, not "missing value").
    @Option(parsing: .unconditional, help: "Radius for --near, in metres (geodesic).") var radius: Double?
    @Option(help: "Words, or the beginnings of words, of the name, owner, address or code (\"binh thoi\", \"cho bin\"), in any order; diacritics and case are ignored.") var search: String?
    @Flag(help: "Only units whose declared ward disagrees with their location.") var flagged = false
    @Option(help: ArgumentHelp("Only units written after this UTC time (ISO 8601, e.g. 2026-11-30T00:00:00Z).", valueName: "time")) var changedSince: String?

    func validate() throws {
        if (near == nil) != (radius == nil) { throw ValidationError("--near and --radius go together") }
    }

    /// The flags given that choose units (all but --as-of), for a command that takes the date alone.
    var unitChoices: [String] {
        [("--ward", ward != nil), ("--kind", !kind.isEmpty), ("--status", !status.isEmpty), ("--vsic", vsic != nil), ("--bbox", bbox != nil),
         ("--near", near != nil), ("--search", search != nil), ("--flagged", flagged), ("--changed-since", changedSince != nil)]
            .filter(\.1).map(\.0)
    }

    func filter() throws -> UnitFilter {
        var f = UnitFilter(asOf: asOf ?? .today())
        f.wardCode = ward
        f.kinds = kind
        f.statuses = status
        f.vsicPrefix = vsic
        f.search = search
        f.flaggedOnly = flagged
        f.changedSince = changedSince
        if let bbox { f.bbox = try BoundingBox(parsing: bbox) }
        if let near, let radius {
            let (x, y) = try parseCoordinatePair(near, option: "--near")
            f.near = try Proximity(lon: x, lat: y, radius: radius)
        }
        return f
    }
}

extension EconGIS.Units {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List units, filtered, sorted and paged by the database.",
            discussion: """
                Sorted by code (by relevance with --search, by distance with --near) unless --sort says otherwise. \
                A page ends with the cursor of the next one (on standard error); give it to --after for the next page.
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var filters: UnitFilterOptions
        @Option(parsing: .unconditional, help: ArgumentHelp("""
            Keys separated by commas, the first sorting first (ward,-name): \(ListOptions.keys(UnitSortKey.self)) (ward: its code \
            on --as-of; distance with --near; relevance with --search); prefix - for descending. Names sort in Vietnamese \
            alphabetical order (đ after d, ă and â after a).
            """, valueName: "key,…"))
        var sort: String?
        @Option(help: ArgumentHelp("Also show each unit's ward on these dates: the old-to-new crosswalk.", valueName: "date,…")) var wardOn: String?
        @OptionGroup var list: ListOptions
        @OptionGroup var out: EconGIS.OutputOptions

        func run() throws {
            let filter = try filters.filter()
            let wardsOn = try (wardOn ?? "").split(separator: ",").map { text -> LocalDate in
                let t = text.trimmingCharacters(in: .whitespaces)
                if t == "today" { return .today() }
                guard let d = LocalDate(iso: t) else { throw ValidationError("--ward-on \"\(t)\": expected dates YYYY-MM-DD (or today) separated by commas") }
                return d
            }
            try list.run(UnitQuery(store: try database.openForReading(), wardsOn: wardsOn), filter, sort: sort, out, database: database,
                         name: "economic_units", noun: "unit", all: RegistryRows.unitColumns(wardsOn: wardsOn),
                         table: RegistryRows.unitTableColumns(near: filter.near != nil, wardsOn: wardsOn)) { item in
                (RegistryRows.unit(item), item.unit.location.map { .point($0) }, item.unit.id)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one unit with its instruments and status history.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Tax code, household number, market code or MARKET/STALL.") var key: String
        @Option(help: ArgumentHelp("Date for the ward shown (default: today).", valueName: "date")) var asOf: LocalDate?
        @Option(help: "table or json.") var format: Listing.Format = .table

        func run() throws {
            let (item, instruments, history) = try UnitQuery(store: try database.openForReading()).show(key, asOf: asOf ?? .today())
            let u = item.unit
            var l = Listing(name: "economic_units", columns: RegistryRows.unitColumns())
            l.append(RegistryRows.unit(item))
            if format == .json || format == .geojson {
                let obj = JSONValue.object(Array(zip(l.columns, l.rows[0])) + [
                    ("instruments", .array(instruments.map { i in .object([
                        ("type", .string(i.type)), ("serial_no", .string(i.serialNo)), ("last_verified_on", .from(i.lastVerifiedOn?.description)),
                        ("accuracy_class", .from(i.accuracyClass)), ("max_capacity", .from(i.maxCapacity)), ("measure_unit", .from(i.measureUnit)),
                        ("is_reference", .bool(i.isReference)),
                    ]) })),
                    ("status_history", .array(history.map { .object([("status", .string($0.0)), ("since", .from($0.1)), ("note", .from($0.2))]) })),
                ])
                print(JSONText.encode(obj))
                return
            }
            l.rows = l.rows.map { $0 }
            for (c, v) in zip(l.columns, l.rows[0]) where v != .null { print("\(c.padding(toLength: 19, withPad: " ", startingAt: 0)) \(TableText.text(v))") }
            print("created_at          \(u.createdAt)\nupdated_at          \(u.updatedAt)")
            print("\ninstruments (\(instruments.count)):")
            for i in instruments {
                print("  \(i.type)  \(i.serialNo)  verified \(i.lastVerifiedOn?.description ?? "unknown")\(i.isReference ? "  (reference)" : "")")
            }
            print("\nstatus history:")
            for h in history { print("  \(h.1 ?? "?")  \(h.0)  \(h.2 ?? "")") }
        }
    }

    /// The unit fields as options, shared by add and update.
    struct UnitFields: ParsableArguments {
        @Option(help: "Tax code, household number or market code.") var code: String?
        @Option var name: String?
        @Option(help: "enterprise, branch, household_business, cooperative, market, market_stall.") var kind: String?
        @Option(help: "VSIC codes separated by spaces.") var vsic: String?
        @Option var owner: String?
        @Option var address: String?
        @Option(help: "Declared ward code (read on --registered-on).") var wardCode: String?
        @Option(help: "Longitude (or easting with --srs).") var lon: String?
        @Option(help: "Latitude (or northing with --srs).") var lat: String?
        @Option(help: "active, suspended or closed.") var status: String?
        @Option var statusSince: String?
        @Option var registeredOn: String?
        @Option var marketCode: String?
        @Option var stallNo: String?
        @Option var zone: String?
        @Option(help: "Coordinate system of --lon/--lat.") var srs: String?

        /// The option that gives each field (and the location's checks, under both coordinates).
        static let flags = [
            "code": "--code", "name": "--name", "kind": "--kind", "vsic": "--vsic", "owner": "--owner", "address": "--address",
            "ward_code": "--ward-code", "lon": "--lon", "lat": "--lat", "lon/lat": "--lon/--lat", "geometry": "--lon/--lat",
            "status": "--status", "status_since": "--status-since", "registered_on": "--registered-on", "market_code": "--market-code",
            "stall_no": "--stall-no", "zone": "--zone", "srs": "--srs",
        ]

        var fields: [String: String] {
            var f: [String: String] = [:]
            f["code"] = code; f["name"] = name; f["kind"] = kind; f["vsic"] = vsic; f["owner"] = owner
            f["address"] = address; f["ward_code"] = wardCode; f["lon"] = lon; f["lat"] = lat; f["status"] = status
            f["status_since"] = statusSince; f["registered_on"] = registeredOn; f["market_code"] = marketCode
            f["stall_no"] = stallNo; f["zone"] = zone
            return f
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add one unit, validated like an import.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var unit: UnitFields

        func run() throws {
            let u = try withFieldFlags(UnitFields.flags) {
                try UnitEditor(store: database.open(), today: .today(), now: Date()).add(fields: unit.fields, srs: unit.srs)
            }
            note("added \(u.code) \(u.name) (version \(u.version))" + (u.wardFlag.map { "; flagged: \($0)" } ?? ""))
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Change fields of one unit.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The unit's code.") var key: String
        @OptionGroup var unit: UnitFields
        @Option(help: "Fail unless the unit is still at this version (from `units show`).") var expectedVersion: Int?

        func run() throws {
            guard !unit.fields.isEmpty else { throw ValidationError("nothing to change: give at least one field option, e.g. --name") }
            let u = try withFieldFlags(UnitFields.flags) {
                try UnitEditor(store: database.open(), today: .today(), now: Date())
                    .update(key: key, changes: unit.fields, expectedVersion: expectedVersion, srs: unit.srs)
            }
            note("updated \(u.code) (version \(u.version))" + (u.wardFlag.map { "; flagged: \($0)" } ?? ""))
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Mark a unit closed; it stays in the registry with its history.")
        @OptionGroup var database: DatabaseOptions
        @Argument var key: String
        @Option(help: ArgumentHelp("Date of closure (default: today).", valueName: "date")) var on: LocalDate?
        @Option(help: "Why, kept in the status history.") var note: String?
        @Option var expectedVersion: Int?

        func run() throws {
            let u = try UnitEditor(store: database.open(), today: .today(), now: Date()).close(key: key, on: on ?? .today(), note: self.note, expectedVersion: expectedVersion)
            econgis.note("closed \(u.code) on \(u.statusSince?.description ?? "?") (version \(u.version))")
        }
    }
}
