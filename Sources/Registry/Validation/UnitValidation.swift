import Foundation
import GeoJSON

/// A unit that passed validation: normalised, its declared ward resolved. Ready to write; the ward its
/// point lies in is found once it is written (WardMembership).
public struct UnitDraft: Sendable {
    public var code: String
    public var kind: UnitKind
    public var name: String
    public var owner: String?
    public var address: String?
    public var vsicCodes: [String]
    public var marketCode: String?
    public var stallNo: String?
    public var zone: String?
    public var registrationNo: String?
    public var status: UnitStatus
    public var statusSince: LocalDate?
    public var registeredOn: LocalDate?
    public var declaredWardCode: String?
    public var declaredWardId: Int64?
    public var lon: Double?
    public var lat: Double?
    /// A market's footprint as GeoJSON text (MultiPolygon, WGS 84).
    public var footprint: String?
    /// The columns the record left out (see UnitColumnsNotGiven); empty for a unit given whole.
    public var notGiven: UnitColumnsNotGiven = []

    var searchText: String {
        var parts = [code, name]
        parts.reserveCapacity(6)
        if let owner { parts.append(owner) }
        if let address { parts.append(address) }
        if let marketCode { parts.append(marketCode) }
        if let stallNo { parts.append(stallNo) }
        return VietnameseText.searchKey(joining: parts)
    }
}

/// A unit's columns an import record may leave out: not in the file's header, cut from a short row, not among a
/// feature's properties. The record says nothing of them, so an update keeps what the registry holds (LeftOutColumns).
public struct UnitColumnsNotGiven: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    static let owner = Self(rawValue: 1 << 0)
    static let address = Self(rawValue: 1 << 1)
    static let vsic = Self(rawValue: 1 << 2)
    static let wardCode = Self(rawValue: 1 << 3)
    static let location = Self(rawValue: 1 << 4)
    static let status = Self(rawValue: 1 << 5)
    static let statusSince = Self(rawValue: 1 << 6)
    static let registeredOn = Self(rawValue: 1 << 7)
    static let zone = Self(rawValue: 1 << 8)
    static let registrationNo = Self(rawValue: 1 << 9)

    /// Each column with its field's name (lon/lat, the location, apart).
    static let fields: [(column: Self, field: ImportRecord.Key)] = [
        (.owner, .owner), (.address, .address), (.vsic, .vsic), (.wardCode, .wardCode), (.status, .status),
        (.statusSince, .statusSince), (.registeredOn, .registeredOn), (.zone, .zone), (.registrationNo, .registrationNo),
    ]

    /// The columns `record` does not give: no cell, no property (a cell given empty empties the column).
    init(_ record: ImportRecord) {
        self = []
        for (column, field) in UnitColumnsNotGiven.fields where record.given(field) == nil {
            insert(column)
        }
        if record.given(.declaredWardCode) != nil { remove(.wardCode) }
        // A status cannot be emptied: given empty, it is the stored one (active for a new unit), as if left out.
        if record[.status] == nil { insert(.status) }
        if record.given(.lon) == nil && record.given(.lat) == nil && record.geometry == nil { insert(.location) }
    }
}

/// Checks one unit record against every rule, collecting all problems rather than stopping at the first.
public enum UnitValidation {
    static let marketCodePattern = try! NSRegularExpression(pattern: "^[A-Z0-9][A-Z0-9._-]{1,39}$")
    static let stallPattern = try! NSRegularExpression(pattern: "^[A-Z0-9][A-Z0-9._-]{0,19}$")

    public static func validate(
        _ record: ImportRecord, context: ValidationContext, transform: CoordinateTransform? = nil
    ) -> (UnitDraft?, [ValidationIssue]) {
        var c = FieldChecks(location: record.location)
        if let parseError = record.given(.error) {
            c.error(record.given(.errorField) ?? "(feature)", record.given(.errorValue), parseError)
            return (nil, c.issues)
        }
        c.refuseControlCharacters(record)
        let kindText = record[.kind]
        let kind = kindText.flatMap(UnitKind.init(loose:))
        if kindText == nil {
            c.error("kind", nil, "one of \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))")
        } else if kind == nil {
            c.error("kind", kindText, "one of \(UnitKind.allCases.map(\.rawValue).joined(separator: ", ")) (or Vietnamese: doanh nghiệp, chi nhánh, hộ kinh doanh, hợp tác xã, chợ, sạp)")
        }
        let name = c.text(record, .name, required: true, max: 300)
        let owner = c.text(record, .owner, max: 200)
        let address = c.text(record, .address, max: 300)
        let zone = c.text(record, .zone, max: 60)
        let registeredOn = c.date(record, .registeredOn, notAfter: context.today)
        let statusSince = c.date(record, .statusSince, notAfter: context.today)
        if let r = registeredOn, let s = statusSince, s < r {
            c.error("status_since", s.description, "a date on or after registered_on (\(r))")
        }
        var status = UnitStatus.active
        if let raw = record[.status] {
            if let s = UnitStatus(loose: raw) { status = s } else {
                c.error("status", raw, "one of active, suspended, closed (or hoạt động, tạm ngừng, ngừng hoạt động)")
            }
        }

        // The natural key depends on the kind.
        var code = record[.code].map { VietnameseText.normalised($0).uppercased() } ?? ""
        var marketCode: String?
        var stallNo: String?
        var registrationNo: String?
        switch kind {
        case .enterprise?, .cooperative?:
            checkTaxCode(&c, code, form: .enterprise)
        case .branch?:
            checkTaxCode(&c, code, form: .dependentUnit)
        case .household_business?:
            if code.isEmpty {
                c.error("code", nil, "the household business registration number is required")
            } else if let problem = context.householdNumberProblem(code, registeredOn: registeredOn) {
                c.error("code", code, problem)
            }
        case .market?:
            if code.isEmpty {
                c.error("code", nil, "a market code is required (letters, digits, . _ -), e.g. CHO-BINH-THOI")
            } else if !matches(marketCodePattern, code) {
                c.error("code", code, "a market code of 2-40 letters A-Z, digits, '.', '_' or '-' (no spaces), e.g. CHO-BINH-THOI")
            }
        case .market_stall?:
            marketCode = record[.marketCode].map { $0.uppercased() }
            stallNo = record[.stallNo].map { VietnameseText.normalised($0).uppercased() }
            if marketCode == nil { c.error("market_code", nil, "the code of the market the stall is in") }
            if let s = stallNo {
                if !matches(stallPattern, s) { c.error("stall_no", s, "a stall number of 1-20 letters, digits, '.', '_' or '-', e.g. A-012") }
            } else {
                c.error("stall_no", nil, "the stall number within its market")
            }
            // A stall's trader may have a registration number; it is kept, not used as the key.
            if !code.isEmpty, let m = marketCode, let s = stallNo, code != "\(m)/\(s)" {
                registrationNo = code
            }
            if let m = marketCode, let s = stallNo { code = "\(m)/\(s)" }
        case nil:
            break
        }
        if kind != .market_stall, record[.marketCode] != nil || record[.stallNo] != nil {
            c.warning("market_code", record[.marketCode] ?? record[.stallNo], "market_code and stall_no apply to market_stall units only; ignored")
        }
        if let reg = record[.registrationNo] { registrationNo = VietnameseText.normalised(reg) }

        // Industry codes: format is an error, an unknown code a warning.
        var vsic: [String] = []
        if let raw = record[.vsic] {
            // Split on the separators' bytes (ASCII, so every part is whole text): comparing Characters cost
            // a bulk import's reading thread a twentieth of its time.
            for part in raw.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x3B || $0 == 0x2C || $0 == 0x7C || $0 == 0x2F }) {
                let v = String(raw[part.startIndex..<part.endIndex])
                if part.count < 2 || part.count > 5 || !part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                    c.error("vsic", v, "a VSIC code of 2 to 5 digits (e.g. 4730, 47732); several separated by spaces or ;")
                } else {
                    if !context.knownVSIC.contains(v) {
                        c.warning("vsic", v, "not in the seeded VSIC list (vsic_codes); kept as given")
                    }
                    if !vsic.contains(v) { vsic.append(v) }
                }
            }
        }

        // Location: a Point geometry, lon/lat fields, or a market footprint.
        var lon: Double?
        var lat: Double?
        var footprint: String?
        var x: Double?
        var y: Double?
        let lonText = record[.lon], latText = record[.lat]
        if case .point(let p)? = record.geometry {
            // The geometry is where the unit is: QGIS moves a point and leaves lon/lat attributes as they were, and a
            // property named x or y may hold anything.
            x = p.x
            y = p.y
            if let lt = lonText, let at = latText, let px = FieldChecks.decimal(lt), let py = FieldChecks.decimal(at),
               abs(px - p.x) > 1e-7 || abs(py - p.y) > 1e-7 {
                c.warning("lon/lat", "\(lt), \(at)", "the Point geometry's \(p.x), \(p.y); the properties are ignored, the geometry is used")
            }
        } else if lonText != nil || latText != nil {
            guard let lt = lonText, let at = latText else {
                c.error(lonText == nil ? "lon" : "lat", nil, "lon and lat are given together or not at all")
                return (nil, c.issues)
            }
            x = FieldChecks.decimal(lt)
            y = FieldChecks.decimal(at)
            if x == nil || !(x!.isFinite) { c.error("lon", lt, "a number (decimal degrees, or an easting in the coordinate system given as srs)") }
            if y == nil || !(y!.isFinite) { c.error("lat", at, "a number (decimal degrees, or a northing in the coordinate system given as srs)") }
        }
        switch record.geometry {
        case nil: break
        case .point?: break  // read above
        case let g? where g.polygons != nil && kind == .market:
            let transformed = g.mapPositions { p in
                guard let t = transform else { return p }
                guard let w = t.toWGS84(x: p.x, y: p.y) else { return Position(.nan, .nan) }
                return Position(w.lon, w.lat)
            }
            if transformed.positions.contains(where: { !$0.x.isFinite }) {
                c.error("geometry", nil, "a footprint whose coordinates can be transformed from \(transform?.source ?? "WGS 84")")
            } else if transformed.positions.contains(where: { abs($0.x) > 180 || abs($0.y) > 90 }) {
                c.error("geometry", nil, "WGS 84 longitude/latitude (or the coordinate system of projected coordinates as srs)")
            } else {
                let polys = transformed.polygons!
                footprint = GeoJSONWriter(precision: 8) { _ in }.geometryText(.multiPolygon(polys))
                if x == nil, let centre = representativePoint(polys) {
                    lon = centre.x
                    lat = centre.y
                }
            }
        case let g?:
            c.error("geometry", g.typeName, kind == .market ? "a Point, Polygon or MultiPolygon" : "a Point (only markets may have a polygon footprint)")
        }
        if let x, let y {
            if let t = transform {
                if let w = t.toWGS84(x: x, y: y) { lon = w.lon; lat = w.lat } else {
                    c.error("lon/lat", "\(x), \(y)", "coordinates that PROJ can transform from \(t.source) to WGS 84")
                }
            } else if !(-180...180).contains(x) || !(-90...90).contains(y) {
                c.error("lon/lat", "\(x), \(y)", "WGS 84 longitude -180..180 and latitude -90..90 (projected coordinates need their coordinate system as srs, e.g. EPSG:3405 or VN2000-HCM)")
            } else {
                lon = x
                lat = y
            }
        }
        if let lo = lon, let la = lat, let j = context.jurisdiction, !j.contains(lo, la) {
            c.error("lon/lat", "\(fmt(lo)), \(fmt(la))", "a location inside the jurisdiction \(j.name)")
            lon = nil
            lat = nil
        }

        // Wards: the declared one is read in the period of registration; the located one from the point.
        let wardDate = registeredOn ?? context.today
        // A file with declared_ward_code (an export read back) declares by it: its ward_code is where the point lies.
        let declaredField: ImportRecord.Key = record.given(.declaredWardCode) != nil ? .declaredWardCode : .wardCode
        let declaredWardCode = record[declaredField]
        // The located ward and the flag are SpatiaLite's to find once the unit is written (WardMembership).
        let declaredWard = declaredWardCode.flatMap { context.wards.ward(code: $0, on: wardDate) }
        if let wc = declaredWardCode, declaredWard == nil, !context.wards.isEmpty {
            let codes = context.wards.wards(on: wardDate).map(\.code)
            c.error(declaredField.name, wc, "a ward code valid on \(wardDate)" + (registeredOn == nil ? " (today; no registered_on)" : " (registered_on)")
                    + (codes.isEmpty ? ": no wards are loaded for that date" : ": one of \(codes.joined(separator: ", "))"))
        }
        if lon == nil && declaredWardCode == nil && !c.hasErrors {
            let leftOut = UnitColumnsNotGiven(record).isSuperset(of: [.location, .wardCode])
            c.warning("lon/lat", nil, "no location and no ward_code: " + (leftOut
                ? "a new unit cannot be placed on a map or in a ward (one in the registry keeps its own, as the record leaves both out)"
                : "the unit cannot be placed on a map or in a ward"))
        }

        guard !c.hasErrors, let kind, let name else { return (nil, c.issues) }
        return (UnitDraft(
            code: code, kind: kind, name: name, owner: owner, address: address, vsicCodes: vsic,
            marketCode: marketCode, stallNo: stallNo, zone: zone, registrationNo: registrationNo,
            status: status, statusSince: statusSince, registeredOn: registeredOn,
            declaredWardCode: declaredWardCode, declaredWardId: declaredWard?.id, lon: lon, lat: lat, footprint: footprint,
            notGiven: UnitColumnsNotGiven(record).subtracting(registrationNo != nil ? .registrationNo : [])), c.issues)
    }

    static func checkTaxCode(_ c: inout FieldChecks, _ code: String, form: TaxCode.Form) {
        guard !code.isEmpty else {
            c.error("code", nil, form == .enterprise ? "the 10-digit tax code is required" : "the branch tax code NNNNNNNNNN-NNN is required")
            return
        }
        if var problem = TaxCode.problem(code, form: form) {
            if code.count == 9, code.allSatisfy(\.isASCIIDigit), TaxCode.problem("0" + code, form: form) == nil {
                problem += "; \"0\(code)\" is valid: a spreadsheet may have dropped the leading 0 (format the column as text)"
            }
            c.error("code", code, problem)
        }
    }

    static func matches(_ regex: NSRegularExpression, _ s: String) -> Bool {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    static func fmt(_ v: Double) -> String { String(format: "%.6f", v) }

    /// The area centroid of the largest polygon's exterior ring, when it lies inside the polygon.
    static func representativePoint(_ polygons: [[LinearRing]]) -> Position? {
        func centroid(_ ring: [Position]) -> (Position, Double) {
            var a = 0.0, cx = 0.0, cy = 0.0
            for i in 0..<(ring.count - 1) {
                let p = ring[i], q = ring[i + 1]
                let cross = p.x * q.y - q.x * p.y
                a += cross
                cx += (p.x + q.x) * cross
                cy += (p.y + q.y) * cross
            }
            guard a != 0 else { return (ring[0], 0) }
            return (Position(cx / (3 * a), cy / (3 * a)), abs(a / 2))
        }
        guard let best = polygons.map({ ($0, centroid($0[0].positions)) }).max(by: { $0.1.1 < $1.1.1 }) else { return nil }
        let c = best.1.0
        return WardIndex.contains([best.0.map(\.positions)], c.x, c.y) ? c : best.0[0].positions[0]
    }
}

extension FieldChecks {
    /// An error for each field holding a control character (see VietnameseText.controlCharacter), so
    /// no such text reaches the database or a terminal. True when there was none.
    @discardableResult
    mutating func refuseControlCharacters(_ record: ImportRecord) -> Bool {
        // Most records have none: the values alone say so.
        guard record.values.contains(where: { $0.map { VietnameseText.controlCharacter(in: $0) != nil } ?? false }) else {
            return true
        }
        var clean = true
        // Fields in name order (the layout's), so the errors come in the same order every time.
        for (field, value) in record.givenFields where !field.hasPrefix("__") {
            guard let (scalar, position) = VietnameseText.controlCharacter(in: value) else { continue }
            error(field, value, "text without control characters (U+\(String(format: "%04X", scalar.value)) at character \(position); only tab and line breaks are allowed)")
            clean = false
        }
        return clean
    }
}
