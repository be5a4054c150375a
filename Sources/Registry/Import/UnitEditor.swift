import Foundation
import GRDB

/// Adds, updates and closes single units with the same validation as import.
public struct UnitEditor {
    public let store: RegistryStore
    /// The caller's clock: validation reads "not after today", the rows carry `now`.
    public var today: LocalDate
    public var now: Date

    public init(store: RegistryStore, today: LocalDate, now: Date) {
        self.store = store
        self.today = today
        self.now = now
    }

    /// Adds a unit from canonical fields (the import column names). Fails if the code exists.
    public func add(fields: [String: String], srs: String? = nil) throws -> EconomicUnit {
        try write(fields: fields, srs: srs, location: SourceLocation(file: "command line")) { writer, draft in
            if try Bool.fetchOne(writer.db, sql: "SELECT 1 FROM economic_units WHERE code = ?", arguments: [draft.code]) == true {
                throw RegistryError.invalidArgument(field: "code", value: draft.code, expected: "a code not yet in the registry (an existing unit is updated, not added)")
            }
            return try writer.upsert(draft).1
        }
    }

    /// Changes the given fields of the unit `key`. With `expectedVersion`, fails if someone else changed it.
    public func update(key: String, changes: [String: String], expectedVersion: Int?, srs: String? = nil,
                       statusNote: String? = nil) throws -> EconomicUnit {
        let code = VietnameseText.normalised(key).uppercased()
        var fields = try currentFields(code)
        // A new status starts today unless a date is given; the old status's date would back-date it.
        if let status = changes["status"], changes["status_since"] == nil, UnitStatus(loose: status)?.rawValue != fields["status"] {
            fields["status_since"] = today.description
        }
        for (k, v) in changes { fields[k] = v }
        // The declared ward stays as declared when the unit moves or its registration day changes (one that then
        // disagrees with the location is flagged, never changed); it is read again in the new day's period.
        return try write(fields: fields, srs: srs, location: SourceLocation(file: "command line")) { writer, draft in
            guard draft.code == code else {
                throw RegistryError.invalidArgument(field: "code", value: draft.code, expected: "the same natural key \(code); a new key is a new unit")
            }
            return try writer.upsert(draft, expectedVersion: expectedVersion, statusNote: statusNote).1
        }
    }

    /// Marks a unit closed on `date`, keeping it (and its history) in the registry.
    public func close(key: String, on date: LocalDate, note: String?, expectedVersion: Int?) throws -> EconomicUnit {
        guard date <= today else {
            throw RegistryError.invalidArgument(field: "closed_on", value: date.description, expected: "a date not after today (\(today))")
        }
        let current = try currentFields(VietnameseText.normalised(key).uppercased())
        if current["status"] == UnitStatus.closed.rawValue {
            throw RegistryError.invalidArgument(field: "status", value: "closed", expected: "an open unit; it is closed since \(current["status_since"] ?? "an unknown date")")
        }
        for field in ["status_since", "registered_on"] {
            if let since = current[field].flatMap(LocalDate.init(iso:)), date < since {
                throw RegistryError.invalidArgument(field: "closed_on", value: date.description, expected: "a date on or after the unit's \(field) (\(since))")
            }
        }
        return try update(key: key, changes: ["status": "closed", "status_since": date.description],
                          expectedVersion: expectedVersion, statusNote: note ?? "closed")
    }

    func currentFields(_ code: String) throws -> [String: String] {
        try store.read { db in
            guard let row = try Row.fetchOne(db, sql: UnitQuery.selectSQL + " WHERE u.code = ?", arguments: [code]) else {
                throw RegistryError.notFound(what: "unit with code", key: code, hint: "search for it by name, owner or address")
            }
            let u = UnitQuery.unit(row)
            var f: [String: String] = ["code": u.registrationNo.map { _ in u.code } ?? u.code, "name": u.name, "kind": u.kind.rawValue,
                                       "status": u.status.rawValue]
            if u.kind == .market_stall { f["code"] = u.registrationNo }
            f["owner"] = u.owner
            f["address"] = u.address
            f["vsic"] = u.vsicCodes.isEmpty ? nil : u.vsicCodes.joined(separator: " ")
            f["market_code"] = u.marketCode
            f["stall_no"] = u.stallNo
            f["zone"] = u.zone
            f["status_since"] = u.statusSince?.description
            f["registered_on"] = u.registeredOn?.description
            f["ward_code"] = u.declaredWardCode
            f["lon"] = u.location.map { "\($0.x)" }
            f["lat"] = u.location.map { "\($0.y)" }
            return f
        }
    }

    private func write(fields: [String: String], srs: String?, location: SourceLocation,
                       _ body: (UnitWriter, UnitDraft) throws -> Int64) throws -> EconomicUnit {
        let transform = try srs.map { try CoordinateTransform(from: $0) }
        return try store.write { db in
            let context = try ValidationContext.load(db, today: today)
            let (draft, issues) = UnitValidation.validate(ImportRecord(location: location, fields: fields), context: context, transform: transform)
            guard let draft else { throw RegistryError.invalidInput(issues, file: nil) }
            let writer = UnitWriter(db: db, now: RegistryStore.timestamp(now, precise: true), today: today)
            let id: Int64
            do { id = try body(writer, draft) } catch let m as UnitWriter.MarketMissing {
                throw RegistryError.notFound(what: "market with code", key: m.marketCode, hint: "add the market first")
            } catch let r as RecordRejection {  // what an import refuses a record for, said of the command's fields
                throw RegistryError.invalidArgument(field: r.field, value: r.value ?? "", expected: r.expected)
            }
            try WardMembership.place(db, units: "u.id = \(id)", many: false, today: today)
            return UnitQuery.unit(try Row.fetchOne(db, sql: UnitQuery.selectSQL + " WHERE u.id = ?", arguments: [id])!)
        }
    }
}
