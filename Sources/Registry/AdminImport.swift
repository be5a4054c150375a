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

        public init(validFrom: LocalDate, validTo: LocalDate? = nil, level: String = "ward", codeField: String? = nil,
                    nameField: String? = nil, srs: String? = nil, source: String? = nil) {
            self.validFrom = validFrom
            self.validTo = validTo
            self.level = level
            self.codeField = codeField
            self.nameField = nameField
            self.srs = srs
            self.source = source
        }
    }

    static let upsertSQL = """
        INSERT INTO admin_units (code, name, level, parent_id, valid_from, valid_to, source, geom)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?8), 4326)))
        ON CONFLICT (code, valid_from) DO UPDATE SET name = ?2, level = ?3, parent_id = ?4, valid_to = ?6,
          source = ?7, geom = CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?8), 4326))
        """

    /// Imports boundary features (Polygon or MultiPolygon; provinces and districts may have none).
    /// Atomic; units' located wards are recomputed in the same transaction.
    public func importWards(path: String, options: WardOptions) throws -> ImportReport {
        let name = (path as NSString).lastPathComponent
        guard ["province", "district", "ward"].contains(options.level) else {
            throw RegistryError.invalidArgument(field: "--level", value: options.level, expected: "province, district or ward")
        }
        if let to = options.validTo, to < options.validFrom {
            throw RegistryError.invalidArgument(field: "--valid-to", value: to.description, expected: "a date on or after --valid-from (\(options.validFrom))")
        }
        var transform = try options.srs.map { try CoordinateTransform(from: $0) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw RegistryError.unreadable(file: path, reason: "no such file or not readable")
        }
        let reader: GeoJSONReader
        do { reader = try GeoJSONReader(data: data) } catch {
            throw RegistryError.unreadable(file: name, reason: "\(error.message) (wards are read from GeoJSON)")
        }
        if transform == nil, let crs = reader.declaredCRS, crs != "EPSG:4326", crs != "OGC:CRS84" {
            transform = try CoordinateTransform(from: crs)
        }
        var report = ImportReport()
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
                let code = property([options.codeField, "code", "ma", "ma_so", "ward_code"].compactMap { $0 })
                let unitName = property([options.nameField, "name", "ten"].compactMap { $0 }).map(VietnameseText.normalised)
                let level = property(["level", "cap"]) ?? options.level
                let from = property(["valid_from"]).map { v in LocalDate(iso: v) ?? { c.error("valid_from", v, "a date YYYY-MM-DD"); return nil }() } ?? options.validFrom
                let to = property(["valid_to"]).map { v in LocalDate(iso: v) ?? { c.error("valid_to", v, "a date YYYY-MM-DD"); return nil }() } ?? options.validTo
                if code == nil { c.error(options.codeField ?? "code", nil, "the unit's GSO code (use --code-field to name the property)") }
                if let code, !code.allSatisfy(\.isASCIIDigit) || code.count > 5 {
                    c.error("code", code, "a GSO code of 1 to 5 digits, e.g. 27232")
                }
                if unitName == nil { c.error(options.nameField ?? "name", nil, "the unit's name (use --name-field to name the property)") }
                if !["province", "district", "ward"].contains(level) { c.error("level", level, "province, district or ward") }
                if let f = from, let t = to, t < f { c.error("valid_to", t.description, "a date on or after valid_from (\(f))") }
                var geometryText: String?
                switch feature.geometry {
                case nil where level != "ward": break
                case nil: c.error("geometry", nil, "a Polygon or MultiPolygon boundary")
                case let g? where g.polygons != nil:
                    var transformed = g
                    if let t = transform {
                        transformed = g.mapPositions { p in t.toWGS84(x: p.x, y: p.y).map { Position($0.lon, $0.lat) } ?? Position(.nan, .nan) }
                    }
                    if transformed.positions.contains(where: { !$0.x.isFinite || abs($0.x) > 180 || abs($0.y) > 90 }) {
                        c.error("geometry", nil, "WGS 84 longitude/latitude (projected coordinates need --srs)")
                    } else {
                        geometryText = GeoJSONWriter(precision: 9) { _ in }.geometryText(.multiPolygon(transformed.polygons!))
                        let validity = try Row.fetchOne(db, sql: """
                            SELECT ST_IsValid(g) AS ok, ST_IsValidReason(g) AS reason FROM (SELECT SetSRID(GeomFromGeoJSON(?), 4326) AS g)
                            """, arguments: [geometryText])
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
                    code, unitName, level, parentId, f.description, to?.description, options.source ?? name, geometryText,
                ])
                if existed { report.updated += 1 } else { report.inserted += 1 }
                writtenIds.append(try Int64.fetchOne(db, sql: "SELECT id FROM admin_units WHERE code = ? AND valid_from = ?",
                                                     arguments: [code, f.description])!)
            }
            if !report.errors.isEmpty { throw RegistryError.invalidInput(report.errors, file: name) }
            report.flagged = try WardMembership.rebuild(db, wards: "w.id IN (SELECT value FROM json_each(\(writtenIds.description)))",
                                                        today: LocalDate.today())
        }
        return report
    }

    /// Successions between periods, from CSV: predecessor_code, predecessor_valid_from, successor_code,
    /// successor_valid_from, effective_on, extent (whole or part), note.
    public func importSuccessions(path: String) throws -> ImportReport {
        let name = (path as NSString).lastPathComponent
        let reader = try CSVReader(path: path)
        let columns = ["predecessor_code", "predecessor_valid_from", "successor_code", "successor_valid_from", "effective_on", "extent", "note"]
        let keys = reader.header.map { VietnameseText.fieldKey($0) }
        for required in columns.dropLast() where !keys.contains(required) {
            throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: name, line: 1), field: required, value: nil,
                                                              expected: "a column \(required); the header needs \(columns.joined(separator: ", "))")], file: name)
        }
        var report = ImportReport()
        try store.write { db in
            while let rec = try reader.next() {
                report.read += 1
                var fields: [String: String] = [:]
                for (i, k) in keys.enumerated() where i < rec.fields.count { fields[k] = rec.fields[i].trimmingCharacters(in: .whitespaces) }
                let record = ImportRecord(location: SourceLocation(file: name, line: rec.line), fields: fields)
                var c = FieldChecks(location: record.location)
                func unit(_ role: String) throws -> Int64? {
                    let code = record["\(role)_code"]
                    guard let code else { c.error("\(role)_code", nil, "a GSO code"); return nil }
                    guard let from = c.date(record, "\(role)_valid_from", notAfter: nil) else {
                        if record["\(role)_valid_from"] == nil { c.error("\(role)_valid_from", nil, "the valid_from date that identifies the unit") }
                        return nil
                    }
                    let id = try Int64.fetchOne(db, sql: "SELECT id FROM admin_units WHERE code = ? AND valid_from = ?", arguments: [code, from.description])
                    if id == nil { c.error("\(role)_code", code, "an administrative unit loaded with valid_from \(from)") }
                    return id
                }
                let pred = try unit("predecessor"), succ = try unit("successor")
                let effective = c.date(record, "effective_on", notAfter: nil)
                if record["effective_on"] == nil { c.error("effective_on", nil, "the date the succession took effect") }
                let extent = record["extent"]
                if extent != "whole" && extent != "part" { c.error("extent", extent, "whole or part") }
                guard !c.hasErrors, let pred, let succ, let effective, let extent else {
                    report.errors += c.issues.filter { $0.severity == .error }
                    continue
                }
                try db.execute(sql: """
                    INSERT INTO admin_unit_successions (predecessor_id, successor_id, effective_on, extent, note) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (predecessor_id, successor_id) DO UPDATE SET effective_on = excluded.effective_on, extent = excluded.extent, note = excluded.note
                    """, arguments: [pred, succ, effective.description, extent, record["note"]])
                report.inserted += 1
            }
            if !report.errors.isEmpty { throw RegistryError.invalidInput(report.errors, file: name) }
        }
        return report
    }

    /// Sets the jurisdiction to the union of the polygons in a GeoJSON file.
    public func importJurisdiction(path: String, name: String, srs: String? = nil) throws {
        let file = (path as NSString).lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RegistryError.unreadable(file: path, reason: "no such file or not readable")
        }
        let transform = try srs.map { try CoordinateTransform(from: $0) }
        var polygons: [[LinearRing]] = []
        do {
            for item in try GeoJSONReader(data: data) {
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
        let text = GeoJSONWriter(precision: 9) { _ in }.geometryText(geometry)
        try store.write { db in
            try db.execute(sql: "DELETE FROM jurisdiction")
            try db.execute(sql: """
                INSERT INTO jurisdiction (id, name, geom) VALUES (1, ?, CastToMultiPolygon(ST_UnaryUnion(SetSRID(GeomFromGeoJSON(?), 4326))))
                """, arguments: [VietnameseText.normalised(name), text])
            guard try Bool.fetchOne(db, sql: "SELECT ST_IsValid(geom) FROM jurisdiction") == true else {
                throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file), field: "geometry", value: nil,
                                                                  expected: "valid polygons (their union is not valid)")], file: file)
            }
        }
    }
}
