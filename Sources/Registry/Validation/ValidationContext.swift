import Foundation
import GRDB
import GeoJSON

/// What validation needs to know besides the record: today, the rule tables, the wards and the
/// jurisdiction. Loaded once per operation.
public struct ValidationContext {
    public var today: LocalDate
    public var wards: WardCatalog
    public var jurisdiction: Jurisdiction?
    var knownVSIC: Set<String>
    var identifierFormats: [IdentifierFormat]
    var instrumentTypes: [String: String]  // search key of code / names → code
    var violationCategories: [String: String] = [:]  // search key of code / names → code
    /// The wards a unit's point lies in, for a bulk import of units (loaded by it, not by `load`).
    var wardLocator: WardLocator?

    struct IdentifierFormat {
        var name: String
        var regex: NSRegularExpression
        var example: String
        var validFrom: LocalDate
        var validTo: LocalDate?

        /// A row of `identifier_formats`, its pattern and dates still text.
        struct Stored: Decodable, FetchableRecord {
            var name, pattern, example, validFrom: String
            var validTo: String?
            static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
        }

        /// A pattern or date that does not parse is an error: the rule table is broken, and a format read as in
        /// force forever (or never) would pass or refuse numbers silently.
        init(_ stored: Stored) throws {
            func date(_ column: String, _ text: String) throws -> LocalDate {
                guard let date = LocalDate(iso: text) else {
                    throw RegistryError.database("identifier_formats: \(column) \"\(text)\" of format \(stored.name) is not a date YYYY-MM-DD")
                }
                return date
            }
            guard let regex = try? NSRegularExpression(pattern: stored.pattern) else {
                throw RegistryError.database("identifier_formats: pattern \"\(stored.pattern)\" is not a valid regular expression")
            }
            self.init(name: stored.name, regex: regex, example: stored.example, validFrom: try date("valid_from", stored.validFrom),
                      validTo: try stored.validTo.map { try date("valid_to", $0) })
        }

        init(name: String, regex: NSRegularExpression, example: String, validFrom: LocalDate, validTo: LocalDate?) {
            (self.name, self.regex, self.example, self.validFrom, self.validTo) = (name, regex, example, validFrom, validTo)
        }
    }

    /// A code and its names in a rule table (instrument types, violation categories).
    private struct NamedCode: Decodable, FetchableRecord {
        var code, nameVi, nameEn: String
        static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    }

    /// The search key of each code and of its Vietnamese and English names, leading to the code.
    private static func codesByName(_ db: Database, _ sql: String) throws -> [String: String] {
        var codes: [String: String] = [:]
        for row in try NamedCode.fetchAll(db, sql: sql) {
            for name in [row.code, row.nameVi, row.nameEn] { codes[VietnameseText.fieldKey(name)] = row.code }
        }
        return codes
    }

    public static func load(_ db: Database, today: LocalDate) throws -> ValidationContext {
        let vsic = Set(try String.fetchAll(db, sql: "SELECT code FROM vsic_codes"))
        let formats = try IdentifierFormat.Stored.fetchAll(db, sql: """
            SELECT name, pattern, example, valid_from, valid_to FROM identifier_formats WHERE unit_kind = 'household_business'
            """).map(IdentifierFormat.init)
        let types = try codesByName(db, "SELECT code, name_vi, name_en FROM instrument_types")
        let violations = try codesByName(db, "SELECT code, name_vi, name_en FROM violation_categories")
        return ValidationContext(
            today: today, wards: try WardCatalog.load(db), jurisdiction: try Jurisdiction.load(db),
            knownVSIC: vsic, identifierFormats: formats, instrumentTypes: types, violationCategories: violations)
    }

    /// Nil when `number` matches a household-business format in force on `date` (any, when unknown).
    func householdNumberProblem(_ number: String, registeredOn date: LocalDate?) -> String? {
        let candidates = identifierFormats.filter { f in date.map { Period($0).contains(from: f.validFrom, to: f.validTo) } ?? true }
        let range = NSRange(number.startIndex..., in: number)
        if candidates.contains(where: { $0.regex.firstMatch(in: number, range: range) != nil }) { return nil }
        let shown = candidates.map { "\($0.name), e.g. \($0.example)" }
        return "expected a household business number: " + (shown.isEmpty ? "no format is in force on that date" : shown.joined(separator: "; or "))
    }
}

/// The area an office is responsible for. Unit locations must lie inside it (or on its edge), as
/// SpatiaLite decides: the test runs on a private in-memory SpatiaLite connection holding the
/// polygon, so it can be asked from an import's reading thread while the writer holds the database.
public struct Jurisdiction: Sendable {
    public var name: String
    private let geometry: DatabaseValue
    private let engine: DatabaseQueue
    private let cells: CellAnswers

    static func load(_ db: Database) throws -> Jurisdiction? {
        /// The stored area: a name and a SpatiaLite geometry blob.
        struct Stored: Decodable, FetchableRecord { var name: String; var geom: Data }
        guard let stored = try Stored.fetchOne(db, sql: "SELECT name, geom FROM jurisdiction WHERE id = 1 AND geom IS NOT NULL") else {
            return nil
        }
        return Jurisdiction(name: stored.name, geometry: stored.geom.databaseValue,
                            engine: try DatabaseQueue(configuration: SpatiaLite.configuration()), cells: CellAnswers())
    }

    /// Whether the point lies inside the polygon or on its edge (SpatiaLite's ST_Intersects). After
    /// `CellAnswers.askedBeforeGrid` points, most are answered by the cell of a grid they fall in,
    /// when SpatiaLite found that whole cell inside the polygon or outside it.
    public func contains(_ lon: Double, _ lat: Double) -> Bool {
        cells.answer(lon, lat, build: { try grid() }, probe: { SpatiaLiteConnection().flatMap { PolygonProbe(geometry, on: $0) } })
    }

    /// The polygon's box cut into `CellAnswers.side`² cells, each marked by SpatiaLite: covered by the
    /// polygon (ST_Covers), apart from it (not ST_Intersects), or across its edge. SpatiaLite is asked about
    /// blocks of cells, from the whole box down: a block the polygon covers, or misses, is so in every cell of it,
    /// and only a block across the edge is cut in four, down to single cells. A block's corners are bounds of its
    /// cells, so each cell's mark is the one its own box would get. Asked cell by cell (4 096 pairs of questions),
    /// the grid took 315 M instructions of an import's reading thread, about a tenth of a second; by blocks, the
    /// thread's instructions for 50 000 units fell by 256 M (callgrind).
    private func grid() throws -> CellAnswers.Grid {
        try engine.inDatabase { db in
            let row = try Row.fetchOne(db, sql: "SELECT MbrMinX(?1), MbrMinY(?1), MbrMaxX(?1), MbrMaxY(?1)", arguments: [geometry])
            guard let row, let x0 = row[0] as Double?, let y0 = row[1] as Double?, let x1 = row[2] as Double?, let y1 = row[3] as Double?,
                  x1 > x0, y1 > y0 else { throw CellAnswers.NoGrid() }
            let box = [x0, y0, x1, y1]
            let side = CellAnswers.side
            func bounds(_ low: Double, _ high: Double) -> [Double] {
                (0...side).map { $0 == side ? high : low + Double($0) * (high - low) / Double(side) }
            }
            let xs = bounds(box[0], box[2]), ys = bounds(box[1], box[3])
            // 0 apart, 1 covered, 2 across the edge (or NULL, when SpatiaLite cannot tell: left to the probe).
            let statement = try db.makeStatement(sql: """
                SELECT CASE WHEN ST_Covers(?1, BuildMbr(?2, ?3, ?4, ?5, 4326)) = 1 THEN 1
                            WHEN ST_Intersects(?1, BuildMbr(?2, ?3, ?4, ?5, 4326)) = 0 THEN 0 ELSE 2 END
                """)
            var states = [CellAnswers.State](repeating: .edge, count: side * side)
            /// Marks the cells i0..<i1 by j0..<j1.
            func mark(_ i0: Int, _ j0: Int, _ i1: Int, _ j1: Int) throws {
                let answer = try Int.fetchOne(statement, arguments: [geometry, xs[i0], ys[j0], xs[i1], ys[j1]])
                let state: CellAnswers.State? = answer == 1 ? .inside : answer == 0 ? .outside : nil
                if let state {
                    for j in j0..<j1 { for i in i0..<i1 { states[j * side + i] = state } }
                } else if i1 - i0 > 1 || j1 - j0 > 1 {
                    let im = (i0 + i1 + 1) / 2, jm = (j0 + j1 + 1) / 2
                    for (a, b) in [(i0, im), (im, i1)] where a < b {
                        for (c, d) in [(j0, jm), (jm, j1)] where c < d { try mark(a, c, b, d) }
                    }
                }
            }
            try mark(0, 0, side, side)
            return CellAnswers.Grid(xs: xs, ys: ys, states: states)
        }
    }
}

/// The jurisdiction's grid, made once enough points were asked to pay for it (a one-unit edit never
/// makes it). Points on the reading thread of one import use it; the lock keeps it safe anyway
/// (the probe too, which is for one thread at a time).
private final class CellAnswers: @unchecked Sendable {
    enum State: UInt8 { case inside, outside, edge }
    /// A polygon without an area to cut (every point is then asked of SpatiaLite).
    struct NoGrid: Error {}
    struct Grid {
        var xs: [Double], ys: [Double]
        var states: [State]
    }
    static let side = 64
    static let askedBeforeGrid = 1_000
    private let lock = NSLock()
    private var asked = 0
    private var grid: Grid?
    private var failed = false
    /// The polygon on its own SpatiaLite connection, for the points no cell decides.
    private var probe: PolygonProbe?

    /// The point's cell's answer when it decides; else SpatiaLite's, asked of the polygon's probe (made by
    /// `probe` the first time).
    func answer(_ lon: Double, _ lat: Double, build: () throws -> Grid, probe makeProbe: () -> PolygonProbe?) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let known = cellAnswer(lon, lat, build: build) { return known }
        if probe == nil { probe = makeProbe() }
        return probe?.intersects(lon, lat) ?? false
    }

    /// True or false when the point's cell decides; nil when SpatiaLite must be asked for the point.
    private func cellAnswer(_ lon: Double, _ lat: Double, build: () throws -> Grid) -> Bool? {
        if grid == nil {
            asked += 1
            guard asked > CellAnswers.askedBeforeGrid, !failed else { return nil }
            do { grid = try build() } catch { failed = true; return nil }
        }
        guard let g = grid else { return nil }
        // Outside the polygon's box: no point of the polygon is there.
        guard lon >= g.xs[0], lon <= g.xs[CellAnswers.side], lat >= g.ys[0], lat <= g.ys[CellAnswers.side] else {
            return lon.isNaN || lat.isNaN ? nil : false
        }
        let i = CellAnswers.cell(lon, g.xs), j = CellAnswers.cell(lat, g.ys)
        switch g.states[j * CellAnswers.side + i] {
        case .inside: return true
        case .outside: return false
        case .edge: return nil
        }
    }

    /// The index of the cell whose closed range [bounds[k], bounds[k + 1]] holds `v` (within the bounds),
    /// checked against the very bounds SpatiaLite was given, not only computed.
    private static func cell(_ v: Double, _ bounds: [Double]) -> Int {
        let last = bounds.count - 2
        var k = min(max(Int((v - bounds[0]) / (bounds[last + 1] - bounds[0]) * Double(last + 1)), 0), last)
        while k > 0 && v < bounds[k] { k -= 1 }
        while k < last && v > bounds[k + 1] { k += 1 }
        return k
    }
}

/// The wards of every period by code, without their polygons: what validation needs to read a
/// declared ward code in the period of a date.
public struct WardCatalog: Sendable {
    private var wards: [AdminUnit]

    static func load(_ db: Database) throws -> WardCatalog {
        WardCatalog(wards: try Row.fetchAll(db, sql: """
            SELECT id, code, name, level, valid_from, valid_to FROM admin_units
            WHERE level = 'ward' ORDER BY valid_from, code
            """).map(AdminUnitRecord.adminUnit))
    }

    public var isEmpty: Bool { wards.isEmpty }

    /// The ward with `code` valid on `date`.
    public func ward(code: String, on date: LocalDate) -> AdminUnit? {
        wards.first { $0.code == code && $0.isValid(on: date) }
    }

    public func wards(on date: LocalDate) -> [AdminUnit] { wards.filter { $0.isValid(on: date) } }
}

/// Shared field checks that produce `ValidationIssue`s.
struct FieldChecks {
    let location: SourceLocation
    var issues: [ValidationIssue] = []

    var hasErrors: Bool { issues.contains { $0.severity == .error } }

    mutating func error(_ field: String, _ value: String?, _ expected: String) {
        issues.append(ValidationIssue(location, field: field, value: value, expected: expected))
    }

    mutating func warning(_ field: String, _ value: String?, _ expected: String) {
        issues.append(ValidationIssue(location, field: field, value: value, expected: expected, severity: .warning))
    }

    /// A number with a decimal point or, as Vietnamese spreadsheets write it, a decimal comma, and an optional
    /// exponent: digits only (Swift's Double also reads 0x10, 0x1p-3, nan and inf).
    /// A byte test, not a Regex: it runs for every coordinate of a million-row import on its reading thread.
    static func decimal(_ text: String) -> Double? {
        guard text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2C || $0 == 0x2B || $0 == 0x2D || $0 == 0x65 || $0 == 0x45 })
        else { return nil }
        if let v = Double(text) { return v }
        return text.contains(",") && !text.contains(".") ? Double(text.replacingOccurrences(of: ",", with: ".")) : nil
    }

    /// The unit a record refers to: `unit_code`, or `market_code` and `stall_no` for a stall (MARKET/STALL).
    mutating func unitReference(_ record: ImportRecord, role: String) -> String? {
        var code = record["unit_code"].map { VietnameseText.normalised($0).uppercased() }
        if let m = record["market_code"], let s = record["stall_no"] {
            code = "\(m.uppercased())/\(VietnameseText.normalised(s).uppercased())"
        }
        if code == nil { error("unit_code", nil, "the code of the unit \(role) (or market_code and stall_no)") }
        return code
    }

    /// Normalised (NFC, white space folded) text, or nil; errors when longer than `max`.
    mutating func text(_ record: ImportRecord, _ field: String, required: Bool = false, max: Int = 500) -> String? {
        text(record[field], field, required: required, max: max)
    }

    mutating func text(_ record: ImportRecord, _ key: ImportRecord.Key, required: Bool = false, max: Int = 500) -> String? {
        text(record[key], key.name, required: required, max: max)
    }

    private mutating func text(_ value: String?, _ field: String, required: Bool, max: Int) -> String? {
        guard let raw = value else {
            if required { error(field, nil, "a value is required") }
            return nil
        }
        let v = VietnameseText.normalised(raw)
        if v.utf8.count > max, v.count > max { error(field, raw, "at most \(max) characters") }
        return v
    }

    mutating func date(_ record: ImportRecord, _ field: String, notAfter today: LocalDate?) -> LocalDate? {
        date(record[field], field, order: record.dateOrder, notAfter: today)
    }

    mutating func date(_ record: ImportRecord, _ key: ImportRecord.Key, notAfter today: LocalDate?) -> LocalDate? {
        date(record[key], key.name, order: record.dateOrder, notAfter: today)
    }

    private mutating func date(_ value: String?, _ field: String, order: LocalDate.Order, notAfter today: LocalDate?) -> LocalDate? {
        guard let raw = value else { return nil }
        // issue 10: the file's date order (ImportRecord.dateOrder), and "that exists" in the message
        guard let d = LocalDate(text: raw, order: order) else {
            error(field, raw, order.expected)
            return nil
        }
        if let today, d > today { error(field, raw, "a date not after today (\(today))") }
        return d
    }

    /// The magnitudes an office records (a weighbridge's 100 t in grams, a sack's 0.5 kg, an analytical balance's
    /// 0.0001 g): a value beyond them is a typing or export error (1e308 was stored).
    static let plausibleMagnitudes = 1e-6...1e9

    mutating func number(_ record: ImportRecord, _ field: String, positive: Bool = true) -> Double? {
        guard let raw = record[field] else { return nil }
        guard let v = FieldChecks.decimal(raw), v.isFinite else {
            error(field, raw, "a number (decimal point or comma)")
            return nil
        }
        if positive && v <= 0 {
            error(field, raw, "a number greater than 0")
        } else if v != 0 && !FieldChecks.plausibleMagnitudes.contains(abs(v)) {
            error(field, raw, "a number from 0.000001 to 1000000000")
        }
        return v
    }
}
