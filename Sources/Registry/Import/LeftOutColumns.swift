import GRDB

/// Columns an import record leaves out (not in the file's header, cut from a short row, a property the feature lacks).
/// The record says nothing of them, so an update keeps what the registry holds there; a cell given empty empties its
/// column on purpose. (A new record has nothing stored: its left-out columns are empty, or their defaults.)
enum LeftOutColumns {
    /// A kept value that the record's own values contradict (a date, a ward, a unit of measure).
    struct KeptValueDisagrees: RecordRejection {
        let field: String
        let value: String?
        let expected: String
    }

    /// `d` with the stored values of unit `id` in the columns it leaves out, and whether the stored footprint stays.
    /// As `units update` does, a status the record changes without a `status_since` starts `today` (the old status's
    /// date would back-date it). A declared ward the record leaves out is kept, read again in the period of the
    /// record's registration day; one that is no ward then is refused. A point within 5 mm of the stored one (a file
    /// of rounded coordinates, an export read back) is the stored one: the unit has not moved. A footprint is
    /// replaced only by one the record gives (a CSV row or a GeoJSON Point cannot).
    static func keepStored(_ db: Database, unit id: Int64, in d: UnitDraft, today: LocalDate) throws -> (draft: UnitDraft, keepsFootprint: Bool) {
        let n = d.notGiven
        guard let s = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT owner, address, vsic_codes, declared_ward_code, declared_ward_id, ST_X(geom), ST_Y(geom), status, status_since,
              registered_on, zone, registration_no, footprint IS NOT NULL
            FROM economic_units WHERE id = ?
            """), arguments: [id]) else { return (d, false) }
        var m = d
        if n.contains(.owner) { m.owner = s[0] }
        if n.contains(.address) { m.address = s[1] }
        if n.contains(.vsic) { m.vsicCodes = (s[2] as String?)?.split(separator: " ").map(String.init) ?? [] }
        let storedLon: Double? = s[5], storedLat: Double? = s[6]
        if n.contains(.location) {
            (m.lon, m.lat) = (storedLon, storedLat)
        } else if let lon = m.lon, let lat = m.lat, let storedLon, let storedLat,
                  abs(lon - storedLon) <= samePoint, abs(lat - storedLat) <= samePoint {
            (m.lon, m.lat) = (storedLon, storedLat)
        }
        if n.contains(.registeredOn) { m.registeredOn = (s[9] as String?).flatMap(LocalDate.init(iso:)) }
        let storedStatus = UnitStatus(rawValue: s[7]) ?? m.status
        if n.contains(.status) { m.status = storedStatus }
        if n.contains(.statusSince) { m.statusSince = m.status == storedStatus ? (s[8] as String?).flatMap(LocalDate.init(iso:)) : today }
        if n.contains(.zone) { m.zone = s[10] }
        if n.contains(.registrationNo) { m.registrationNo = s[11] }
        if n.contains(.wardCode), let code = s[3] as String? {
            let day = m.registeredOn ?? today
            let ward = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM admin_units a WHERE level = 'ward' AND code = ?1 AND \(Period.text("a", onColumn: "?2"))
                """), arguments: [code, day.description])
            // Without wards loaded, a declared code is kept as given (validation reads it so too).
            let wardsLoaded = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM admin_units WHERE level = 'ward')")) ?? false
            if ward == nil && wardsLoaded {
                throw KeptValueDisagrees(field: "ward_code", value: code,
                                        expected: "a ward on the record's registered_on (\(day)): the registry's ward_code, kept as the record "
                                            + "leaves it out, is no ward then; give ward_code")
            }
            (m.declaredWardCode, m.declaredWardId) = (code, ward ?? s[4])
        }
        if let since = m.statusSince, let registered = m.registeredOn, since < registered {
            throw n.contains(.statusSince)
                ? KeptValueDisagrees(field: "status_since", value: since.description,
                                    expected: "a status_since (kept from the registry, as the record leaves it out) on or after the record's "
                                        + "registered_on (\(registered)); give both columns")
                : KeptValueDisagrees(field: "registered_on", value: registered.description,
                                    expected: "a registered_on (kept from the registry, as the record leaves it out) on or before the record's "
                                        + "status_since (\(since)); give both columns")
        }
        return (m, d.footprint == nil && (s[12] as Bool? ?? false))
    }

    /// Degrees within which a record's point is the stored one: 5 × 10⁻⁸°, about 5 mm.
    static let samePoint = 5e-8

    /// `values`, an instrument's `InstrumentWriter.updateSQL` parameters, with the stored values of instrument `id` in the
    /// optional fields the record leaves out (`notGiven`). A new unit of measure with a capacity or an interval kept in
    /// the old one is refused: 30 kg kept beside a new "g" became 30 g.
    static func keepStored(_ db: Database, instrument id: Int64, notGiven: [String], in values: inout [(any DatabaseValueConvertible)?]) throws {
        let kept = InstrumentDraft.optional.enumerated().filter { notGiven.contains($0.element) }
        guard !kept.isEmpty,
              let s = try Row.fetchOne(db.cachedStatement(sql: "SELECT measure_unit, " + kept.map(\.element).joined(separator: ", ")
                                                              + " FROM measuring_instruments WHERE id = ?"), arguments: [id])
        else { return }
        let unitIndex = InstrumentWriter.firstOptionalParameter + InstrumentDraft.optional.firstIndex(of: "measure_unit")!
        let givenUnit = values[unitIndex]?.databaseValue ?? .null
        let storedUnit: DatabaseValue = s[0]
        for (i, (position, field)) in kept.enumerated() {
            let value: DatabaseValue = s[i + 1]
            if ["max_capacity", "scale_interval"].contains(field), !value.isNull, !notGiven.contains("measure_unit"), givenUnit != storedUnit {
                throw KeptValueDisagrees(field: field, value: String.fromDatabaseValue(value) ?? value.description,
                                        expected: "a \(field) in the record's measure_unit (\(String.fromDatabaseValue(givenUnit) ?? "none")): the registry's, "
                                            + "kept as the record leaves it out, is in \(String.fromDatabaseValue(storedUnit) ?? "no unit"); give both columns")
            }
            values[InstrumentWriter.firstOptionalParameter + position] = value
        }
    }
}
