import Foundation
import GRDB

/// Adds and changes single measuring instruments with the validation of an instrument import, in one
/// transaction each; the change history (v7 triggers) records every change. An instrument has no place of its
/// own, so the ward membership of its unit is left as it is.
public struct InstrumentEditor {
    public let store: RegistryStore
    /// The caller's date and time: validation reads "not after today", the rows carry `now`.
    public var today: LocalDate
    public var now: Date

    public init(store: RegistryStore, today: LocalDate, now: Date) {
        self.store = store
        self.today = today
        self.now = now
    }

    /// The fields an instrument has, by their import column names.
    public static let fieldNames = [
        "unit_code", "type", "serial_no", "manufacturer", "model", "accuracy_class", "max_capacity", "scale_interval",
        "measure_unit", "last_verified_on", "certificate_no", "stamp_no", "verified_by", "is_reference",
    ]

    /// An instrument after a change, with its row version (for the next optimistic update).
    public struct Saved: Sendable {
        public var instrument: MeasuringInstrument
        public var version: Int
        /// False when the update asked for the values the instrument already had.
        public var changed: Bool
    }

    static let location = SourceLocation(file: "command line")

    /// Adds an instrument from its fields; refused if the unit already has one of that type and serial number.
    public func add(fields: [String: String]) throws -> Saved {
        try InstrumentEditor.refuseUnknown(fields)
        return try store.write { db in
            let draft = try validate(db, fields)
            guard let unitId = try Int64.fetchOne(db, sql: UnitReference.sql, arguments: [draft.unitCode]) else {
                throw RegistryError.notFound(what: "unit", key: draft.unitCode)
            }
            if try InstrumentEditor.existing(db, unitId: unitId, type: draft.type, serial: draft.serialNo) != nil {
                throw RegistryError.invalidArgument(field: "serial_no", value: draft.serialNo,
                                                    expected: "a serial number that unit \(draft.unitCode) has no \(draft.type) with yet (an existing instrument is updated, not added)")
            }
            try InstrumentEditor.mappingRejections {
                _ = try InstrumentWriter(db: db, now: RegistryStore.timestamp(now, precise: true)).upsert(draft)
            }
            return try InstrumentEditor.saved(db, id: db.lastInsertedRowID, changed: true)
        }
    }

    /// Changes the given fields of the instrument `key` (id or serial number; `unitCode` tells equal serials
    /// apart). An empty value clears a field. With `expectedVersion`, refused if someone changed it since.
    public func update(key: String, unitCode: String? = nil, changes: [String: String], expectedVersion: Int? = nil) throws -> Saved {
        try InstrumentEditor.refuseUnknown(changes)
        return try store.write { db in
            let id = try InstrumentList.id(db, key: key, unitCode: unitCode)
            let current = try StoredInstrument.fetchOne(db, StoredInstrument.select(where: "i.id = \(id)"))!
            let version = current.version
            if let expectedVersion, expectedVersion != version {
                throw RegistryError.versionConflict(key: "instrument \(current.serialNo) at \(current.unitCode)",
                                                    expected: expectedVersion, actual: version)
            }
            var fields = current.fields
            if let moved = changes["unit_code"], VietnameseText.normalised(moved).uppercased() != fields["unit_code"] {
                throw RegistryError.invalidArgument(field: "unit_code", value: moved,
                                                    expected: "the instrument's unit, \(fields["unit_code"]!) (an instrument used at another unit is added there)")
            }
            for (name, value) in changes { fields[name] = value }
            let draft = try validate(db, fields)
            let unitId = current.unitId
            if let other = try InstrumentEditor.existing(db, unitId: unitId, type: draft.type, serial: draft.serialNo), other != id {
                throw RegistryError.invalidArgument(field: "serial_no", value: draft.serialNo,
                                                    expected: "a serial number no other \(draft.type) of unit \(draft.unitCode) has (instrument \(other) has it)")
            }
            if let verified = draft.lastVerifiedOn {
                try InstrumentEditor.mappingRejections { try InstrumentWriter.checkUnitLife(db, unitId: unitId, verified: verified) }
            }
            let d = draft
            try db.execute(sql: """
                UPDATE measuring_instruments SET instrument_type = ?1, serial_no = ?2, manufacturer = ?3, model = ?4, accuracy_class = ?5,
                  max_capacity = ?6, scale_interval = ?7, measure_unit = ?8, last_verified_on = ?9, certificate_no = ?10, stamp_no = ?11,
                  verified_by = ?12, is_reference = ?13, updated_at = ?14, version = version + 1
                WHERE id = ?15 AND (instrument_type IS NOT ?1 OR serial_no IS NOT ?2 OR manufacturer IS NOT ?3 OR model IS NOT ?4
                  OR accuracy_class IS NOT ?5 OR max_capacity IS NOT ?6 OR scale_interval IS NOT ?7 OR measure_unit IS NOT ?8
                  OR last_verified_on IS NOT ?9 OR certificate_no IS NOT ?10 OR stamp_no IS NOT ?11 OR verified_by IS NOT ?12
                  OR is_reference IS NOT ?13)
                """, arguments: [d.type, d.serialNo, d.manufacturer, d.model, d.accuracyClass, d.maxCapacity, d.scaleInterval, d.measureUnit,
                                 d.lastVerifiedOn?.description, d.certificateNo, d.stampNo, d.verifiedBy, d.isReference,
                                 RegistryStore.timestamp(now, precise: true), id])
            return try InstrumentEditor.saved(db, id: id, changed: db.changesCount > 0)
        }
    }

    private func validate(_ db: Database, _ fields: [String: String]) throws -> InstrumentDraft {
        let context = try ValidationContext.load(db, today: today)
        let (draft, issues) = InstrumentValidation.validate(ImportRecord(location: InstrumentEditor.location, fields: fields), context: context)
        guard let draft else { throw RegistryError.invalidInput(issues, file: nil) }
        return draft
    }

    static func refuseUnknown(_ fields: [String: String]) throws {
        if let unknown = fields.keys.sorted().first(where: { !fieldNames.contains($0) }) {
            throw RegistryError.invalidArgument(field: unknown, value: fields[unknown] ?? "", expected: "one of the fields " + fieldNames.joined(separator: ", "))
        }
    }

    static func existing(_ db: Database, unitId: Int64, type: String, serial: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM measuring_instruments WHERE unit_id = ? AND instrument_type = ? AND serial_no = ?",
                           arguments: [unitId, type, serial])
    }

    /// The writer's refusals (a verification outside the unit's life) as the one error value.
    static func mappingRejections(_ body: () throws -> Void) throws {
        do { try body() } catch let r as RecordRejection {
            throw RegistryError.invalidInput([ValidationIssue(location, field: r.field, value: r.value, expected: r.expected)], file: nil)
        }
    }

    static func saved(_ db: Database, id: Int64, changed: Bool) throws -> Saved {
        let stored = try StoredInstrument.fetchOne(db, StoredInstrument.select(where: "i.id = \(id)"))!
        return Saved(instrument: stored.instrument, version: stored.version, changed: changed)
    }
}
