import Foundation
import GeoJSON

/// Column names accepted in import files (CSV headers or GeoJSON property names), English or
/// Vietnamese, with or without diacritics; each maps to one canonical field.
public enum ImportFields {
    public static let units: [String: [String]] = [
        "code": ["code", "ma", "ma_so", "ma_so_thue", "mst", "tax_code", "ma_so_doanh_nghiep", "so_dang_ky", "registration_number"],
        "name": ["name", "ten", "ten_don_vi", "ten_co_so", "ten_doanh_nghiep"],
        "kind": ["kind", "loai", "loai_hinh", "type"],
        "vsic": ["vsic", "vsic_codes", "nganh_nghe", "ma_nganh", "nganh"],
        "owner": ["owner", "representative", "chu_so_huu", "nguoi_dai_dien", "chu_ho", "chu_co_so", "tieu_thuong"],
        "address": ["address", "dia_chi"],
        "ward_code": ["ward_code", "ward", "ma_phuong", "ma_xa", "phuong"],
        // In our own exports ward_code is the ward of the point on the day; the declared one is this column, which wins.
        "declared_ward_code": ["declared_ward_code", "ma_phuong_dang_ky"],
        "lon": ["lon", "lng", "long", "longitude", "kinh_do", "x"],
        "lat": ["lat", "latitude", "vi_do", "y"],
        "status": ["status", "trang_thai"],
        "status_since": ["status_since", "ngay_trang_thai"],
        "registered_on": ["registered_on", "registration_date", "ngay_dang_ky", "ngay_cap"],
        "market_code": ["market_code", "market", "ma_cho", "cho"],
        "stall_no": ["stall_no", "stall", "so_sap", "so_quay", "so_kiot", "sap"],
        "zone": ["zone", "khu", "khu_vuc", "nganh_hang"],
        "registration_no": ["registration_no", "so_giay_phep", "so_dkkd"],
    ]

    public static let instruments: [String: [String]] = [
        "unit_code": ["unit_code", "unit", "code", "ma_so", "ma_don_vi", "ma_so_thue"],
        "market_code": ["market_code", "ma_cho"],
        "stall_no": ["stall_no", "so_sap", "so_quay"],
        "type": ["type", "instrument_type", "loai", "loai_phuong_tien", "phuong_tien_do"],
        "serial_no": ["serial_no", "serial", "so_hieu", "so_serial", "so_may"],
        "manufacturer": ["manufacturer", "hang_san_xuat", "nha_san_xuat"],
        "model": ["model", "kieu"],
        "accuracy_class": ["accuracy_class", "class", "cap_chinh_xac"],
        "max_capacity": ["max_capacity", "max", "muc_can_lon_nhat", "pham_vi_do"],
        "scale_interval": ["scale_interval", "d", "e", "gia_tri_do", "gia_tri_vach_chia"],
        "measure_unit": ["measure_unit", "unit_of_measure", "don_vi_do"],
        "last_verified_on": ["last_verified_on", "verified_on", "ngay_kiem_dinh"],
        "certificate_no": ["certificate_no", "so_giay_chung_nhan", "so_chung_nhan"],
        "stamp_no": ["stamp_no", "so_tem"],
        "verified_by": ["verified_by", "don_vi_kiem_dinh", "to_chuc_kiem_dinh"],
        "is_reference": ["is_reference", "reference", "can_doi_chung"],
    ]

    public static let inspections: [String: [String]] = [
        "unit_code": ["unit_code", "unit", "code", "ma_so", "ma_don_vi", "ma_so_thue"],
        "market_code": ["market_code", "ma_cho"],
        "stall_no": ["stall_no", "so_sap", "so_quay"],
        "inspected_on": ["inspected_on", "date", "ngay_kiem_tra"],
        "scope": ["scope", "noi_dung", "noi_dung_kiem_tra", "linh_vuc"],
        "outcome": ["outcome", "result", "ket_qua"],
        "team": ["team", "doan_kiem_tra", "to_kiem_tra"],
        "note": ["note", "notes", "ghi_chu"],
        "violation": ["violation", "violation_category", "hanh_vi_vi_pham", "vi_pham"],
        "description": ["description", "mo_ta"],
        "fine_vnd": ["fine_vnd", "fine", "muc_phat", "so_tien_phat"],
        "follow_up": ["follow_up", "bien_phap_khac_phuc", "yeu_cau_khac_phuc"],
        "follow_up_due": ["follow_up_due", "han_khac_phuc"],
        "resolved_on": ["resolved_on", "ngay_khac_phuc"],
    ]

    /// Maps each header to its canonical field. Unknown headers are returned separately (ignored with a
    /// warning); two headers for the same field are an error.
    static func map(_ headers: [String], aliases: [String: [String]], file: String) throws -> (index: [String: Int], unknown: [String]) {
        var lookup: [String: String] = [:]
        for (field, names) in aliases { for n in names { lookup[n] = field } }
        var index: [String: Int] = [:]
        var unknown: [String] = []
        for (i, h) in headers.enumerated() {
            let key = VietnameseText.fieldKey(h)
            guard let field = lookup[key] else {
                if !key.isEmpty { unknown.append(h) }
                continue
            }
            if let j = index[field] {
                throw RegistryError.invalidInput(
                    [ValidationIssue(SourceLocation(file: file, line: 1), field: h, value: h,
                                     expected: "only one column for \(field); column \(j + 1) \"\(headers[j])\" is already \(field)")],
                    file: file)
            }
            index[field] = i
        }
        return (index, unknown)
    }
}

/// The canonical fields the records of one file can hold, each in a slot of the record's values, and the
/// fields a reader adds to describe a record it could not read (`__error`, `__field`, `__value`). Every record
/// of a file shares one layout; the units' layout is one for every file, so validation can read a unit's fields
/// by slot (`ImportRecord.Key`) instead of hashing a name for each of some thirty reads per record.
public final class ImportFieldLayout: Sendable {
    /// The fields by slot.
    let names: [String]
    let slots: [String: Int]

    init(_ fields: some Sequence<String>) {
        let names = Set(fields).union(["__error", "__field", "__value"]).sorted()
        self.names = names
        slots = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }

    static let units = ImportFieldLayout(ImportFields.units.keys)

    /// The layout of files read through `aliases`.
    static func of(_ aliases: [String: [String]]) -> ImportFieldLayout {
        aliases == ImportFields.units ? .units : ImportFieldLayout(aliases.keys)
    }
}

/// One input record, whatever file it came from, with its fields in the slots of its file's layout.
public struct ImportRecord {
    public var location: SourceLocation
    let layout: ImportFieldLayout
    /// By slot: the value as given (a cell given empty is ""), nil for a field the record does not give.
    var values: [String?]
    /// A GeoJSON geometry, when the record came from a feature.
    public var geometry: Geometry?
    /// How the file writes its dates.
    public var dateOrder: LocalDate.Order

    /// A record of the fields given by name (a command line's options, a test's record).
    public init(location: SourceLocation, fields: [String: String], geometry: Geometry? = nil, dateOrder: LocalDate.Order = .iso) {
        let units = ImportFieldLayout.units
        let layout = fields.keys.allSatisfy { units.slots[$0] != nil } ? units : ImportFieldLayout(fields.keys)
        var values = [String?](repeating: nil, count: layout.names.count)
        for (field, value) in fields { values[layout.slots[field]!] = value }
        self.init(location: location, layout: layout, values: values, geometry: geometry, dateOrder: dateOrder)
    }

    init(location: SourceLocation, layout: ImportFieldLayout, values: [String?], geometry: Geometry? = nil, dateOrder: LocalDate.Order = .iso) {
        self.location = location
        self.layout = layout
        self.values = values
        self.geometry = geometry
        self.dateOrder = dateOrder
    }

    /// A record a reader could not read: `message` says why, `field` and `value` (when given) where.
    init(location: SourceLocation, layout: ImportFieldLayout, error message: String, field: String? = nil, value: String? = nil,
         dateOrder: LocalDate.Order = .iso) {
        var values = [String?](repeating: nil, count: layout.names.count)
        values[layout.slots["__error"]!] = message
        values[layout.slots["__field"]!] = field
        values[layout.slots["__value"]!] = value
        self.init(location: location, layout: layout, values: values, dateOrder: dateOrder)
    }

    /// The value as given, untrimmed: nil when the record does not give the field, "" for a cell given empty.
    public func given(_ field: String) -> String? {
        guard let slot = layout.slots[field] else { return nil }
        return values[slot]
    }

    /// The fields the record gives in name order, with their values as given (the reader's `__` fields included).
    public var givenFields: some Sequence<(field: String, value: String)> {
        zip(layout.names, values).lazy.compactMap { name, value in value.map { (field: name, value: $0) } }
    }

    /// The trimmed value, nil when absent or blank.
    public subscript(_ field: String) -> String? {
        ImportRecord.trimmed(given(field))
    }

    static func trimmed(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let v = VietnameseText.trimmed(raw)
        guard !v.isEmpty else { return nil }
        return v
    }

    /// A unit field, read by its slot in the units' layout (by name from a record of another layout).
    struct Key: Sendable {
        let name: String
        let slot: Int
        init(_ name: String) {
            self.name = name
            slot = ImportFieldLayout.units.slots[name]!
        }
    }

    /// The value as given, untrimmed (see `given(_:)`).
    func given(_ key: Key) -> String? {
        layout === ImportFieldLayout.units ? values[key.slot] : given(key.name)
    }

    /// The trimmed value, nil when absent or blank.
    subscript(_ key: Key) -> String? {
        ImportRecord.trimmed(given(key))
    }
}

extension ImportRecord.Key {
    static let code = Self("code"), name = Self("name"), kind = Self("kind"), vsic = Self("vsic"), owner = Self("owner")
    static let address = Self("address"), wardCode = Self("ward_code"), declaredWardCode = Self("declared_ward_code")
    static let lon = Self("lon"), lat = Self("lat"), status = Self("status"), statusSince = Self("status_since")
    static let registeredOn = Self("registered_on"), marketCode = Self("market_code"), stallNo = Self("stall_no")
    static let zone = Self("zone"), registrationNo = Self("registration_no")
    static let error = Self("__error"), errorField = Self("__field"), errorValue = Self("__value")
}

/// Reads CSV or GeoJSON files as `ImportRecord`s, mapping headers through the aliases.
public enum ImportFile {
    public enum Format: String, Sendable { case csv, geojson, geojsonseq }

    public static func format(of path: String) -> Format {
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "geojson", "json": return .geojson
        case "geojsonl", "geojsons", "geojsonseq", "ndjson", "jsonl": return .geojsonseq
        default: return .csv
        }
    }

    /// Fields that hold dates, read in the file's date order.
    static let dateFields: Set<String> = ["registered_on", "status_since", "last_verified_on", "inspected_on", "follow_up_due",
                                          "resolved_on", "predecessor_valid_from", "successor_valid_from", "effective_on"]

    /// The date order of a file when none is given: ISO when its first date is ISO; otherwise day
    /// first, provided every date in it reads only that way. A date that reads either way (03/05/2024)
    /// or month first (03/15/2024) is refused, naming it: the user must say (`dateOrder`).
    static func detectDateOrder(path: String, aliases: [String: [String]]) throws -> LocalDate.Order {
        let name = FileIdentity.name(of: path)
        var warnings = ImportWarnings()
        var order: LocalDate.Order?
        struct Decided: Error {}
        do {
            _ = try forEachRecord(path: path, aliases: aliases, warnings: &warnings, keepRaw: false) { record, _ in
                for field in dateFields.sorted() {
                    guard let value = record[field] else { continue }
                    let evidence = LocalDate.evidence(value)
                    if order == nil, evidence == .iso { throw Decided() }  // an ISO file: read as such, no second look
                    func refuse(_ why: String) -> RegistryError {
                        RegistryError.invalidInput([ValidationIssue(record.location, field: field, value: value, expected: why)], file: name)
                    }
                    switch evidence {
                    case .unreadable: continue  // the validator names it
                    case .iso, .dayFirst: order = .dmy
                    case .ambiguous:
                        throw refuse("a date that reads one way only: this one may be day/month or month/day; give the file's date format (dmy for dd/mm/yyyy, as Vietnamese Excel writes it)")
                    case .monthFirst:
                        throw refuse("a date dd/mm/yyyy (month first, mm/dd/yyyy, is not read); or give dates as YYYY-MM-DD")
                    }
                }
            }
        } catch is Decided {
            return .iso
        }
        return order ?? .iso
    }

    /// Calls `body` with each record. CSV rows keep their raw cells for a rejects file when `keepRaw` (else
    /// their raw record has no cells).
    static func forEachRecord(
        path: String, aliases: [String: [String]], warnings: inout ImportWarnings, keepRaw: Bool = true,
        progress: ((Int, Int) -> Void)? = nil, dateOrder: LocalDate.Order = .iso,
        declaredCRS: (String?) throws -> Void = { _ in },
        _ body: (ImportRecord, _ raw: RawRecord) throws -> Void
    ) throws -> RawHeader {
        let name = FileIdentity.name(of: path)
        switch format(of: path) {
        case .csv:
            let reader = try CSVReader(path: path)
            let (index, unknown) = try ImportFields.map(reader.header, aliases: aliases, file: name)
            for u in unknown {
                warnings.append(ValidationIssue(SourceLocation(file: name, line: 1), field: u, value: u,
                                                expected: "unknown column, ignored (known: \(aliases.keys.sorted().joined(separator: ", ")))",
                                                severity: .warning))
            }
            let total = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let columns = reader.header.count
            // The kept columns, made Strings; the others are only checked to be UTF-8 (unless kept raw).
            let layout = ImportFieldLayout.of(aliases)
            let kept = index.sorted { $0.key < $1.key }.map { (slot: layout.slots[$0.key]!, column: $0.value) }
            var isKept = [Bool](repeating: false, count: columns)
            for (_, i) in kept { isKept[i] = true }
            var n = 0
            while try reader.advance() {
                let count = reader.fieldCount
                // Kept raw, every cell is a String already: the kept fields are taken from them, not decoded again.
                let cells = keepRaw ? try (0..<count).map { try reader.string($0) } : []
                var values = [String?](repeating: nil, count: layout.names.count)
                for (slot, i) in kept where i < count {
                    values[slot] = keepRaw ? cells[i] : try reader.string(i)
                }
                if !keepRaw { try reader.checkUTF8(skipping: isKept) }
                let location = SourceLocation(file: name, line: reader.recordLine)
                var record = ImportRecord(location: location, layout: layout, values: values, dateOrder: dateOrder)
                if count > columns {
                    // Cells beyond the header mean the row is shifted: its values are not where their
                    // columns say, so one error names the row instead of a wrong error per cell.
                    let extra = try (columns..<count).map { k -> String in
                        let cell = try reader.string(k)
                        return "\"\(cell.count > 30 ? String(cell.prefix(30)) + "…" : cell)\""
                    }
                    let why = "\(columns) cells as in the header; \(extra.count) extra cell\(extra.count == 1 ? "" : "s") "
                        + "(cell\(extra.count == 1 ? "" : "s") \(columns + 1)\(extra.count == 1 ? "" : "–\(count)"): \(extra.prefix(3).joined(separator: ", "))"
                        + "\(extra.count > 3 ? ", …" : "")); a separator inside an unquoted value shifts every cell after it: put that value in double quotes"
                    record = ImportRecord(location: location, layout: layout, error: why, field: "(row)", value: "\(count) cells", dateOrder: dateOrder)
                } else if count < columns {
                    let missing = reader.header[count...]
                    warnings.append(ValidationIssue(location, field: "(row)", value: "\(count) cells",
                                                    expected: "\(columns) cells as in the header; \(missing.count) missing (\(missing.joined(separator: ", "))), left out (empty for a new record; kept as stored for one in the registry)",
                                                    severity: .warning))
                }
                // A short row's raw cells padded to the header, so that a rejects file puts the reason under its own column.
                let raw = keepRaw && count < columns ? cells + Array(repeating: "", count: columns - count) : cells
                try body(record, .csv(raw, line: reader.recordLine))
                n += 1
                if n % 4096 == 0 { progress?(reader.bytesRead, total) }
            }
            progress?(total, total)
            return .csv(reader.header)
        case .geojson, .geojsonseq:
            let reader: GeoJSONReader
            do { reader = try GeoJSONReader(path: path) } catch {
                throw RegistryError.unreadable(file: name, reason: error.message)
            }
            try declaredCRS(reader.declaredCRS)
            var lookup: [String: String] = [:]
            for (field, names) in aliases { for n in names { lookup[n] = field } }
            let layout = ImportFieldLayout.of(aliases)
            var unknownSeen = Set<String>()
            for item in reader {
                let location = SourceLocation(file: name, line: item.line, feature: item.index)
                switch item.result {
                case .failure(let error):
                    try body(ImportRecord(location: location, layout: layout, error: error.message, dateOrder: dateOrder), .feature(nil))
                case .success(let feature):
                    var values = [String?](repeating: nil, count: layout.names.count)
                    for (key, value) in feature.properties {
                        guard let field = lookup[VietnameseText.fieldKey(key)] else {
                            if unknownSeen.insert(key).inserted {
                                warnings.append(ValidationIssue(location, field: key, value: value.text,
                                                                expected: "unknown property, ignored", severity: .warning))
                            }
                            continue
                        }
                        values[layout.slots[field]!] = value.text ?? ""  // null: given empty (QGIS writes a cleared attribute so)
                    }
                    try body(ImportRecord(location: location, layout: layout, values: values, geometry: feature.geometry, dateOrder: dateOrder),
                             .feature(feature))
                }
                if item.index % 4096 == 0 { progress?(item.index, reader.count) }
            }
            progress?(reader.count, reader.count)
            return .geojson(reader.declaredCRS)
        }
    }
}

public enum RawRecord {
    case csv([String], line: Int)
    case feature(Feature?)
}

public enum RawHeader {
    case csv([String])
    case geojson(String?)
}

/// Warnings about a file's shape (unknown columns, short rows), the first `ImportReport.shownLimit` kept.
struct ImportWarnings {
    var shown: [ValidationIssue] = []
    var more = 0

    mutating func append(_ issue: ValidationIssue) {
        if shown.count < ImportReport.shownLimit { shown.append(issue) } else { more += 1 }
    }
}
