import Foundation
import GRDB
import Registry

/// Loads the embedded demo data set (geodata/) into a registry through the ordinary import paths.
public struct DemoLoader {
    public let store: RegistryStore
    public let directory: String

    /// The date the demo's verification dates were generated against.
    public static let referenceDate = DemoGenerator.referenceDate

    public init(store: RegistryStore, directory: String) {
        self.store = store
        self.directory = directory
    }

    /// Finds geodata/: the explicit path, $ECONGIS_GEODATA, ./geodata, or the checkout the tool was built from.
    public static func locate(explicit: String?, sourceFile: String) throws -> String {
        let fm = FileManager.default
        if let explicit {
            // Given by the user: that folder or an error, never a quiet fallback to another copy.
            guard fm.fileExists(atPath: (explicit as NSString).appendingPathComponent("units.csv")) else {
                throw RegistryError.notFound(what: "demo data directory", key: explicit, hint: "expected a folder with units.csv, admin_units.geojson, … (geodata/)")
            }
            return explicit
        }
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["ECONGIS_GEODATA"], !env.isEmpty { candidates.append(env) }
        candidates.append("geodata")
        // Sources/econgis/File.swift → the checkout's geodata/
        candidates.append(URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("geodata").path)
        for c in candidates where fm.fileExists(atPath: (c as NSString).appendingPathComponent("units.csv")) { return c }
        throw RegistryError.notFound(what: "demo data directory", key: candidates.first ?? "geodata",
                                     hint: "give the folder with units.csv, or set ECONGIS_GEODATA to it")
    }

    /// Loads everything, then shifts verification and inspection dates by (today − reference date) so the demo's
    /// due list looks the same whatever day it is run. `now` stamps the replayed field work.
    public func load(today: LocalDate, now: Date) throws -> String {
        func file(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let admin = AdminImport(store: store)
        try admin.importJurisdiction(path: file("jurisdiction.geojson"), name: DemoGenerator.jurisdictionName)
        let a = try admin.importWards(path: file("admin_units.geojson"), options: .init(validFrom: LocalDate(year: 2000, month: 1, day: 1)!, source: "EconGIS demo (schematic)", today: today))
        let s = try admin.importSuccessions(path: file("successions.csv"))
        let importer = Importer(store: store, now: now)
        let options = ImportOptions(today: max(today, DemoLoader.referenceDate))
        let m = try importer.importUnits(path: file("markets.geojson"), options: options)
        let u = try importer.importUnits(path: file("units.csv"), options: options)
        // The generator draws verification dates without regard to when a unit registered or closed (87
        // of its 943 instruments fall outside), and the dates are shifted below; the check is for real files.
        var instrumentOptions = options
        instrumentOptions.checksVerificationAgainstUnitLife = false
        let i = try importer.importInstruments(path: file("instruments.csv"), options: instrumentOptions)
        let p = try importer.importInspections(path: file("inspections.csv"), options: options)
        let shift = DemoLoader.referenceDate.days(until: today)
        let days = shift >= 0 ? "+\(shift) days" : "\(shift) days"
        try store.write { db in
            let mark = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM change_history") ?? 0
            try db.execute(sql: "UPDATE measuring_instruments SET last_verified_on = date(last_verified_on, ?) WHERE last_verified_on IS NOT NULL",
                           arguments: [days])
            try db.execute(sql: "UPDATE inspections SET inspected_on = date(inspected_on, ?)", arguments: [days])
            try db.execute(sql: """
                UPDATE violations SET follow_up_due = date(follow_up_due, ?1), resolved_on = date(resolved_on, ?1)
                """, arguments: [days])
            // The shift is how the demo is dated, not a change anybody made: the history it wrote goes, and the
            // history of the load (every row of it, the registry being new) shows the dates as shifted.
            try db.execute(sql: "DELETE FROM change_history WHERE id > ?", arguments: [mark])
            for (table, column) in [("measuring_instruments", "last_verified_on"), ("inspections", "inspected_on"),
                                    ("violations", "follow_up_due"), ("violations", "resolved_on")] {
                func shifted(_ image: String) -> String {
                    "CASE WHEN json_extract(\(image), '$.\(column)') IS NULL THEN \(image) "
                        + "ELSE json_set(\(image), '$.\(column)', date(json_extract(\(image), '$.\(column)'), ?1)) END"
                }
                try db.execute(sql: "UPDATE change_history SET before = \(shifted("before")), after = \(shifted("after")) WHERE table_name = ?2",
                               arguments: [days, table])
            }
        }
        // The year of field work goes through the lifecycle, dated like the rest; the origin log through its import.
        var work = FieldWorkReplay.Summary()
        var originEntries = 0
        if FileManager.default.fileExists(atPath: file("field_work.csv")) {
            work = try FieldWorkReplay(store: store, shift: shift, now: now).replay(path: file("field_work.csv"))
            let origin = try GoodsOriginImport(store: store, now: now).importEntries(path: file("origin_log.csv"), options: options)
            originEntries = origin.inserted + origin.updated
            // In two steps: moved row by row, an entry could land on another's key before that one moves.
            try store.write { db in
                try db.execute(sql: "UPDATE goods_origin_entries SET received_on = '~' || received_on")
                try db.execute(sql: "UPDATE goods_origin_entries SET received_on = date(substr(received_on, 2), ?)", arguments: [days])
            }
        }
        return """
              administrative units: \(a.inserted) (\(s.inserted) successions)
              units: \(m.inserted + u.inserted) (\(u.flagged) flagged)
              instruments: \(i.inserted); inspections: \(p.inserted)
              field work: \(work.visits) visits, \(work.tests) tests (\(work.failed) failed), \(work.seals) instruments sealed; origin log: \(originEntries) entries
              verification and inspection dates shifted by \(shift) days (reference date \(DemoLoader.referenceDate) → \(today))
            """
    }
}
