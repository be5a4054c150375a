import GRDB

/// Columns an import record leaves out (not in the file's header, cut from a short row, a property the feature lacks).
/// The record says nothing of them, so an update keeps what the registry holds there; a cell given empty empties its
/// column on purpose. (A new record has nothing stored: its left-out columns are empty, or their defaults.)
enum LeftOutColumns {
    /// A kept date that the record's own dates contradict.
    struct KeptDateDisagrees: RecordRejection {
        let field: String
        let value: String?
        let expected: String
    }

    /// `d` with the stored values of unit `id` in the columns it leaves out, and whether the stored footprint stays.
    /// As `units update` does: a status the record changes without a `status_since` starts `today` (the old status's
    /// date would back-date it), and a declared ward the record leaves out is kept unless the record moves the unit
    /// or changes its registration day (it is then found again, read in the period of the new date).
    static func keepStored(_ db: Database, unit id: Int64, in d: UnitDraft, today: LocalDate) throws -> (draft: UnitDraft, keepsFootprint: Bool) {
        let n = d.notGiven
        guard !n.isEmpty, let s = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT owner, address, vsic_codes, declared_ward_code, declared_ward_id, ST_X(geom), ST_Y(geom), status, status_since,
              registered_on, zone, registration_no
            FROM economic_units WHERE id = ?
            """), arguments: [id]) else { return (d, false) }
        var m = d
        if n.contains(.owner) { m.owner = s[0] }
        if n.contains(.address) { m.address = s[1] }
        if n.contains(.vsic) { m.vsicCodes = (s[2] as String?)?.split(separator: " ").map(String.init) ?? [] }
        let storedLon: Double? = s[5], storedLat: Double? = s[6]
        if n.contains(.location) { (m.lon, m.lat) = (storedLon, storedLat) }
        let storedRegistration = (s[9] as String?).flatMap(LocalDate.init(iso:))
        if n.contains(.registeredOn) { m.registeredOn = storedRegistration }
        let storedStatus = UnitStatus(rawValue: s[7]) ?? m.status
        if n.contains(.status) { m.status = storedStatus }
        if n.contains(.statusSince) { m.statusSince = m.status == storedStatus ? (s[8] as String?).flatMap(LocalDate.init(iso:)) : today }
        if n.contains(.zone) { m.zone = s[10] }
        if n.contains(.registrationNo) { m.registrationNo = s[11] }
        if n.contains(.wardCode) && m.lon == storedLon && m.lat == storedLat && m.registeredOn == storedRegistration {
            (m.declaredWardCode, m.declaredWardId) = (s[3], s[4])
        }
        if let since = m.statusSince, let registered = m.registeredOn, since < registered {
            throw n.contains(.statusSince)
                ? KeptDateDisagrees(field: "status_since", value: since.description,
                                    expected: "a status_since (kept from the registry, as the record leaves it out) on or after the record's "
                                        + "registered_on (\(registered)); give both columns")
                : KeptDateDisagrees(field: "registered_on", value: registered.description,
                                    expected: "a registered_on (kept from the registry, as the record leaves it out) on or before the record's "
                                        + "status_since (\(since)); give both columns")
        }
        return (m, n.contains(.location))
    }

    /// `values`, an instrument's `InstrumentWriter.updateSQL` parameters, with the stored values of instrument `id` in the
    /// optional fields the record leaves out (`notGiven`).
    static func keepStored(_ db: Database, instrument id: Int64, notGiven: [String], in values: inout [(any DatabaseValueConvertible)?]) throws {
        let kept = InstrumentDraft.optional.enumerated().filter { notGiven.contains($0.element) }
        guard !kept.isEmpty,
              let s = try Row.fetchOne(db.cachedStatement(sql: "SELECT " + kept.map(\.element).joined(separator: ", ")
                                                              + " FROM measuring_instruments WHERE id = ?"), arguments: [id])
        else { return }
        for (i, (position, _)) in kept.enumerated() {
            values[InstrumentWriter.firstOptionalParameter + position] = s[i] as DatabaseValue
        }
    }
}
