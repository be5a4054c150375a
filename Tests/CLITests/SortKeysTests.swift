import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `--sort` with several keys orders a list as the server's `sortby` does for the same keys (the ward's code on the
/// date, ties broken by the id in the first key's direction, NULLs first ascending and last descending), pages by
/// cursor without losing or repeating a row, and refuses a key given twice.
@Suite(.serialized) struct SortKeysTests {
    static let date = "2026-11-15"
    let directory: TemporaryDirectory
    let db: String

    init() throws {
        (directory, db) = try Command.demoRegistry("sort")
    }

    /// One CSV column of a list command, in order.
    func column(_ args: [String], _ name: String) throws -> [String] {
        let r = try Command.run(Command.binary, args + ["--db", db, "--as-of", SortKeysTests.date, "--format", "csv", "--columns", name])
        #expect(r.status == 0, "\(args): \(r.err)")
        return Array(r.out.split(separator: "\n").dropFirst().map(String.init))
    }

    @Test func severalKeysOrderAsTheServersSortby() async throws {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Command.binary)
        server.arguments = ["serve", "--db", db, "--port", "0"]
        let err = Pipe()
        server.standardError = err
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        var first = ""
        while !first.contains("\n") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first += String(decoding: chunk, as: UTF8.self)
        }
        let base = try #require(first.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression).map { String(first[$0]) }, "\(first)")

        func served(_ collection: String, _ sortby: String, _ property: String?) async throws -> [String] {
            let url = URL(string: "\(base)/collections/\(collection)/items?f=json&limit=10000&datetime=\(SortKeysTests.date)&sortby=\(sortby)")!
            let (data, _) = try await URLSession.shared.data(from: url)
            let features = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["features"] as? [[String: Any]] ?? []
            return features.map { f in
                let value = property.map { (f["properties"] as? [String: Any])?[$0] } ?? f["id"]
                return value.map { "\($0)" } ?? ""
            }
        }

        for (cli, sortby) in [("ward,-name", "ward_code,-name"), ("-ward,kind,-registered_on", "-ward_code,kind,-registered_on"),
                              ("owner,-stall_no", "owner,-stall_no"), ("-market_code,name", "-market_code,name")] {
            // --sort=KEYS: a list that starts with "-" would otherwise read as an option.
            let listed = try column(["units", "list", "--sort=\(cli)"], "code")
            #expect(listed.count > 900)
            let fromServer = try await served("units", sortby, "code"), paged = try pages(["units", "list", "--sort=\(cli)"], "code", size: 97)
            #expect(listed == fromServer, "units --sort \(cli) against sortby=\(sortby): \(SortKeysTests.difference(listed, fromServer))")
            #expect(paged == listed, "units --sort \(cli) page by page: \(SortKeysTests.difference(paged, listed))")
        }
        // Instruments of units of every status, in the list as in the server's instruments layer.
        for (cli, sortby) in [("ward,-last_verified_on", "ward_code,-last_verified_on"), ("instrument_type,-ward,serial_no", "instrument_type,-ward_code,serial_no"),
                              ("-manufacturer,unit_name", "-manufacturer,unit_name"), ("state,-max_capacity", "state,-max_capacity")] {
            let args = ["instruments", "list", "--sort=\(cli)"]
            let listed = try column(args, "id")
            #expect(listed.count > 500)
            let fromServer = try await served("instruments", sortby, nil), paged = try pages(args, "id", size: 61)
            #expect(listed == fromServer, "instruments --sort \(cli) against sortby=\(sortby): \(SortKeysTests.difference(listed, fromServer))")
            #expect(paged == listed, "instruments --sort \(cli) page by page: \(SortKeysTests.difference(paged, listed))")
        }
    }

    /// Where two lists first part, in words.
    static func difference(_ a: [String], _ b: [String]) -> String {
        guard let i = Array(zip(a, b)).firstIndex(where: { $0 != $1 }) ?? (a.count == b.count ? nil : min(a.count, b.count)) else { return "equal" }
        return "\(a.count) vs \(b.count) rows; first difference at row \(i): \(a[i...].prefix(3)) vs \(b[i...].prefix(3))"
    }

    /// The whole list read page by page, each page started after the previous page's cursor.
    func pages(_ args: [String], _ name: String, size: Int) throws -> [String] {
        var all: [String] = []
        var after: [String] = []
        for _ in 0..<1000 {
            let r = try Command.run(Command.binary, args + after + ["--db", db, "--as-of", SortKeysTests.date, "--format", "csv",
                                                               "--columns", name, "--limit", "\(size)"])
            #expect(r.status == 0, "\(r.err)")
            all += r.out.split(separator: "\n").dropFirst().map(String.init)
            guard let cursor = r.err.range(of: "--after ").map({ r.err[$0.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines) }) else { break }
            after = ["--after", cursor]
        }
        return all
    }

    /// Paging by cursor through a list with filters loses and repeats nothing: a descending ward sort's cursor undid the
    /// other filters (590 enterprises paged as 2 584 units of every kind), and a cursor in a run of equal relevances or
    /// distances started the page again, forever (its real read back as another), or skipped rows.
    @Test(arguments: [(["--sort", "-ward", "--kind", "enterprise"], 50), (["--sort", "-ward,name", "--status", "active"], 200),
                      (["--search", "kim long"], 10), (["--search", "vang bac"], 13), (["--near", "106.6485,10.7611", "--radius", "150"], 10)])
    func pagingLosesAndRepeatsNothing(terms: [String], limit: Int) throws {
        let count = try Command.run(Command.binary, ["units", "list", "--db", db, "--count"] + terms)
        let expected = try #require(Int(count.out.trimmingCharacters(in: .whitespacesAndNewlines)), "\(count.out) \(count.err)")
        var codes: [String] = []
        var after: [String] = []
        for _ in 0..<(expected / limit + 3) {
            let r = try Command.run(Command.binary, ["units", "list", "--db", db, "--limit", "\(limit)", "--format", "csv", "--columns", "code"] + terms + after)
            #expect(r.status == 0, "\(r.err)")
            codes += r.out.split(separator: "\n").dropFirst().map(String.init)
            guard let cursor = r.err.range(of: "--after ").map({ r.err[$0.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines) }) else { break }
            after = ["--after", cursor]
        }
        #expect(expected > limit && codes.count == expected && Set(codes).count == expected, "\(terms): \(codes.count) rows, \(Set(codes).count) distinct, \(expected) counted")
    }

    /// A cursor names the sort it was made for: given to a list in another order of as many keys, its values were
    /// compared with other columns and rows were lost or repeated, without a word.
    @Test func aCursorIsForItsOwnSort() throws {
        func cursor(_ args: [String]) throws -> String {
            let r = try Command.run(Command.binary, args + ["--db", db, "--limit", "3", "--format", "csv"])
            return try #require(r.err.range(of: "--after ").map { r.err[$0.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines) }, "\(r.err)")
        }
        for (list, made, other) in [(["units", "list"], "name", "-name"), (["units", "list"], "name", "registered_on"),
                                    (["units", "list"], "code", "name"), (["instruments", "list"], "serial_no", "-serial_no")] {
            let after = try cursor(list + ["--sort", made])
            let r = try Command.run(Command.binary, list + ["--db", db, "--sort", other, "--after", after])
            #expect(r.status == 65 && r.err.contains("--after") && r.err.contains("sort, \(other) (this one was made for \(made))"),
                    "\(list) \(made) → \(other): \(r.status) \(r.err)")
            #expect(try Command.run(Command.binary, list + ["--db", db, "--sort", made, "--after", after]).status == 0)
        }
        // Nor for the same keys whose values depend on the list's terms: wards on another day (the demo's old wards
        // against its new ones), distances from another point, relevance to another search.
        for (made, other, names) in [
            (["--sort", "ward", "--as-of", "2024-06-01"], ["--sort", "ward", "--as-of", "2025-08-01"], ("ward on 2025-08-01", "ward on 2024-06-01")),
            (["--near", "106.64,10.76", "--radius", "2000"], ["--near", "106.65,10.77", "--radius", "2000"],
             ("distance from 106.65,10.77", "distance from 106.64,10.76")),
            (["--search", "tap hoa"], ["--search", "cho"], ("relevance to cho", "relevance to tap hoa")),
        ] {
            let after = try cursor(["units", "list"] + made)
            let r = try Command.run(Command.binary, ["units", "list", "--db", db, "--after", after] + other)
            #expect(r.status == 65 && r.err.contains("sort, \(names.0) (this one was made for \(names.1))"), "\(made) → \(other): \(r.status) \(r.err)")
            #expect(try Command.run(Command.binary, ["units", "list", "--db", db, "--after", after] + made).status == 0)
        }
    }

    @Test func aKeyGivenTwiceOrUnknownIsRefused() throws {
        for (sort, says) in [("name,-name", "--sort \"name\": expected each sort key at most once"),
                             ("ward,size", "--sort \"size\": expected one of code, name")] {
            let r = try Command.run(Command.binary, ["units", "list", "--db", db, "--sort", sort])
            #expect(r.status == 65 && r.err.contains(says), "\(sort): \(r.status) \(r.err)")
        }
        let r = try Command.run(Command.binary, ["instruments", "list", "--db", db, "--sort", "serial_no,ward,serial_no"])
        #expect(r.status == 65 && r.err.contains("--sort \"serial_no\": expected each sort key at most once"), "\(r.err)")
    }
}
