import Foundation
import Testing

/// A record given as options (`units add|update`, `instruments add|update`): a bad value is reported under the
/// flag the user typed, with the value and what was expected, exit status 65, and nothing is written.
@Suite(.serialized) struct FieldFlagTests {
    let directory: TemporaryDirectory
    let db: String

    init() throws {
        (directory, db) = try Command.demoRegistry("flags")
    }

    func state() throws -> String {
        try Command.run("/usr/bin/sqlite3", [db, """
            SELECT (SELECT count(*) || ' ' || sum(version) FROM economic_units), (SELECT count(*) || ' ' || sum(version) FROM measuring_instruments)
            """]).out
    }

    @Test func aBadValueNamesTheFlagTheValueAndTheExpectation() throws {
        let before = try state()
        let instrument = try Command.run("/usr/bin/sqlite3", [db, """
            SELECT u.code || '|' || i.serial_no FROM measuring_instruments i JOIN economic_units u ON u.id = i.unit_id ORDER BY i.id LIMIT 1
            """]).out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        try #require(instrument.count == 2)
        let (unit, serial) = (instrument[0], instrument[1])
        let cases: [(args: [String], says: [String])] = [
            (["units", "add", "--code", "0100233488", "--name", "X", "--kind", "shop", "--ward-code", "27232"],
             ["--kind \"shop\": expected one of enterprise"]),
            (["units", "add", "--code", "0100233488", "--name", "X", "--kind", "enterprise", "--ward-code", "27232", "--registered-on", "2024-13-01"],
             ["--registered-on \"2024-13-01\": expected a date YYYY-MM-DD"]),
            (["units", "update", unit, "--lon", "abc", "--lat", "10.76"], ["--lon \"abc\": expected a number"]),
            (["units", "update", unit, "--ward-code", "99999"], ["--ward-code \"99999\": expected a ward code valid on"]),
            (["instruments", "add", "--unit", unit, "--type", "counter_scale", "--serial", "NEW-1", "--max-capacity", "lots"],
             ["--max-capacity \"lots\": expected"]),
            (["instruments", "update", serial, "--unit", unit, "--last-verified-on", "2025-02-30"],
             ["--last-verified-on \"2025-02-30\": expected a date"]),
        ]
        for (args, says) in cases {
            let r = try Command.run(Command.binary, args + ["--db", db])
            #expect(r.status == 65, "\(args): exit \(r.status)\n\(r.err)")
            for text in says { #expect(r.err.contains(text), "\(args): \(r.err)") }
            #expect(!r.err.contains("field "), "\(args) names a canonical field: \(r.err)")
        }
        #expect(try state() == before)
    }
}
