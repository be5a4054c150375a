import Foundation
import GRDB
import Testing
@testable import Registry

/// Instruments through the query layer (the due list's statement) and single edits through InstrumentEditor.
@Suite struct InstrumentListTests {
    static let today = LocalDate(iso: "2026-06-01")!
    static let now = ISO8601DateFormatter().date(from: "2026-06-01T09:00:00Z")!

    /// Two units in the small wards (west: 27232 Phường 9 before 2025, east: 27223 Phường 10; one ward over both
    /// since 2025-07-01); A has an expired fuel dispenser (F1), one due within 30 days (F2) and an in-date scale
    /// (S1); B has a scale with the same serial number S1 and no verification on record.
    func registry() throws -> (TemporaryRegistry, InstrumentEditor) {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        _ = try Importer(store: r.store, now: Date()).importUnits(path: r.file("u.csv", """
            code,name,kind,lon,lat,registered_on
            0100233488,Cây xăng A,enterprise,106.642,10.762,2020-01-01
            0321853641,Tạp hoá B,enterprise,106.647,10.762,2020-01-01

            """))
        let editor = InstrumentEditor(store: r.store, today: InstrumentListTests.today, now: InstrumentListTests.now)
        for (unit, type, serial, verified) in [("0100233488", "fuel_dispenser", "F1", "2025-01-01"), ("0100233488", "fuel_dispenser", "F2", "2025-06-20"),
                                               ("0100233488", "spring_dial_scale", "S1", "2025-06-15"), ("0321853641", "spring_dial_scale", "S1", "")] {
            _ = try editor.add(fields: ["unit_code": unit, "type": type, "serial_no": serial, "last_verified_on": verified])
        }
        return (r, editor)
    }

    func serials(_ r: TemporaryRegistry, _ configure: (inout InstrumentFilter) -> Void = { _ in }) throws -> [String] {
        var filter = InstrumentFilter(units: UnitFilter(asOf: InstrumentListTests.today))
        configure(&filter)
        return try InstrumentList(store: r.store).list(filter).items.map { "\($0.unit.code.prefix(2))/\($0.instrument.serialNo)" }
    }

    @Test func filtersByUnitWardTypeAndState() throws {
        let (r, _) = try registry()
        #expect(try serials(r) == ["01/F1", "01/F2", "01/S1", "03/S1"])
        #expect(try serials(r) { $0.unitCode = "0321853641" } == ["03/S1"])
        #expect(try serials(r) { $0.types = ["fuel_dispenser"] } == ["01/F1", "01/F2"])
        #expect(try serials(r) { $0.states = [.valid] } == ["01/S1"])
        #expect(try serials(r) { $0.states = [.expired, .unknown] } == ["01/F1", "03/S1"])
        #expect(try serials(r) { $0.states = [.due] } == ["01/F2"])
        // The ward by the stored membership for the date: two wards in 2024, one over both since mid-2025.
        #expect(try serials(r) { $0.units.wardCode = "27223"; $0.units.asOf = LocalDate(iso: "2024-06-01")! } == ["03/S1"])
        #expect(try serials(r) { $0.units.wardCode = "27232"; $0.units.asOf = LocalDate(iso: "2024-06-01")! } == ["01/F1", "01/F2", "01/S1"])
        #expect(try serials(r) { $0.units.wardCode = "27232" }.count == 4)
        let states = try InstrumentList(store: r.store).list(InstrumentFilter(units: UnitFilter(asOf: InstrumentListTests.today))).items
            .map { "\($0.instrument.serialNo):\($0.state.rawValue):\($0.item.dueOn?.description ?? "-")" }
        #expect(states == ["F1:expired:2026-01-01", "F2:due:2026-06-20", "S1:valid:2027-06-15", "S1:unknown:-"])
        // The due list computes the same states: what it lists is exactly the not-valid instruments.
        let due = try DueList(store: r.store).items(DueFilter(units: UnitFilter(asOf: InstrumentListTests.today))).map { "\($0.unit.code.prefix(2))/\($0.instrument?.serialNo ?? "-")" }
        #expect(Set(due) == Set(try serials(r) { $0.states = [.expired, .due, .unknown] }))
        #expect(try InstrumentList(store: r.store).count(InstrumentFilter(units: UnitFilter(asOf: InstrumentListTests.today))) == 4)
    }

    @Test(arguments: ["unit_code", "-serial_no", "instrument_type", "last_verified_on", "-next_verification_on", "days_overdue",
                      "-manufacturer", "unit_name", "state", "max_capacity", "-id"])
    func pagesByCursorAndOffsetLoseAndRepeatNothing(sort: String) throws {
        let (r, _) = try registry()
        let list = InstrumentList(store: r.store)
        let filter = InstrumentFilter(units: UnitFilter(asOf: InstrumentListTests.today))
        var seen: [Int64] = []
        var after: PageCursor?
        repeat {
            let page = try list.list(filter, sort: try Sorting(parsing: sort), page: try PageRequest(limit: 1, after: after))
            seen += page.items.map(\.instrument.id)
            after = page.next
        } while after != nil
        #expect(seen.count == 4 && Set(seen).count == 4)
        var byOffset: [Int64] = []
        for offset in 0..<5 { byOffset += try list.list(filter, sort: try Sorting(parsing: sort), page: try PageRequest(limit: 1, offset: offset)).items.map(\.instrument.id) }
        #expect(byOffset == seen)
    }

    @Test func showTellsEqualSerialsApartAndListsVerificationsAndSeals() throws {
        let (r, editor) = try registry()
        let list = InstrumentList(store: r.store)
        #expect { try list.show("S1", asOf: InstrumentListTests.today) } throws: { error in
            let e = error as? RegistryError
            return e?.kind == .invalidInput && e?.field == "instrument" && e?.value == "S1" && e?.expected?.contains("0321853641") == true
        }
        #expect { try list.show("NOPE", asOf: InstrumentListTests.today) } throws: { ($0 as? RegistryError)?.kind == .notFound }
        _ = try editor.update(key: "S1", unitCode: "0100233488", changes: ["last_verified_on": "2026-05-30", "certificate_no": "KĐ-123"])
        let id = try list.show("S1", unitCode: "0100233488", asOf: InstrumentListTests.today).listed.instrument.id
        try r.store.write { db in
            try db.execute(sql: "INSERT INTO instrument_seals (instrument_id, sealed_on, reason) VALUES (?, '2026-05-01', 'stamp broken')", arguments: [id])
        }
        let shown = try list.show(String(id), asOf: InstrumentListTests.today)
        // An open seal takes the instrument out of use, however recent its verification.
        #expect(shown.listed.unit.code == "0100233488" && shown.listed.state == .sealed)
        #expect(shown.verifications.map(\.verifiedOn) == ["2025-06-15", "2026-05-30"])
        #expect(shown.verifications.last?.certificateNo == "KĐ-123")
        #expect(shown.seals.map(\.reason) == ["stamp broken"] && shown.version == 2)
    }

    @Test func addRefusesBadFieldsAndWritesNothing() throws {
        let (r, editor) = try registry()
        let before = try ["measuring_instruments", "change_history"].map { try r.snapshot($0) }
        #expect { try editor.add(fields: ["unit_code": "0100233488", "type": "cân bay", "serial_no": "X", "max_capacity": "-3", "measure_unit": "kg",
                                          "last_verified_on": "2026-07-01"]) } throws: { error in
            guard let e = error as? RegistryError, e.kind == .invalidInput else { return false }
            let fields = e.issues.map(\.field)
            return fields.contains("type") && fields.contains("max_capacity") && fields.contains("last_verified_on")
                && e.issues.first { $0.field == "max_capacity" }?.value == "-3" && e.issues.allSatisfy { !$0.expected.isEmpty }
        }
        #expect { try editor.add(fields: ["unit_code": "0100233488", "type": "fuel_dispenser", "serial_no": "F1"]) } throws: { error in
            let e = error as? RegistryError
            return e?.kind == .invalidInput && e?.field == "serial_no" && e?.value == "F1"
        }
        #expect { try editor.add(fields: ["unit_code": "0999999999", "type": "fuel_dispenser", "serial_no": "F9"]) } throws: { ($0 as? RegistryError)?.kind == .notFound }
        #expect { try editor.add(fields: ["unit_code": "0100233488", "type": "fuel_dispenser", "serial_no": "F9", "last_verified_on": "2019-12-31"]) } throws: { error in
            (error as? RegistryError)?.field == "last_verified_on" && (error as? RegistryError)?.expected?.contains("2020-01-01") == true
        }
        #expect { try editor.add(fields: ["unit_code": "0100233488", "type": "fuel_dispenser", "serial_no": "F9", "colour": "red"]) } throws: { error in
            (error as? RegistryError)?.field == "colour"
        }
        #expect(try ["measuring_instruments", "change_history"].map { try r.snapshot($0) } == before)
    }

    @Test func updateKeepsHistoryVersionsAndWardMembership() throws {
        let (r, editor) = try registry()
        let wards = try r.snapshot("unit_wards"), units = try r.snapshot("economic_units")
        let history = try r.count("change_history")
        let first = try editor.update(key: "F2", changes: ["last_verified_on": "2026-05-20", "manufacturer": "Tatsuno"])
        #expect(first.changed && first.version == 2 && first.instrument.manufacturer == "Tatsuno")
        #expect(try r.count("change_history") == history + 1)
        let same = try editor.update(key: "F2", changes: ["manufacturer": "Tatsuno"])
        #expect(!same.changed && same.version == 2)
        let stale = try r.snapshot("measuring_instruments")
        #expect { try editor.update(key: "F2", changes: ["model": "X"], expectedVersion: 1) } throws: { error in
            (error as? RegistryError)?.kind == .conflict
        }
        #expect { try editor.update(key: "F2", changes: ["serial_no": "F1"]) } throws: { ($0 as? RegistryError)?.field == "serial_no" }
        #expect { try editor.update(key: "F2", changes: ["unit_code": "0321853641"]) } throws: { ($0 as? RegistryError)?.field == "unit_code" }
        #expect { try editor.update(key: "F2", changes: ["scale_interval": "0"]) } throws: { ($0 as? RegistryError)?.field == "scale_interval" }
        #expect(try r.snapshot("measuring_instruments") == stale)
        // A cleared field is cleared; the unit and its wards stay as they were.
        #expect(try editor.update(key: "F2", changes: ["manufacturer": ""]).instrument.manufacturer == nil)
        #expect(try r.snapshot("unit_wards") == wards && r.snapshot("economic_units") == units)
    }

    /// The due list paged by cursor, in its default order and by a column, while instruments are added between pages
    /// (with verification dates that sort before and after the cursor): every instrument there at the start comes
    /// once, and nothing comes twice.
    @Test(arguments: ["", "unit_code,-serial_no", "-due_on"])
    func duePagesLoseAndRepeatNothingWhileInstrumentsAreAdded(sort: String) throws {
        let (r, editor) = try registry()
        for i in 0..<20 {
            _ = try editor.add(fields: ["unit_code": i % 2 == 0 ? "0100233488" : "0321853641", "type": "fuel_dispenser",
                                        "serial_no": "D\(i)", "last_verified_on": "2025-0\(1 + i % 6)-1\(i % 10)"])
        }
        let list = DueList(store: r.store)
        let filter = DueFilter(units: UnitFilter(asOf: InstrumentListTests.today))
        let sorts = sort.isEmpty ? [] : try Sorting<DueSortKey>.list(parsing: sort)
        let before = Set(try list.items(filter).compactMap { $0.instrument?.serialNo })
        #expect(before.count == 23)
        var seen: [String] = []
        var after: PageCursor?
        var added = 0
        repeat {
            after = try list.forEach(filter, sorts: sorts, page: try PageRequest(limit: 3, after: after)) { item in
                seen.append("\(item.unit.code)/\(item.instrument?.serialNo ?? "-")")
            }
            if added < 4 {
                for (serial, verified) in [("N\(added)a", "2025-01-0\(added + 1)"), ("N\(added)b", "2025-06-1\(added)"), ("N\(added)c", "")] {
                    _ = try editor.add(fields: ["unit_code": "0100233488", "type": "fuel_dispenser", "serial_no": serial, "last_verified_on": verified])
                }
                added += 1
            }
        } while after != nil && seen.count < 200
        #expect(Set(seen).count == seen.count)
        #expect(Set(seen.map { String($0.split(separator: "/")[1]) }).isSuperset(of: before))
    }
}
