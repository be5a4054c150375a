import ArgumentParser
import Foundation
import Registry

extension EconGIS {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import units, instruments, inspections, a market's goods-origin log, wards, successions or the jurisdiction from files.",
            subcommands: [ImportUnits.self, ImportInstruments.self, ImportInspections.self, ImportOrigin.self, ImportWards.self, ImportSuccessions.self, ImportJurisdiction.self])
    }

    struct RecordImportOptions: ParsableArguments {
        @Argument(help: "A CSV (UTF-8, comma or semicolon), GeoJSON or newline-delimited GeoJSON file.")
        var file: String

        @Option(help: ArgumentHelp("Coordinate system of the file: an EPSG code (EPSG:3405), VN2000-HCM or a PROJ string. Default WGS 84, or the GeoJSON's crs.", valueName: "srs"))
        var srs: String?

        @Flag(help: "Import the valid records and write the others with reasons to --rejects.")
        var skipInvalid = false

        @Option(help: ArgumentHelp("Where --skip-invalid writes rejected records (default: FILE.rejects.csv or .geojson, replaced at each import).", valueName: "path"))
        var rejects: String?

        @Flag(help: "Replace the --rejects file if it exists (never the input or the database).")
        var overwrite = false

        @Option(help: ArgumentHelp("How the file writes dates: iso (YYYY-MM-DD) or dmy (dd/mm/yyyy, as Vietnamese Excel does). Default: detected from the file, refused when a date could be read both ways.", valueName: "format"))
        var dateFormat: LocalDate.Order?

        func validate() throws {
            if rejects != nil && !skipInvalid { throw ValidationError("--rejects goes with --skip-invalid") }
            if overwrite && rejects == nil { throw ValidationError("--overwrite goes with --rejects") }
        }

        func options(label: String) -> ImportOptions {
            let ext = ImportFile.format(of: file) == .csv ? "csv" : "geojson"
            var options = ImportOptions(skipInvalid: skipInvalid, rejectsPath: rejects ?? "\(file).rejects.\(ext)", srs: srs, progress: progressBar(label))
            options.dateOrder = dateFormat
            // Our own name beside the input is ours to replace; a path the user gives is replaced only when asked.
            options.replacesRejects = rejects == nil || overwrite
            return options
        }

        /// Runs an import with these options, its steps after the last record shown on a terminal (StageLine) and
        /// cleared before it returns, so the summary that follows starts on a clean line.
        func importing(label: String, _ body: (ImportOptions) throws -> ImportReport) throws -> ImportReport {
            let stages = StageLine(label)
            defer { stages.clear() }
            var options = options(label: label)
            options.finishing = stages.show
            return try body(options)
        }
    }

    static func report(_ r: ImportReport, what: String) {
        for w in r.warnings { note(w.description) }
        if r.moreWarnings > 0 { note("… and \(r.moreWarnings) more warnings") }
        for e in r.errors { note(e.description) }
        if r.moreErrors > 0 {
            note("… and \(r.moreErrors) more problems" + (r.rejectsFile.map { " (every rejected record is in \($0) with its reasons)" } ?? ""))
        }
        var line = "\(what): \(r.read) read, \(r.inserted) added, \(r.updated) updated, \(r.unchanged) unchanged"
        if r.rejected > 0 { line += ", \(r.rejected) rejected" + (r.rejectsFile.map { " (written to \($0))" } ?? "") }
        if r.flagged > 0 { line += ", \(r.flagged) flagged (declared ward differs from location; see `econgis units list --flagged`)" }
        note(line)
    }

    struct ImportUnits: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "units", abstract: "Import economic units (upsert by natural key).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var input: RecordImportOptions

        func run() throws {
            let r = try input.importing(label: "units") { try Importer(store: database.open(), now: Date()).importUnits(path: input.file, options: $0) }
            EconGIS.report(r, what: "units")
        }
    }

    struct ImportInstruments: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "instruments", abstract: "Import measuring instruments (upsert by unit, type and serial number).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var input: RecordImportOptions

        func run() throws {
            let r = try input.importing(label: "instruments") { try Importer(store: database.open(), now: Date()).importInstruments(path: input.file, options: $0) }
            EconGIS.report(r, what: "instruments")
        }
    }

    struct ImportInspections: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspections",
            abstract: "Import inspections and the violations found (one line per finding; upsert by unit, date and scope).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var input: RecordImportOptions

        func run() throws {
            let r = try input.importing(label: "inspections") { try Importer(store: database.open(), now: Date()).importInspections(path: input.file, options: $0) }
            EconGIS.report(r, what: "inspection lines")
        }
    }

    struct ImportWards: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "wards", abstract: "Import administrative boundaries valid for a period (GeoJSON).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "GeoJSON with Polygon or MultiPolygon features carrying a code and a name.") var file: String
        @Option(help: ArgumentHelp("First day the boundaries are valid.", valueName: "date")) var validFrom: LocalDate
        @Option(help: ArgumentHelp("Last day they are valid (omit while current).", valueName: "date")) var validTo: LocalDate?
        @Option(help: "province, district or ward (features may override with a `level` property).") var level = "ward"
        @Option(help: "Property holding the GSO code, when not `code`.") var codeField: String?
        @Option(help: "Property holding the name, when not `name`.") var nameField: String?
        @Option(help: "Coordinate system of the file (see `import units`).") var srs: String?
        @Option(help: ArgumentHelp("Box every boundary must lie in, minLon,minLat,maxLon,maxLat (default: Viet Nam's mainland and coastal islands).", valueName: "box"))
        var extent: String?

        func run() throws {
            var box = CountryExtent.vietnam
            if let extent {
                let p = extent.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard p.count == 4, let w = p[0], let s = p[1], let e = p[2], let n = p[3], w < e, s < n, (-180...180).contains(w),
                      (-180...180).contains(e), (-90...90).contains(s), (-90...90).contains(n) else {
                    throw ValidationError("--extent \"\(extent)\": expected minLon,minLat,maxLon,maxLat in degrees with min < max")
                }
                box = CountryExtent(name: "--extent", minLon: w, minLat: s, maxLon: e, maxLat: n)
            }
            let r = try AdminImport(store: database.open()).importWards(path: file, options: .init(
                validFrom: validFrom, validTo: validTo, level: level, codeField: codeField, nameField: nameField, srs: srs, extent: box, today: .today()))
            EconGIS.report(r, what: "administrative units")
        }
    }

    struct ImportSuccessions: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "successions", abstract: "Import which units became which (CSV).")
        @OptionGroup var database: DatabaseOptions
        @Argument var file: String

        func run() throws {
            let r = try AdminImport(store: database.open()).importSuccessions(path: file)
            EconGIS.report(r, what: "successions")
        }
    }

    struct ImportJurisdiction: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "jurisdiction", abstract: "Set the area unit locations must fall in (GeoJSON polygons).")
        @OptionGroup var database: DatabaseOptions
        @Argument var file: String
        @Option(help: "Its name, e.g. \"Quận 11 (cũ)\".") var name: String
        @Option(help: "Coordinate system of the file.") var srs: String?

        func run() throws {
            try AdminImport(store: database.open()).importJurisdiction(path: file, name: name, srs: srs)
            note("jurisdiction set to \(name)")
        }
    }
}
