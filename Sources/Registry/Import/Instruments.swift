import Foundation
import GRDB

/// A measuring instrument record that passed validation.
public struct InstrumentDraft: Sendable {
    public var unitCode: String
    public var type: String
    public var serialNo: String
    public var manufacturer: String?
    public var model: String?
    public var accuracyClass: String?
    public var maxCapacity: Double?
    public var scaleInterval: Double?
    public var measureUnit: String?
    public var lastVerifiedOn: LocalDate?
    public var certificateNo: String?
    public var stampNo: String?
    public var verifiedBy: String?
    public var isReference: Bool
    /// The optional fields the record left out: an update keeps what the registry holds there (LeftOutColumns).
    public var notGiven: [String] = []

    /// The optional fields, which are also their columns' names, in `InstrumentWriter.updateSQL`'s order of parameters.
    static let optional = [
        "manufacturer", "model", "accuracy_class", "max_capacity", "scale_interval", "measure_unit", "last_verified_on",
        "certificate_no", "stamp_no", "verified_by", "is_reference",
    ]
}

public enum InstrumentValidation {
    /// No verification stamp of a working instrument is older than this; earlier dates are typing errors.
    static let earliestVerification = LocalDate(year: 1950, month: 1, day: 1)!
    static let accuracyClasses: Set<String> = ["I", "II", "III", "IIII", "E1", "E2", "F1", "F2", "M1", "M2", "M3"]
    static let measureUnits: Set<String> = ["mg", "g", "kg", "t", "L", "mL", "m3", "kWh", "km", "km/h", "mmHg", "°C", "%"]

    public static func validate(_ record: ImportRecord, context: ValidationContext) -> (InstrumentDraft?, [ValidationIssue]) {
        var c = FieldChecks(location: record.location)
        if let parseError = record.given("__error") {
            c.error(record.given("__field") ?? "(feature)", record.given("__value"), parseError)
            return (nil, c.issues)
        }
        c.refuseControlCharacters(record)
        let unitCode = c.unitReference(record, role: "that uses the instrument")

        var type: String?
        if let raw = record["type"] {
            type = context.instrumentTypes[VietnameseText.fieldKey(raw)]
            if type == nil {
                let known = Set(context.instrumentTypes.values).sorted().joined(separator: ", ")
                c.error("type", raw, "an instrument type from instrument_types: \(known)")
            }
        } else {
            c.error("type", nil, "an instrument type, e.g. fuel_dispenser, spring_dial_scale, analytical_scale")
        }
        let serial = c.text(record, "serial_no", required: true, max: 60)
        let manufacturer = c.text(record, "manufacturer", max: 120)
        let model = c.text(record, "model", max: 120)
        var accuracy = c.text(record, "accuracy_class", max: 10)
        if let a = accuracy {
            let upper = a.uppercased()
            if accuracyClasses.contains(upper) {
                accuracy = upper
            } else if FieldChecks.decimal(a) == nil {
                c.error("accuracy_class", a, "an OIML class (I, II, III, IIII, E2, F1, M1 …) or a number such as 0.3 or 0.5")
            }
        }
        let maxCapacity = c.number(record, "max_capacity")
        let interval = c.number(record, "scale_interval")
        if let m = maxCapacity, let d = interval, d >= m {
            c.error("scale_interval", record["scale_interval"], "a scale interval smaller than max_capacity (\(record["max_capacity"]!))")
        }
        let unit = record["measure_unit"]
        if let u = unit, !measureUnits.contains(u) {
            c.error("measure_unit", u, "one of \(measureUnits.sorted().joined(separator: ", "))")
        }
        if (maxCapacity != nil || interval != nil) && unit == nil {
            c.error("measure_unit", nil, "the unit of max_capacity and scale_interval (g, kg, L …)")
        }
        let verified = c.date(record, "last_verified_on", notAfter: context.today)
        if let v = verified, v < InstrumentValidation.earliestVerification {
            c.error("last_verified_on", v.description, "a date after \(InstrumentValidation.earliestVerification) (a verification that old is a typing error)")
        }
        var isReference = false
        if let raw = record["is_reference"] {
            switch VietnameseText.fieldKey(raw) {
            case "1", "true", "yes", "y", "co", "x": isReference = true
            case "0", "false", "no", "n", "khong": isReference = false
            default: c.error("is_reference", raw, "true or false (yes/no, có/không, 1/0)")
            }
        }
        guard !c.hasErrors, let unitCode, let type, let serial else { return (nil, c.issues) }
        return (InstrumentDraft(
            unitCode: unitCode, type: type, serialNo: serial, manufacturer: manufacturer, model: model,
            accuracyClass: accuracy, maxCapacity: maxCapacity, scaleInterval: interval, measureUnit: unit,
            lastVerifiedOn: verified, certificateNo: c.text(record, "certificate_no", max: 60),
            stampNo: c.text(record, "stamp_no", max: 60), verifiedBy: c.text(record, "verified_by", max: 200),
            isReference: isReference, notGiven: InstrumentDraft.optional.filter { record.given($0) == nil }), c.issues)
    }
}

/// Upserts instruments by (unit, type, serial number).
struct InstrumentWriter {
    struct DuplicateInFile: RecordRejection {
        let value: String?
        var field: String { "serial_no" }
        var expected: String { "an instrument (unit, type, serial_no) given once in the file" }
    }

    /// A verification date outside the life of the unit that uses the instrument.
    struct VerifiedOutsideUnitLife: RecordRejection {
        let value: String?
        let life: String
        var field: String { "last_verified_on" }
        var expected: String { "a date within the unit's life (\(life))" }
    }

    let db: Database
    let now: String
    var checksUnitLife = true

    /// The parameter index (from 0) of the first of `InstrumentDraft.optional` in `insertSQL` and `updateSQL`.
    static let firstOptionalParameter = 3
    static let unitLifeSQL = "SELECT registered_on, status, status_since FROM economic_units WHERE id = ?"
    static let findSQL = "SELECT id, updated_at FROM measuring_instruments WHERE unit_id = ? AND instrument_type = ? AND serial_no = ?"
    /// What an upsert reads of the stored instrument (`findSQL`).
    struct StoredInstrument: FetchableRecord {
        var id: Int64
        var updatedAt: String
        init(row: Row) { (id, updatedAt) = (row[0], row[1]) }
    }
    static let insertSQL = """
        INSERT INTO measuring_instruments (unit_id, instrument_type, serial_no, manufacturer, model, accuracy_class,
          max_capacity, scale_interval, measure_unit, last_verified_on, certificate_no, stamp_no, verified_by,
          is_reference, created_at, updated_at, version)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, 1)
        """
    static let updateSQL = """
        UPDATE measuring_instruments SET manufacturer = ?4, model = ?5, accuracy_class = ?6, max_capacity = ?7,
          scale_interval = ?8, measure_unit = ?9, last_verified_on = ?10, certificate_no = ?11, stamp_no = ?12,
          verified_by = ?13, is_reference = ?14, updated_at = ?15, version = version + 1
        WHERE id = ?16 AND unit_id = ?1 AND instrument_type = ?2 AND serial_no = ?3 AND (
          manufacturer IS NOT ?4 OR model IS NOT ?5 OR accuracy_class IS NOT ?6 OR max_capacity IS NOT ?7
          OR scale_interval IS NOT ?8 OR measure_unit IS NOT ?9 OR last_verified_on IS NOT ?10
          OR certificate_no IS NOT ?11 OR stamp_no IS NOT ?12 OR verified_by IS NOT ?13 OR is_reference IS NOT ?14)
        """

    /// A verification cannot precede the unit's registration or follow its closure.
    static func checkUnitLife(_ db: Database, unitId: Int64, verified: LocalDate) throws {
        guard let unit = try Row.fetchOne(db.cachedStatement(sql: InstrumentWriter.unitLifeSQL), arguments: [unitId]) else { return }
        let registered = (unit["registered_on"] as String?).flatMap(LocalDate.init(iso:))
        let closed = (unit["status"] as String) == "closed" ? (unit["status_since"] as String?).flatMap(LocalDate.init(iso:)) : nil
        if let registered, verified < registered {
            throw VerifiedOutsideUnitLife(value: verified.description, life: "registered on \(registered)")
        }
        if let closed, verified > closed {
            throw VerifiedOutsideUnitLife(value: verified.description, life: "closed on \(closed)")
        }
    }

    func upsert(_ d: InstrumentDraft) throws -> UnitWriter.Outcome {
        let unitId = try UnitReference.id(db, code: d.unitCode)
        if checksUnitLife, let verified = d.lastVerifiedOn { try InstrumentWriter.checkUnitLife(db, unitId: unitId, verified: verified) }
        var args: [(any DatabaseValueConvertible)?] = [
            unitId, d.type, d.serialNo, d.manufacturer, d.model, d.accuracyClass, d.maxCapacity, d.scaleInterval,
            d.measureUnit, d.lastVerifiedOn?.description, d.certificateNo, d.stampNo, d.verifiedBy, d.isReference, now,
        ]
        guard let existing = try StoredInstrument.fetchOne(db.cachedStatement(sql: InstrumentWriter.findSQL), arguments: [unitId, d.type, d.serialNo]) else {
            try db.cachedStatement(sql: InstrumentWriter.insertSQL).execute(arguments: StatementArguments(args))
            return .inserted
        }
        if existing.updatedAt == now { throw DuplicateInFile(value: d.serialNo) }
        try LeftOutColumns.keepStored(db, instrument: existing.id, notGiven: d.notGiven, in: &args)
        args.append(existing.id)
        try db.cachedStatement(sql: InstrumentWriter.updateSQL).execute(arguments: StatementArguments(args))
        return db.changesCount > 0 ? .updated : .unchanged
    }
}
