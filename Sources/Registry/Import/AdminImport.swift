import Foundation
import GRDB
import GeoJSON

/// Loads administrative boundaries for a period, the successions between periods and the jurisdiction.
public struct AdminImport {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    public struct WardOptions {
        public var validFrom: LocalDate
        public var validTo: LocalDate?
        public var level = "ward"
        /// Property holding the code and the name; tried after the usual names (code, ma, name, ten).
        public var codeField: String?
        public var nameField: String?
        public var srs: String?
        public var source: String?
        /// Every boundary must lie inside it: a polygon elsewhere is a wrong coordinate system or a typo.
        public var extent: CountryExtent
        /// The caller's date: units without a registration date have their declared ward read on it.
        public var today: LocalDate

        public init(validFrom: LocalDate, validTo: LocalDate? = nil, level: String = "ward", codeField: String? = nil,
                    nameField: String? = nil, srs: String? = nil, source: String? = nil, extent: CountryExtent = .vietnam,
                    today: LocalDate) {
            self.today = today
            self.validFrom = validFrom
            self.validTo = validTo
            self.level = level
            self.codeField = codeField
            self.nameField = nameField
            self.srs = srs
            self.source = source
            self.extent = extent
        }
    }

    /// Longest administrative unit name accepted ("Phường Bình Thới" is 16; the longest commune names ~40).
    static let maxNameLength = 100

    static let validitySQL = """
        SELECT ST_IsValid(g) AS ok, ST_IsValidReason(g) AS reason FROM (SELECT GeomFromWKB(?, 4326) AS g)
        """

    static let upsertSQL = """
        INSERT INTO admin_units (code, name, level, parent_id, valid_from, valid_to, source, geom)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CastToMultiPolygon(GeomFromWKB(?8, 4326)))
        ON CONFLICT (code, valid_from) DO UPDATE SET name = ?2, level = ?3, parent_id = coalesce(?4, parent_id), valid_to = ?6,
          source = ?7, geom = CastToMultiPolygon(GeomFromWKB(?8, 4326))
        WHERE name IS NOT ?2 OR level IS NOT ?3 OR parent_id IS NOT coalesce(?4, parent_id) OR valid_to IS NOT ?6 OR source IS NOT ?7
          OR geom IS NOT CastToMultiPolygon(GeomFromWKB(?8, 4326))
        """

    /// Imports boundary features (Polygon or MultiPolygon; provinces and districts may have none).
    /// Atomic; units' located wards are recomputed in the same transaction.
    public func importWards(path: String, options: WardOptions) throws -> ImportReport {
        let name = FileIdentity.name(of: path)
        for (field, name) in [("code_field", options.codeField), ("name_field", options.nameField)] {
            if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw RegistryError.invalidArgument(field: field, value: name, expected: "the name of a property of the features")
            }
        }
        guard ["province", "district", "ward"].contains(options.level) else {
            throw RegistryError.invalidArgument(field: "level", value: options.level, expected: "province, district or ward")
        }
        if let to = options.validTo, to < options.validFrom {
            throw RegistryError.invalidArgument(field: "valid_to", value: to.description, expected: "a date on or after valid_from (\(options.validFrom))")
        }
        var transform = try options.srs.map { try CoordinateTransform(from: $0) }
        let reader: GeoJSONReader
        do { reader = try GeoJSONReader(path: path) } catch {
            throw RegistryError.unreadable(file: name, reason: "\(error.message) (wards are read from GeoJSON)")
        }
        if transform == nil, let crs = reader.declaredCRS, crs != "EPSG:4326", crs != "OGC:CRS84" {
            transform = try CoordinateTransform(from: crs)
        }
        var report = ImportReport()
        var seen: [String: Int] = [:]  // "code valid_from" → feature
        try store.write { db in
            var writtenIds: [Int64] = []
            for item in reader {
                report.read += 1
                var c = FieldChecks(location: SourceLocation(file: name, line: item.line, feature: item.index))
                let feature: Feature
                switch item.result {
                case .failure(let e):
                    c.error("(feature)", nil, e.message)
                    report.errors += c.issues
                    continue
                case .success(let f): feature = f
                }
                func property(_ names: [String]) -> String? {
                    for n in names {
                        if let v = feature.properties.first(where: { VietnameseText.fieldKey($0.0) == VietnameseText.fieldKey(n) })?.1.text,
                           !v.trimmingCharacters(in: .whitespaces).isEmpty { return v.trimmingCharacters(in: .whitespaces) }
                    }
                    return nil
                }
                // A property named for the code or the name is the only one read: falling back to `code` or `name`
                // when it is missing (mistyped, or absent from a feature) took values from another column unseen.
                let code = property(options.codeField.map { [$0] } ?? ["code", "ma", "ma_so", "ward_code"])
                let unitName = property(options.nameField.map { [$0] } ?? ["name", "ten"]).map(VietnameseText.normalised)
                let level = property(["level", "cap"]) ?? options.level
                let from = property(["valid_from"]).map { v in LocalDate(iso: v) ?? { c.error("valid_from", v, "a date YYYY-MM-DD"); return nil }() } ?? options.validFrom
                let to = property(["valid_to"]).map { v in LocalDate(iso: v) ?? { c.error("valid_to", v, "a date YYYY-MM-DD"); return nil }() } ?? options.validTo
                if code == nil {
                    c.error(options.codeField ?? "code", nil, options.codeField.map { "the unit's GSO code in property \($0), the one named by code_field (the feature has none, or it is empty)" }
                                ?? "the unit's GSO code (in a property code, ma, ma_so or ward_code, or the one named by code_field)")
                }
                if let code, !code.allSatisfy(\.isASCIIDigit) || code.count > 5 {
                    c.error(options.codeField ?? "code", code, "a GSO code of 1 to 5 digits, e.g. 27232")
                }
                if unitName == nil {
                    c.error(options.nameField ?? "name", nil, options.nameField.map { "the unit's name in property \($0), the one named by name_field (the feature has none, or it is empty)" }
                                ?? "the unit's name (in a property name or ten, or the one named by name_field)")
                }
                if let n = unitName, n.count > AdminImport.maxNameLength {
                    c.error(options.nameField ?? "name", n, "a name of at most \(AdminImport.maxNameLength) characters")
                }
                c.refuseControlCharacters(ImportRecord(location: c.location, fields: Dictionary(
                    feature.properties.compactMap { key, value in value.text.map { (key, $0) } }, uniquingKeysWith: { a, _ in a })))
                if let code, let f = from {
                    if let first = seen["\(code) \(f)"] {
                        c.error("code", code, "a code given once per valid_from in the file; feature \(first) has \(code) from \(f) too")
                    } else {
                        seen["\(code) \(f)"] = item.index
                    }
                }
                if !["province", "district", "ward"].contains(level) { c.error("level", level, "province, district or ward") }
                if let f = from, let t = to, t < f { c.error("valid_to", t.description, "a date on or after valid_from (\(f))") }
                var geometryWKB: Data?
                switch feature.geometry {
                case nil where level != "ward": break
                case nil: c.error("geometry", nil, "a Polygon or MultiPolygon boundary")
                case let g? where g.polygons != nil:
                    var transformed = g
                    if let t = transform {
                        transformed = g.mapPositions { p in t.toWGS84(x: p.x, y: p.y).map { Position($0.lon, $0.lat) } ?? Position(.nan, .nan) }
                    }
                    let positions = transformed.positions
                    if let bad = positions.first(where: { !$0.x.isFinite || !$0.y.isFinite || abs($0.x) > 180 || abs($0.y) > 90 }) {
                        c.error("geometry", bad.x.isFinite ? "\(bad.x), \(bad.y)" : nil,
                                transform.map { "coordinates that PROJ can transform from \($0.source) to WGS 84" }
                                    ?? "WGS 84 longitude/latitude (projected coordinates need their coordinate system, srs)")
                    } else if let outside = positions.first(where: { !options.extent.contains($0.x, $0.y) }) {
                        c.error("geometry", "\(outside.x), \(outside.y)", "a boundary inside \(options.extent)")
                    } else {
                        geometryWKB = WellKnownBinary.multiPolygon(transformed.polygons!)
                        let validity = try Row.fetchOne(db, sql: AdminImport.validitySQL, arguments: [geometryWKB])
                        if (validity?["ok"] as Int?) != 1 {
                            c.error("geometry", nil, "a valid polygon (OGC rules); SpatiaLite says: \(validity?["reason"] as String? ?? "unreadable geometry")")
                        }
                    }
                case let g?: c.error("geometry", g.typeName, "a Polygon or MultiPolygon")
                }
                var parentId: Int64?
                if let parent = property(["parent", "parent_code", "ma_cha"]), let f = from {
                    parentId = try AdminUnitRecord.find(db, code: parent, on: f)?.id
                    if parentId == nil { c.error("parent", parent, "the code of an administrative unit valid on \(f) (load it first)") }
                }
                if let code, let f = from {
                    let clash = try Row.fetchOne(db, sql: """
                        SELECT name, valid_from, valid_to FROM admin_units
                        WHERE code = ? AND valid_from <> ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)
                        """, arguments: [code, f.description, (to ?? LocalDate(year: 9999, month: 12, day: 31)!).description, f.description])
                    if let clash {
                        c.error("valid_from", f.description, "a period that does not overlap the one already loaded for code \(code) "
                                + "(\(clash["name"] as String), \(clash["valid_from"] as String)..\(clash["valid_to"] as String? ?? "")); close it with valid_to first")
                    }
                }
                guard !c.hasErrors, let code, let unitName, let f = from else {
                    report.errors += c.issues.filter { $0.severity == .error }
                    report.rejected += 1
                    continue
                }
                let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM admin_units WHERE code = ? AND valid_from = ?", arguments: [code, f.description]) ?? false
                try db.execute(sql: AdminImport.upsertSQL, arguments: [
                    code, unitName, level, parentId, f.description, to?.description, options.source ?? name, geometryWKB,
                ])
                // A boundary loaded again as it was is not written, nor are its units' wards placed again.
                guard db.changesCount > 0 else {
                    report.unchanged += 1
                    continue
                }
                if existed { report.updated += 1 } else { report.inserted += 1 }
                writtenIds.append(try Int64.fetchOne(db, sql: "SELECT id FROM admin_units WHERE code = ? AND valid_from = ?",
                                                     arguments: [code, f.description])!)
            }
            if !report.errors.isEmpty { throw RegistryError.invalidInput(report.errors, file: name) }
            report.flagged = try WardMembership.rebuild(db, wards: "w.id IN (SELECT value FROM json_each(\(writtenIds.description)))",
                                                        today: options.today)
        }
        return report
    }

    /// Successions between periods, from CSV: predecessor_code, predecessor_valid_from, successor_code,
    /// successor_valid_from, effective_on, extent (whole or part), note.
    public func importSuccessions(path: String) throws -> ImportReport {
        let name = FileIdentity.name(of: path)
        let reader = try CSVReader(path: path)
        let columns = ["predecessor_code", "predecessor_valid_from", "successor_code", "successor_valid_from", "effective_on", "extent", "note"]
        let keys = reader.header.map { VietnameseText.fieldKey($0) }
        for required in columns.dropLast() where !keys.contains(required) {
            throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: name, line: 1), field: required, value: nil,
                                                              expected: "a column \(required); the header needs \(columns.joined(separator: ", "))")], file: name)
        }
        var report = ImportReport()
        var given: [String: Int] = [:]  // the line of each predecessor–successor pair: given twice, the later line would win unseen
        try store.write { db in
            while let rec = try reader.next() {
                report.read += 1
                var fields: [String: String] = [:]
                for (i, k) in keys.enumerated() where i < rec.fields.count { fields[k] = rec.fields[i].trimmingCharacters(in: .whitespaces) }
                let record = ImportRecord(location: SourceLocation(file: name, line: rec.line), fields: fields)
                var c = FieldChecks(location: record.location)
                /// The unit's id and its period.
                func unit(_ role: String) throws -> (id: Int64, code: String, from: LocalDate, to: LocalDate?)? {
                    let code = record["\(role)_code"]
                    guard let code else { c.error("\(role)_code", nil, "a GSO code"); return nil }
                    guard let from = c.date(record, "\(role)_valid_from", notAfter: nil) else {
                        if record["\(role)_valid_from"] == nil { c.error("\(role)_valid_from", nil, "the valid_from date that identifies the unit") }
                        return nil
                    }
                    guard let loaded = try AdminUnit.fetchOne(db, sql: "SELECT \(AdminUnit.columns) FROM admin_units WHERE code = ? AND valid_from = ?",
                                                              arguments: [code, from.description]) else {
                        c.error("\(role)_code", code, "an administrative unit loaded with valid_from \(from)")
                        return nil
                    }
                    return (loaded.id, code, from, loaded.validTo)
                }
                let predecessor = try unit("predecessor"), successor = try unit("successor")
                let pred = predecessor?.id, succ = successor?.id
                let effective = c.date(record, "effective_on", notAfter: nil)
                if record["effective_on"] == nil { c.error("effective_on", nil, "the date the succession took effect") }
                // A succession takes effect while both units exist: after the predecessor began, by the day after it
                // ended, once the successor began and before it ended.
                if let e = effective, let p = predecessor, let s = successor {
                    if e <= p.from {
                        c.error("effective_on", e.description, "a date after \(p.code)'s valid_from \(p.from), when the predecessor began")
                    } else if let end = p.to, e > end.adding(days: 1) {
                        c.error("effective_on", e.description, "a date on or before \(end.adding(days: 1)), the day after \(p.code)'s valid_to")
                    }
                    if e < s.from {
                        c.error("effective_on", e.description, "a date on or after \(s.code)'s valid_from \(s.from), when the successor began")
                    } else if let end = s.to, e > end {
                        c.error("effective_on", e.description, "a date on or before \(s.code)'s valid_to \(end)")
                    }
                }
                let extent = record["extent"]
                if extent != "whole" && extent != "part" { c.error("extent", extent, "whole or part") }
                if let pred, let succ {
                    if pred == succ { c.error("successor_code", record["successor_code"], "a unit other than the predecessor") }
                    if let line = given["\(pred)>\(succ)"] {
                        c.error("successor_code", record["successor_code"], "a predecessor and successor given once in the file (line \(line) gives them too)")
                    } else {
                        given["\(pred)>\(succ)"] = rec.line
                    }
                }
                guard !c.hasErrors, let pred, let succ, let effective, let extent else {
                    report.errors += c.issues.filter { $0.severity == .error }
                    continue
                }
                let values: [DatabaseValue] = [effective.description.databaseValue, extent.databaseValue, record["note"].databaseValue]
                if let stored = try Row.fetchOne(db, sql: """
                    SELECT effective_on, extent, note FROM admin_unit_successions WHERE predecessor_id = ? AND successor_id = ?
                    """, arguments: [pred, succ]) {
                    if Array(stored.databaseValues) == values {
                        report.unchanged += 1
                    } else {
                        try db.execute(sql: """
                            UPDATE admin_unit_successions SET effective_on = ?, extent = ?, note = ? WHERE predecessor_id = ? AND successor_id = ?
                            """, arguments: StatementArguments(values + [pred.databaseValue, succ.databaseValue]))
                        report.updated += 1
                    }
                } else {
                    try db.execute(sql: """
                        INSERT INTO admin_unit_successions (predecessor_id, successor_id, effective_on, extent, note) VALUES (?, ?, ?, ?, ?)
                        """, arguments: StatementArguments([pred.databaseValue, succ.databaseValue] + values))
                    report.inserted += 1
                }
            }
            if !report.errors.isEmpty { throw RegistryError.invalidInput(report.errors, file: name) }
        }
        return report
    }

    /// Sets the jurisdiction to the union of the polygons in a GeoJSON file.
    public func importJurisdiction(path: String, name: String, srs: String? = nil) throws {
        let file = FileIdentity.name(of: path)
        let transform = try srs.map { try CoordinateTransform(from: $0) }
        var polygons: [[LinearRing]] = []
        do {
            for item in try GeoJSONReader(path: path) {
                guard let polys = try item.result.get().geometry?.polygons else {
                    throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file, feature: item.index), field: "geometry", value: nil,
                                                                      expected: "a Polygon or MultiPolygon")], file: file)
                }
                polygons += polys
            }
        } catch let e as GeoJSONError {
            throw RegistryError.unreadable(file: file, reason: e.message)
        }
        guard !polygons.isEmpty else { throw RegistryError.unreadable(file: file, reason: "no polygon features") }
        var geometry = Geometry.multiPolygon(polygons)
        if let t = transform {
            geometry = geometry.mapPositions { p in t.toWGS84(x: p.x, y: p.y).map { Position($0.lon, $0.lat) } ?? Position(.nan, .nan) }
        }
        if let bad = geometry.positions.first(where: { !$0.x.isFinite || !$0.y.isFinite || abs($0.x) > 180 || abs($0.y) > 90 }) {
            throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file), field: "geometry", value: bad.x.isFinite ? "\(bad.x), \(bad.y)" : nil,
                                                              expected: "WGS 84 longitude/latitude (or coordinates in the coordinate system given as srs)")], file: file)
        }
        let wkb = WellKnownBinary.multiPolygon(geometry.polygons!)
        try store.write { db in
            try db.execute(sql: "DELETE FROM jurisdiction")
            try db.execute(sql: """
                INSERT INTO jurisdiction (id, name, geom) VALUES (1, ?, CastToMultiPolygon(ST_UnaryUnion(GeomFromWKB(?, 4326))))
                """, arguments: [VietnameseText.normalised(name), wkb])
            // ST_IsValid says -1 (read as true) for the NULL that a union GEOS could not make leaves: a NULL
            // jurisdiction would turn the location check off.
            let made = try Row.fetchOne(db, sql: "SELECT geom IS NOT NULL AND ST_IsValid(geom) = 1 AS ok, GEOS_GetLastErrorMsg() AS reason FROM jurisdiction")
            guard made?["ok"] == true else {
                let reason = (made?["reason"] as String?).map { "; GEOS says: \($0)" } ?? ""
                throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file), field: "geometry", value: nil,
                                                                  expected: "valid polygons whose union can be made (their union is not valid\(reason))")], file: file)
            }
        }
    }
}

/// A longitude/latitude box that administrative boundaries must lie in.
public struct CountryExtent: Sendable, CustomStringConvertible {
    public var name: String
    public var minLon, minLat, maxLon, maxLat: Double

    public init(name: String, minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        self.name = name
        self.minLon = minLon
        self.minLat = minLat
        self.maxLon = maxLon
        self.maxLat = maxLat
    }

    /// Viet Nam's mainland and coastal islands, the bounding box of GADM 4.1 level 0 (VNM) rounded
    /// outwards; the Hoàng Sa and Trường Sa island districts need an extent of their own.
    public static let vietnam = CountryExtent(name: "Viet Nam", minLon: 102.1, minLat: 8.3, maxLon: 109.5, maxLat: 23.4)

    public func contains(_ lon: Double, _ lat: Double) -> Bool {
        (minLon...maxLon).contains(lon) && (minLat...maxLat).contains(lat)
    }

    public var description: String { "the extent of \(name) (lon \(minLon)..\(maxLon), lat \(minLat)..\(maxLat))" }
}
