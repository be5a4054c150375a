import GRDB

/// A row of `measuring_instruments` with its unit's code (`SELECT i.*, u.code AS unit_code …`), its
/// verification date still the stored text: the editor validates that text again on every update.
struct StoredInstrument: Decodable, FetchableRecord {
    var id: Int64
    var unitId: Int64
    var unitCode: String
    var instrumentType: String
    var serialNo: String
    var manufacturer: String?
    var model: String?
    var accuracyClass: String?
    var maxCapacity: Double?
    var scaleInterval: Double?
    var measureUnit: String?
    var lastVerifiedOn: String?
    var certificateNo: String?
    var stampNo: String?
    var verifiedBy: String?
    var isReference: Bool
    var version: Int

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    /// The statement it is read from, for the instruments matching `condition` on `i` and `u`.
    static func select(where condition: SQL) -> SQLRequest<StoredInstrument> {
        SQLRequest(literal: "SELECT i.*, u.code AS unit_code FROM measuring_instruments i JOIN economic_units u ON u.id = i.unit_id WHERE \(condition)")
    }

    /// A malformed stored date reads as unknown (nil), as the due list's SQL finds no due date for it.
    var instrument: MeasuringInstrument {
        MeasuringInstrument(
            id: id, unitCode: unitCode, type: instrumentType, serialNo: serialNo, manufacturer: manufacturer, model: model,
            accuracyClass: accuracyClass, maxCapacity: maxCapacity, scaleInterval: scaleInterval, measureUnit: measureUnit,
            lastVerifiedOn: lastVerifiedOn.flatMap(LocalDate.init(iso:)), certificateNo: certificateNo, stampNo: stampNo,
            verifiedBy: verifiedBy, isReference: isReference)
    }

    /// The instrument as the text fields an instrument import (and its validation) reads.
    var fields: [String: String] {
        var f = ["unit_code": unitCode, "type": instrumentType, "serial_no": serialNo, "is_reference": isReference ? "true" : "false"]
        f["manufacturer"] = manufacturer
        f["model"] = model
        f["accuracy_class"] = accuracyClass
        f["measure_unit"] = measureUnit
        f["last_verified_on"] = lastVerifiedOn
        f["certificate_no"] = certificateNo
        f["stamp_no"] = stampNo
        f["verified_by"] = verifiedBy
        f["max_capacity"] = maxCapacity.map { "\($0)" }
        f["scale_interval"] = scaleInterval.map { "\($0)" }
        return f
    }
}
