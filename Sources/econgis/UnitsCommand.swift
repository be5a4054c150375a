import ArgumentParser
import Foundation
import GeoJSON
import Registry

extension EconGIS {
    struct Units: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, show, add, update and close economic units.",
            subcommands: [List.self, Show.self, Add.self, Update.self, Close.self])
    }

    struct OutputOptions: ParsableArguments {
        @Option(help: "table, json, csv or geojson.") var format: Listing.Format = .table
        @Option(help: ArgumentHelp("Write to a file instead of standard output.", valueName: "path")) var output: String?
    }
}

extension EconGIS.Units {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List units, filtered.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only units in this ward (GSO code) as it was on --as-of.") var ward: String?
        @Option(help: ArgumentHelp("Date for --ward and for which units existed (default: today).", valueName: "date")) var asOf: LocalDate?
        @Option(help: "Kinds: enterprise, branch, household_business, cooperative, market, market_stall (repeatable).") var kind: [UnitKind] = []
        @Option(help: "active, suspended or closed (repeatable).") var status: [UnitStatus] = []
        @Option(help: "VSIC code prefix, e.g. 4730 or 477.") var vsic: String?
        @Option(help: ArgumentHelp("minLon,minLat,maxLon,maxLat", valueName: "box")) var bbox: String?
        @Option(help: ArgumentHelp("LON,LAT: units within --radius metres, nearest first.", valueName: "point")) var near: String?
        @Option(help: "Radius for --near, in metres (geodesic).") var radius: Double?
        @Option(help: "Words in the name, owner, address or code; diacritics and case are ignored.") var search: String?
        @Flag(help: "Only units whose declared ward disagrees with their location.") var flagged = false
        @Option(help: "At most this many units.") var limit: Int?
        @OptionGroup var out: EconGIS.OutputOptions

        func validate() throws {
            if (near == nil) != (radius == nil) { throw ValidationError("--near and --radius go together") }
            if let r = radius, !(r > 0 && r <= 100_000) { throw ValidationError("--radius \(r): expected metres between 0 and 100000") }
            if let v = vsic, !(v.count <= 5 && v.allSatisfy(\.isNumber) && !v.isEmpty) { throw ValidationError("--vsic \"\(v)\": expected 1 to 5 digits") }
            if let l = limit, l <= 0 { throw ValidationError("--limit \(l): expected a positive number") }
        }

        func run() throws {
            var f = UnitFilter()
            f.wardCode = ward
            f.asOf = asOf ?? .today()
            f.kinds = kind
            f.statuses = status
            f.vsicPrefix = vsic
            f.search = search
            f.flaggedOnly = flagged
            f.limit = limit
            if let bbox {
                let p = bbox.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard p.count == 4, p.allSatisfy({ $0 != nil }), p[0]! < p[2]!, p[1]! < p[3]! else {
                    throw ValidationError("--bbox \"\(bbox)\": expected minLon,minLat,maxLon,maxLat with min < max")
                }
                f.bbox = (p[0]!, p[1]!, p[2]!, p[3]!)
            }
            if let near, let radius {
                let (x, y) = try parseCoordinatePair(near, option: "--near")
                f.near = (x, y, radius)
            }
            let units = try UnitQuery(store: database.openForReading()).list(f)
            try output(UnitQuery.listing(units).render(out.format), to: out.output)
            if out.format == .table { note("\(units.count) unit\(units.count == 1 ? "" : "s")") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one unit with its instruments and status history.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Tax code, household number, market code or MARKET/STALL.") var key: String
        @Option(help: "table or json.") var format: Listing.Format = .table

        func run() throws {
            let (item, instruments, history) = try UnitQuery(store: database.openForReading()).show(key)
            let u = item.unit
            var l = UnitQuery.listing([item])
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
            for (c, v) in zip(l.columns, l.rows[0]) where v != .null { print("\(c.padding(toLength: 19, withPad: " ", startingAt: 0)) \(v.text ?? "")") }
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
        static let configuration = CommandConfiguration(abstract: "Add one unit, validated like an import.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var unit: UnitFields

        func run() throws {
            let u = try UnitEditor(store: database.open()).add(fields: unit.fields, srs: unit.srs)
            note("added \(u.code) \(u.name) (version \(u.version))" + (u.wardFlag.map { "; flagged: \($0)" } ?? ""))
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change fields of one unit.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The unit's code.") var key: String
        @OptionGroup var unit: UnitFields
        @Option(help: "Fail unless the unit is still at this version (from `units show`).") var expectedVersion: Int?

        func run() throws {
            guard !unit.fields.isEmpty else { throw ValidationError("nothing to change: give at least one field option, e.g. --name") }
            let u = try UnitEditor(store: database.open()).update(key: key, changes: unit.fields, expectedVersion: expectedVersion, srs: unit.srs)
            note("updated \(u.code) (version \(u.version))" + (u.wardFlag.map { "; flagged: \($0)" } ?? ""))
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a unit closed; it stays in the registry with its history.")
        @OptionGroup var database: DatabaseOptions
        @Argument var key: String
        @Option(help: ArgumentHelp("Date of closure (default: today).", valueName: "date")) var on: LocalDate?
        @Option(help: "Why, kept in the status history.") var note: String?
        @Option var expectedVersion: Int?

        func run() throws {
            let u = try UnitEditor(store: database.open()).close(key: key, on: on ?? .today(), note: self.note, expectedVersion: expectedVersion)
            econgis.note("closed \(u.code) on \(u.statusSince?.description ?? "?") (version \(u.version))")
        }
    }
}
