import Foundation
import GRDB
import Testing
@testable import Registry

/// The one error value: every refusal answers kind, where, field, value and expectation, keeps the database's own
/// error, and names no command-line flag or command.
@Suite struct ErrorValueTests {
    @Test func aRefusedStatementKeepsTheDatabaseErrorAndChangesNothing() throws {
        let r = try TemporaryRegistry()
        let before = try r.snapshot("economic_units")
        #expect {
            try r.store.write { db in
                try db.execute(sql: "INSERT INTO economic_units (code, kind, name, search_text, created_at, updated_at) VALUES ('0100233488', 'shop', 'A', 'a', 'now', 'now')")
            }
        } throws: { error in
            guard let e = error as? RegistryError, let underlying = e.underlying else { return false }
            return e.kind == .conflict && underlying.resultCode.primaryResultCode == .SQLITE_CONSTRAINT
                && underlying.sql?.contains("INSERT INTO economic_units") == true && "\(e)".contains("CHECK constraint failed")
        }
        #expect(try r.snapshot("economic_units") == before)
    }

    @Test func fileRecordsNameTheirFileLineFieldValueAndExpectation() throws {
        let r = try TemporaryRegistry()
        let file = try r.file("u.csv", "code,name,kind\n0100233488,A,enterprise\n0100233488,B,shop\n")
        #expect { try Importer(store: r.store, now: Date()).importUnits(path: file) } throws: { error in
            guard let e = error as? RegistryError else { return false }
            return e.kind == .invalidInput && e.location?.file == "u.csv" && e.location?.line == 3 && e.field == "kind"
                && e.value == "shop" && e.expected?.isEmpty == false && e.underlying == nil
        }
        #expect(try r.count("economic_units") == 0)
    }

    @Test func missingThingsAndStaleVersionsHaveTheirKinds() throws {
        let r = try TemporaryRegistry()
        let missing = #expect(throws: RegistryError.self) { try UnitQuery(store: r.store).show("NOPE", asOf: LocalDate(iso: "2026-11-15")!) }
        #expect(missing?.kind == .notFound && missing?.value == "NOPE" && missing.map { !"\($0)".contains("econgis") } == true)
        let editor = UnitEditor(store: r.store, today: LocalDate(iso: "2026-11-15")!, now: Date())
        _ = try editor.add(fields: ["code": "0100233488", "name": "A", "kind": "enterprise"])
        let stale = #expect(throws: RegistryError.self) { try editor.update(key: "0100233488", changes: ["name": "B"], expectedVersion: 7) }
        #expect(stale?.kind == .conflict && stale?.field == "version" && stale?.value == "7" && stale?.expected == "the current version, 1")
        let closed = #expect(throws: RegistryError.self) { try editor.close(key: "0100233488", on: LocalDate(iso: "2027-01-01")!, note: nil, expectedVersion: nil) }
        #expect(closed?.field == "closed_on" && closed.map { !"\($0)".contains("--") } == true)
    }
}
