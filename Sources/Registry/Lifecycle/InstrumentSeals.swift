import Foundation
import GRDB

/// An instrument sealed at an inspection: not to be used until it is re-verified and released.
public struct InstrumentSeal: Sendable, Hashable, Codable, FetchableRecord {
    public var id: Int64
    public var unitCode: String
    public var instrumentSerial: String
    public var inspectionId: Int64?
    public var sealedOn: LocalDate
    public var reason: String
    public var releasedOn: LocalDate?
    public var releaseNote: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    static let select = """
        SELECT s.id, u.code AS unit_code, m.serial_no AS instrument_serial, s.inspection_id, s.sealed_on, s.reason, s.released_on, s.release_note
        FROM instrument_seals s JOIN measuring_instruments m ON m.id = s.instrument_id JOIN economic_units u ON u.id = m.unit_id
        """
}

extension InspectionLedger {
    /// Seals an instrument of the inspected unit during an inspection under way.
    public func seal(_ id: Int64, instrumentSerial: String, reason: String, now: Date) throws -> Int64 {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw RegistryError.invalidArgument(field: "reason", value: "", expected: "why the instrument is sealed") }
        return try store.write { db in
            let current = try status(db, id, for: nil)
            guard current.status == .inProgress else {
                throw RegistryError.invalidArgument(field: "inspection \(id) status", value: current.status.rawValue,
                                                    expected: "in_progress to seal an instrument (start it first)")
            }
            let instrument = try instrumentId(db, unitCode: current.unitCode, serial: instrumentSerial)
            if let open = try InstrumentSeal.fetchOne(db, sql: InstrumentSeal.select + " WHERE s.instrument_id = ? AND s.released_on IS NULL",
                                                      arguments: [instrument]) {
                throw RegistryError.invalidArgument(field: "instrument", value: instrumentSerial,
                                                    expected: "an instrument in use (sealed on \(open.sealedOn), seal \(open.id), not yet released)")
            }
            try db.execute(sql: "INSERT INTO instrument_seals (instrument_id, inspection_id, sealed_on, reason) VALUES (?, ?, ?, ?)",
                           arguments: [instrument, id, current.inspectedOn.description, reason])
            let sealId = db.lastInsertedRowID
            try db.execute(sql: "UPDATE inspections SET updated_at = ?, version = version + 1 WHERE id = ?", arguments: [RegistryStore.timestamp(now), id])
            return sealId
        }
    }

    /// Returns a sealed instrument to service after its re-verification, which becomes its last verification.
    public func release(unitCode: String, instrumentSerial: String, on date: LocalDate, verifiedOn: LocalDate, certificate: String,
                        now: Date) throws {
        let certificate = certificate.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !certificate.isEmpty else {
            throw RegistryError.invalidArgument(field: "certificate", value: "", expected: "the number of the re-verification certificate")
        }
        try store.write { db in
            let instrument = try instrumentId(db, unitCode: unitCode, serial: instrumentSerial)
            guard let open = try InstrumentSeal.fetchOne(db, sql: InstrumentSeal.select + " WHERE s.instrument_id = ? AND s.released_on IS NULL",
                                                         arguments: [instrument]) else {
                throw RegistryError.invalidArgument(field: "instrument", value: instrumentSerial, expected: "a sealed instrument (it has no open seal)")
            }
            guard verifiedOn >= open.sealedOn else {
                throw RegistryError.invalidArgument(field: "verified_on", value: verifiedOn.description,
                                                    expected: "a re-verification on or after the sealing, \(open.sealedOn)")
            }
            guard date >= verifiedOn else {
                throw RegistryError.invalidArgument(field: "date", value: date.description, expected: "on or after the re-verification, \(verifiedOn)")
            }
            try db.execute(sql: "UPDATE instrument_seals SET released_on = ?, release_note = ? WHERE id = ?",
                           arguments: [date.description, "re-verified on \(verifiedOn), certificate \(certificate)", open.id])
            try db.execute(sql: """
                UPDATE measuring_instruments SET last_verified_on = ?, certificate_no = ?, updated_at = ?, version = version + 1 WHERE id = ?
                """, arguments: [verifiedOn.description, certificate, RegistryStore.timestamp(now), instrument])
        }
    }

    /// The unit's instrument with this serial number, of a type a test of `kind` is made on (a unit may give one
    /// serial to a dispenser and to a scale).
    func instrumentId(_ db: Database, unitCode: String, serial: String, for kind: MeasuredTestKind = .administration) throws -> Int64 {
        struct Found: Decodable, FetchableRecord { var id: Int64; var instrumentType: String
            static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase }
        let found = try Found.fetchAll(db, sql: """
            SELECT m.id, m.instrument_type FROM measuring_instruments m JOIN economic_units u ON u.id = m.unit_id
            WHERE u.code = ? AND m.serial_no = ? ORDER BY m.id
            """, arguments: [unitCode, serial])
        guard !found.isEmpty else {
            throw RegistryError.notFound(what: "instrument with serial number", key: serial, hint: "at unit \(unitCode)")
        }
        guard let fitting = found.first(where: { kind.isMade(on: $0.instrumentType) }) else {
            let types = found.map(\.instrumentType).joined(separator: ", ")
            throw RegistryError.invalidArgument(field: "instrument", value: serial,
                                                expected: "an instrument a \(kind.rawValue) test is made on (\(kind == .fuel ? "a dispenser" : "a scale")); "
                                                    + "\(serial) at unit \(unitCode) is a \(types)")
        }
        return fitting.id
    }
}
