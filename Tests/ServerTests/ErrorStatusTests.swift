import Foundation
import GRDB
import Registry
import Testing
@testable import Server

/// The server maps the library error's kind, not its case, to an HTTP status.
@Suite struct ErrorStatusTests {
    @Test func kindsBecomeStatuses() throws {
        let constraint = DatabaseError(resultCode: .SQLITE_CONSTRAINT_CHECK, message: "CHECK constraint failed")
        let cases: [(RegistryError, Int)] = [
            (.invalidArgument(field: "bbox", value: "1,2,3", expected: "four numbers"), 400),
            (.invalidInput([ValidationIssue(SourceLocation(file: "u.csv", line: 2), field: "kind", value: "shop", expected: "a kind")], file: "u.csv"), 400),
            (.notFound(what: "unit", key: "X"), 404),
            (.versionConflict(key: "X", expected: 1, actual: 2), 409),
            (.database("refused", underlying: constraint), 409),
            (.busy(path: "db", seconds: 5), 503),
            (.database("disk I/O error", underlying: DatabaseError(resultCode: .SQLITE_IOERR)), 500),
            (.database("no detail"), 500),
        ]
        for (error, status) in cases {
            #expect(OGCError.from(error).status.code == status, "\(error)")
        }
    }
}
