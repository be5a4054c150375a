import CQL2
import Foundation
import GRDB
import Testing

/// Input meant to crash, hang or inject: each is an error or harmless, never a crash, and the database is unchanged.
struct HostileInputTests {
    func textError(_ text: String) -> CQL2Error? {
        do { _ = try CQL2Expression.parse(text: text); return nil } catch { return error }
    }

    func jsonError(_ json: String) -> CQL2Error? {
        do { _ = try CQL2Expression.parse(json: json); return nil } catch { return error }
    }

    @Test func deepNestingIsALimitErrorNotAStackOverflow() {
        let n = 10_000
        #expect(textError(String(repeating: "(", count: n) + "a = 1" + String(repeating: ")", count: n))?.kind == .limit)
        #expect(textError(String(repeating: "NOT ", count: n) + "a = 1")?.kind == .limit)
        #expect(textError("a = " + String(repeating: "- ", count: n) + "b")?.kind == .limit)
        #expect(textError("a = " + Array(repeating: "1", count: n).joined(separator: " + "))?.kind == .limit)
        #expect(textError("a = " + String(repeating: "f(", count: n) + String(repeating: ")", count: n))?.kind == .limit)
        #expect(textError("S_INTERSECTS(g, " + String(repeating: "GEOMETRYCOLLECTION(", count: n) + "POINT(1 2)"
            + String(repeating: ")", count: n + 1))?.kind == .limit)

        let deepJSON = String(repeating: #"{"op":"not","args":["#, count: n) + #"{"op":"=","args":[{"property":"a"},1]}"#
            + String(repeating: "]}", count: n)
        #expect(jsonError(deepJSON) != nil)
        #expect(jsonError(String(repeating: "[", count: n) + String(repeating: "]", count: n)) != nil)
        let notSoDeep = String(repeating: #"{"op":"not","args":["#, count: 100) + #"{"op":"=","args":[{"property":"a"},1]}"#
            + String(repeating: "]}", count: 100)
        #expect(jsonError(notSoDeep)?.kind == .limit)
    }

    @Test func hugeNumbersAreErrors() {
        #expect(textError("a = 1e400")?.kind == .syntax)
        #expect(textError("a = 1e400")?.found == "1e400")
        #expect(textError("a = " + String(repeating: "9", count: 400))?.kind == .syntax)
        #expect(textError("S_INTERSECTS(g, POINT(1e999 0))") != nil)
        #expect(jsonError(#"{"op":"=","args":[{"property":"a"},1e400]}"#)?.jsonPath == "args[1]")
        #expect(jsonError(#"{"op":"s_intersects","args":[{"property":"g"},{"bbox":[0,0,1e400,1]}]}"#) != nil)
        #expect(textError("a = 1e300") == nil)
    }

    @Test func longInputAndControlCharactersAreRefused() {
        #expect(textError("a = '" + String(repeating: "x", count: 200_000) + "'")?.kind == .limit)
        #expect(textError("a = 'x\u{0}y'")?.offset == 6)
        #expect(textError("a\u{1B} = 1")?.offset == 1)
        #expect(textError("a = 'tab\tand\nnewline'") == nil)
        #expect(jsonError(#"{"op":"=","args":[{"property":"a"},null]}"#)?.jsonPath == "args[1]")
    }

    /// Injection attempts as property names and as values, through the translator into a real SpatiaLite database.
    @Test func injectionAttemptsNeverReachTheSQL() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cql2-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("t.sqlite").path,
                                      configuration: ConformanceDatabase.configuration(readonly: false))
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE unit (id INTEGER PRIMARY KEY, name TEXT)")
            try db.execute(sql: "INSERT INTO unit (name) VALUES ('Chợ Bình Tây'), ('x''; DROP TABLE unit; --')")
        }
        let translator = CQL2SQLiteTranslator(queryables: CQL2Queryables([.init(name: "name", sql: "\"name\"", type: .string)]))

        let unknown = #expect(throws: CQL2Error.self) {
            try translator.translate(try CQL2Expression.parse(text: #""name; DROP TABLE unit" = 'a'"#))
        }
        #expect(unknown?.kind == .unknownProperty)
        #expect(unknown?.found == "name; DROP TABLE unit")
        #expect(unknown?.expected == "one of the queryables: name")
        #expect(throws: CQL2Error.self) { try CQL2Expression.parse(text: #""name"" = 1 OR 1=1 --" = 'a'"#) }
        let values = ["'x''; DROP TABLE unit; --'", "'1'' OR ''1''=''1'", "CASEI('%'' OR 1=1 --')"]
        var matched: [Int] = []
        for value in values {
            let sql = try translator.translate(try CQL2Expression.parse(text: "name = \(value) OR name LIKE \(value)"))
            #expect(!sql.sql.contains("DROP") && !sql.sql.contains("OR 1"), "\(sql.sql)")
            matched.append(try queue.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM unit WHERE \(sql.sql)", arguments: sql.statementArguments)!
            })
        }
        #expect(matched == [1, 0, 0])
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM unit") } == 2)
    }

    /// A leap second (RFC 3339 allows second 60) compared as NULL in SQLite, so that X and NOT X both matched
    /// nothing; it is the minute's last instant.
    @Test func aLeapSecondSplitsTheRowsLikeAnyInstant() throws {
        let queue = try DatabaseQueue(configuration: ConformanceDatabase.configuration(readonly: false))
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (seen TEXT)")
            try db.execute(sql: "INSERT INTO t VALUES ('2016-12-31T23:59:59Z'), ('2016-12-31T23:59:59.5Z'), ('2017-01-01T00:00:00Z')")
        }
        let translator = CQL2SQLiteTranslator(queryables: CQL2Queryables([.init(name: "seen", sql: "seen", type: .timestamp)]))
        func count(_ filter: String) throws -> Int? {
            let sql = try translator.translate(try CQL2Expression.parse(text: filter))
            return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t WHERE \(sql.sql)", arguments: sql.statementArguments) }
        }
        let x = "seen < TIMESTAMP('2016-12-31T23:59:60Z')"
        #expect(try count(x) == 2 && count("NOT (\(x))") == 1)
        #expect(try count("seen > TIMESTAMP('2016-12-31T23:59:60.5Z')") == 1)
        #expect(CQL2Timestamp("2016-12-31T12:30:60Z") == nil, "a leap second only ends a UTC day")
    }

    /// Thousands of ANDed predicates and a long IN list stay within SQLite's expression depth and variable limits.
    @Test func wideFiltersRunInSQLite() throws {
        let queue = try DatabaseQueue(configuration: ConformanceDatabase.configuration(readonly: false))
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER)")
            try db.execute(sql: "INSERT INTO t VALUES (1), (2), (3)")
        }
        let translator = CQL2SQLiteTranslator(queryables: CQL2Queryables([.init(name: "n", sql: "n", type: .integer)]))
        let wideAnd = Array(repeating: "n > 1", count: 5_000).joined(separator: " AND ")
        let longIn = "n IN (" + (0..<5_000).map(String.init).joined(separator: ",") + ")"
        for (filter, expected) in [(wideAnd, 2), (longIn, 3)] {
            let sql = try translator.translate(try CQL2Expression.parse(text: filter))
            #expect(try queue.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM t WHERE \(sql.sql)", arguments: sql.statementArguments)
            } == expected)
        }
    }
}
