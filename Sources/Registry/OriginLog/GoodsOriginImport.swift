import Foundation
import GRDB

/// One line of a market's goods-origin log: what a stall brought in, from whom and from where.
struct GoodsOriginDraft {
    var unitCode: String
    var receivedOn: LocalDate
    var goods: String
    var quantity: Double?
    var quantityUnit: String?
    var supplier: String?
    var originProvince: String?
    var traceabilityCode: String?
    var note: String?
    /// The updatable fields the record left out: an entry already logged keeps what it holds there (LeftOutColumns).
    var notGiven: Set<String> = []
    /// The key fields (supplier, origin_province) the record left out: it is the entry of that stall, day and goods
    /// whatever it holds there, when there is one.
    var keyNotGiven: Set<String> = []
}

enum GoodsOriginValidation {
    static let aliases: [String: [String]] = [
        "unit_code": ["unit_code", "code", "ma_don_vi"],
        "market_code": ["market_code", "market", "ma_cho", "cho"],
        "stall_no": ["stall_no", "stall", "so_sap", "so_quay", "sap"],
        "received_on": ["received_on", "date", "ngay", "ngay_nhap"],
        "goods": ["goods", "hang_hoa", "ten_hang", "mat_hang"],
        "quantity": ["quantity", "so_luong", "khoi_luong"],
        "quantity_unit": ["quantity_unit", "don_vi_tinh", "dvt"],
        "supplier": ["supplier", "nha_cung_cap", "nguoi_cung_cap", "noi_mua"],
        "origin_province": ["origin_province", "origin", "province", "xuat_xu", "noi_san_xuat", "tinh"],
        "traceability_code": ["traceability_code", "ma_truy_xuat", "ma_truy_xuat_nguon_goc"],
        "note": ["note", "ghi_chu"],
    ]

    static func validate(_ record: ImportRecord, context: ValidationContext) -> (GoodsOriginDraft?, [ValidationIssue]) {
        var c = FieldChecks(location: record.location)
        if let parseError = record.given("__error") {
            c.error("(feature)", nil, parseError)
            return (nil, c.issues)
        }
        let unitCode = c.unitReference(record, role: "that received the goods (a market stall: market_code and stall_no)")
        let date = c.date(record, "received_on", notAfter: context.today)
        if record["received_on"] == nil { c.error("received_on", nil, "the date the goods came in, YYYY-MM-DD") }
        let goods = c.text(record, "goods", required: true, max: 200)
        let quantity = c.number(record, "quantity")
        let quantityUnit = c.text(record, "quantity_unit", max: 20)
        if quantity != nil && quantityUnit == nil { c.error("quantity_unit", nil, "the unit of the quantity (kg, thùng, con, …)") }
        let supplier = c.text(record, "supplier", max: 200)
        let origin = c.text(record, "origin_province", max: 100)
        let code = c.text(record, "traceability_code", max: 100)
        let note = c.text(record, "note", max: 500)
        guard !c.hasErrors, let unitCode, let date, let goods else { return (nil, c.issues) }
        return (GoodsOriginDraft(unitCode: unitCode, receivedOn: date, goods: goods, quantity: quantity, quantityUnit: quantityUnit,
                                 supplier: supplier, originProvince: origin, traceabilityCode: code, note: note,
                                 notGiven: Set(GoodsOriginWriter.updatable.filter { record.given($0) == nil }),
                                 keyNotGiven: Set(["supplier", "origin_province"].filter { record.given($0) == nil })), c.issues)
    }
}

/// Writes log entries, one per (stall, day, goods, supplier): a second import of the same line updates it.
struct GoodsOriginWriter {
    let db: Database
    let now: String
    /// The entries this import wrote: one given twice in a file is refused, where the later line would win unseen.
    let written = WrittenEntries()

    final class WrittenEntries { var ids = Set<Int64>() }

    struct GivenTwice: RecordRejection {
        let value: String?
        var field: String { "goods" }
        var expected: String { "an entry (stall, received_on, goods, supplier, origin_province) given once in the file" }
    }

    struct NotAStall: RecordRejection {
        let value: String?
        var field: String { "unit_code" }
        var expected: String { "a market stall or a market (the origin log is kept in markets)" }
    }

    /// A line that leaves out the supplier or the origin, where the stall logged that goods that day more than once.
    struct WhichEntry: RecordRejection {
        let value: String?
        let count: Int
        let left: String
        var field: String { "goods" }
        var expected: String { "a line with \(left): the stall logged these goods that day \(count) times, from different suppliers or origins" }
    }

    struct BeforeRegistration: RecordRejection {
        let value: String?
        let registeredOn: String
        var field: String { "received_on" }
        var expected: String { "a date on or after \(registeredOn), when the stall was registered" }
    }

    /// The columns an import line updates, in this order; the rest (stall, day, goods, supplier, origin) are the entry's key.
    static let updatable = ["quantity", "quantity_unit", "origin_province", "traceability_code", "note"]

    func upsert(_ d: GoodsOriginDraft) throws -> UnitWriter.Outcome {
        let unitId = try UnitReference.id(db, code: d.unitCode)
        let unit = try Row.fetchOne(db, sql: "SELECT kind, registered_on FROM economic_units WHERE id = ?", arguments: [unitId])!
        guard ["market_stall", "market"].contains(unit["kind"] as String) else { throw NotAStall(value: d.unitCode) }
        if let r = unit["registered_on"] as String?, d.receivedOn.description < r {
            throw BeforeRegistration(value: d.receivedOn.description, registeredOn: r)
        }
        var values: [DatabaseValueConvertible?] = [d.quantity, d.quantityUnit, d.originProvince, d.traceabilityCode, d.note]
        // A key column the line leaves out (not in the header, cut from a short row) matches what the entry holds: such
        // a line was logged as a second entry beside the first.
        var key: SQL = "unit_id = \(unitId) AND received_on = \(d.receivedOn.description) AND goods = \(d.goods)"
        if !d.keyNotGiven.contains("supplier") { key += " AND coalesce(supplier, '') = \(d.supplier ?? "")" }
        if !d.keyNotGiven.contains("origin_province") { key += " AND coalesce(origin_province, '') = \(d.originProvince ?? "")" }
        let matching = try Row.fetchAll(db, SQLRequest<Row>(literal: """
            SELECT id, quantity, quantity_unit, origin_province, traceability_code, note FROM goods_origin_entries
            WHERE \(key) LIMIT 2
            """))
        if matching.count > 1 {
            let count = try Int.fetchOne(db, SQLRequest<Int>(literal: "SELECT count(*) FROM goods_origin_entries WHERE \(key)")) ?? 2
            throw WhichEntry(value: d.goods, count: count, left: d.keyNotGiven.sorted().joined(separator: " and "))
        }
        if let existing = matching.first {
            guard written.ids.insert(existing["id"]).inserted else { throw GivenTwice(value: d.goods) }
            let old: [DatabaseValue] = GoodsOriginWriter.updatable.map { existing[$0] }
            for (i, field) in GoodsOriginWriter.updatable.enumerated() where d.notGiven.contains(field) { values[i] = old[i] }
            if old == values.map({ $0?.databaseValue ?? .null }) { return .unchanged }
            try db.execute(sql: """
                UPDATE goods_origin_entries SET quantity = ?, quantity_unit = ?, origin_province = ?, traceability_code = ?, note = ? WHERE id = ?
                """, arguments: StatementArguments(values + [existing["id"] as Int64]))
            return .updated
        }
        try db.execute(sql: """
            INSERT INTO goods_origin_entries (unit_id, received_on, goods, supplier, quantity, quantity_unit, origin_province,
                                              traceability_code, note, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: StatementArguments([unitId, d.receivedOn.description, d.goods, d.supplier] + values + [now]))
        written.ids.insert(db.lastInsertedRowID)
        return .inserted
    }
}

/// `import origin`: the log file in one transaction; any invalid line and nothing is written (unless
/// skipInvalid), every invalid line named with its field, value and what was expected.
public struct GoodsOriginImport: Sendable {
    public let store: RegistryStore
    /// The caller's clock: written rows carry it, and it gives today unless the options say.
    public let now: Date

    public init(store: RegistryStore, now: Date) {
        self.store = store
        self.now = now
    }

    public func importEntries(path: String, options: ImportOptions = ImportOptions()) throws -> ImportReport {
        let fileName = FileIdentity.name(of: path)
        if options.skipInvalid, let out = options.rejectsPath {
            try Rejects.checkDestination(out, input: path, database: store.path, replacing: options.replacesRejects)
        }
        let dateOrder = try options.dateOrder ?? ImportFile.detectDateOrder(path: path, aliases: GoodsOriginValidation.aliases)
        let session = ImportSession(skipInvalid: options.skipInvalid, rejectsPath: options.rejectsPath)
        var header: RawHeader = .csv([])
        do {
            try store.write { db in
                let context = try ValidationContext.load(db, today: options.day(of: now))
                let writer = GoodsOriginWriter(db: db, now: RegistryStore.timestamp(now, precise: true))
                var warnings = ImportWarnings()
                header = try ImportFile.forEachRecord(path: path, aliases: GoodsOriginValidation.aliases, warnings: &warnings,
                                                      progress: options.progress, dateOrder: dateOrder) { record, raw in
                    session.report.read += 1
                    try session.write(GoodsOriginValidation.validate(record, context: context), at: record.location,
                                      raw: options.skipInvalid ? raw : nil, writer.upsert)
                }
                let fileWarnings = warnings.shown + session.report.warnings
                session.report.moreWarnings += warnings.more
                session.report.warnings = []
                session.report.add(fileWarnings)
                if session.rollsBack {
                    throw RegistryError.invalidInput(session.report.errors + session.report.warnings, file: fileName)
                }
            }
        } catch RegistryError.database(let message, let underlying) {
            throw RegistryError.database("\(fileName): \(message); nothing was written", underlying: underlying)
        }
        var report = session.report
        report.rejectsFile = try session.rejects.finish(header: header)
        return report
    }
}
