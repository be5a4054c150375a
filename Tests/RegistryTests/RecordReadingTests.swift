import Foundation
import GRDB
import Testing
@testable import Registry

/// The record types that read list rows by position find their columns where the statements put them, and
/// what they do with a malformed stored value is what their doc comments say.
@Suite struct RecordReadingTests {
    static let today = InstrumentListTests.today

    /// "instrumentId" → "instrument_id": the column a `DueItem.Column` case stands for.
    static func columnName(_ column: DueItem.Column) -> String {
        String(describing: column).reduce(into: "") { name, c in name += c.isUppercase ? "_" + c.lowercased() : String(c) }
    }

    static func columnNames(_ db: Database, _ sql: SQL) throws -> [String] {
        try db.makeStatement(literal: sql).columnNames
    }

    @Test func listRowsHaveTheirColumnsWhereTheRecordsReadThem() throws {
        let (r, _) = try InstrumentListTests().registry()
        try r.store.read { db in
            let units = UnitFilter(asOf: RecordReadingTests.today)
            // The due list, both branches (instruments and re-inspections), and the instrument list built on it.
            let (_, due) = try DueList.listStatement(db, DueFilter(units: units))
            let instruments = try InstrumentStatement(db, InstrumentFilter(units: units),
                                                      sorts: [Sorting(.ward), Sorting(.serial_no, descending: true)])
            for names in [try RecordReadingTests.columnNames(db, "SELECT * FROM (\(due))"),
                          try RecordReadingTests.columnNames(db, instruments.select(page: .all))] {
                for column in DueItem.Column.allCases {
                    #expect(names[column.rawValue] == RecordReadingTests.columnName(column), "\(column)")
                }
            }
            let names = try RecordReadingTests.columnNames(db, instruments.select(page: .all))
            #expect(names[InstrumentStatement.stateColumn...] == ["verification_state", "sort_value", "sort_value_1"])
            // A unit list with two ward dates and two sort keys, on a first page and on one deep in the list.
            let plan = try UnitStatement(db, filter: units, sorts: [Sorting(.name), Sorting(.code, descending: true)],
                                         wardsOn: [LocalDate(iso: "2024-06-01")!, RecordReadingTests.today])
            for page in [PageRequest.all, try PageRequest(limit: 10, offset: 1)] {
                let names = try RecordReadingTests.columnNames(db, plan.selectSQL(page: page))
                #expect(names[plan.sortColumn...] == ["sort_value", "sort_value_1"])
                #expect(names[21..<27] == ["ward_id", "ward_code", "ward_name", "ward_from", "ward_to", "distance"])
            }
        }
    }

    @Test func aMalformedVerificationDateIsUnknownInListsAndRefusedByTheEditor() throws {
        let (r, editor) = try InstrumentListTests().registry()
        try r.store.write { db in try db.execute(sql: "UPDATE measuring_instruments SET last_verified_on = '2025-13-45' WHERE serial_no = 'F2'") }
        let units = UnitFilter(asOf: RecordReadingTests.today)
        // The lists go on: the statement finds no due date for the text, the record no date.
        let due = try DueList(store: r.store).items(DueFilter(units: units)).filter { $0.instrument?.serialNo == "F2" }
        #expect(due.map { "\($0.state):\($0.instrument?.lastVerifiedOn?.description ?? "-")" } == ["unknown:-"])
        let listed = try InstrumentList(store: r.store).list(InstrumentFilter(units: units)).items.map {
            "\($0.instrument.serialNo):\($0.state.rawValue):\($0.instrument.lastVerifiedOn?.description ?? "-")"
        }
        #expect(listed == ["F1:expired:2025-01-01", "F2:unknown:-", "S1:valid:2025-06-15", "S1:unknown:-"])
        let (_, shown, _) = try UnitQuery(store: r.store).show("0100233488", asOf: RecordReadingTests.today)
        #expect(shown.map { $0.lastVerifiedOn?.description ?? "-" } == ["2025-01-01", "-", "2025-06-15"])
        // The editor validates the stored text again: a change to another field names the bad date.
        #expect {
            _ = try editor.update(key: "F2", changes: ["model": "X1"])
        } throws: { error in
            "\(error)".contains("last_verified_on") && "\(error)".contains("2025-13-45")
        }
    }

    @Test func aMalformedDateOfAnIdentifierFormatIsAnError() throws {
        let r = try TemporaryRegistry()
        try r.store.write { db in
            try db.execute(sql: "UPDATE identifier_formats SET valid_from = '2020-02-30' WHERE id = (SELECT min(id) FROM identifier_formats)")
        }
        #expect {
            _ = try r.store.read { db in try ValidationContext.load(db, today: RecordReadingTests.today) }
        } throws: { error in
            "\(error)".contains("identifier_formats") && "\(error)".contains("valid_from \"2020-02-30\"")
        }
    }
}
