import Foundation
import GRDB
import Testing

/// GDAL's OGC API – Features driver (Debian gdal-bin) as the client QGIS also builds on.
@Suite struct GDALClientTests {
    @Test func ogrinfoListsTheCollections() async throws {
        guard let ogrinfo = which("ogrinfo") else {
            toolMissing("ogrinfo (Debian gdal-bin) is not installed; scripts/setup installs it")
            return
        }
        let s = try await TestServer.shared.value
        let out = try await run(ogrinfo, ["-ro", "OAPIF:" + s.base])
        #expect(out.status == 0, "\(out.output)")
        for id in ["units", "markets", "stalls", "instruments", "due", "wards", "inspections"] {
            #expect(out.output.contains(": \(id) ("), "\(id) missing from: \(out.output)")
        }
        let summary = try await run(ogrinfo, ["-ro", "-so", "OAPIF:" + s.base, "units"])
        let matched = try await get(s.base + "/collections/units/items?limit=1").json["numberMatched"] as? Int
        #expect(summary.output.contains("Feature Count: \(matched ?? -1)"), "\(summary.output)")
    }

    /// ogr2ogr copies every unit, with GDAL's default page size and with 10 000 a page; counts and a sample of
    /// properties (Vietnamese text) equal the database's.
    @Test(arguments: [nil, 10_000] as [Int?]) func ogr2ogrCopiesUnitsCompletely(pageSize: Int?) async throws {
        guard let ogr2ogr = which("ogr2ogr") else {
            toolMissing("ogr2ogr (Debian gdal-bin) is not installed; scripts/setup installs it")
            return
        }
        let s = try await TestServer.shared.value
        let output = s.directory.appendingPathComponent("units-\(pageSize ?? 0).gpkg").path
        var args = ["-f", "GPKG", output, "OAPIF:" + s.base, "units"]
        if let pageSize { args += ["-oo", "PAGE_SIZE=\(pageSize)"] }
        let out = try await run(ogr2ogr, args)
        #expect(out.status == 0, "\(out.output)")
        let copy = try DatabaseQueue(path: output)
        let (copied, copiedSample) = try copy.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM units")!,
             try Row.fetchAll(db, sql: "SELECT code, name, owner, address, ward_name FROM units ORDER BY code LIMIT 300"))
        }
        let (original, sample) = try s.database().read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE registered_on IS NULL OR registered_on <= ?",
                              arguments: [TestServer.today.description])!,
             try Row.fetchAll(db, sql: """
                SELECT u.code, u.name, u.owner, u.address FROM economic_units u
                WHERE u.registered_on IS NULL OR u.registered_on <= ? ORDER BY u.code LIMIT 300
                """, arguments: [TestServer.today.description]))
        }
        #expect(copied == original)
        #expect(copiedSample.count == sample.count)
        var vietnamese = 0
        for (a, b) in zip(copiedSample, sample) {
            for column in ["code", "name", "owner", "address"] {
                #expect(a[column] as String? == b[column] as String?, "\(column): \(a[column] as String? ?? "nil") vs \(b[column] as String? ?? "nil")")
            }
            if (b["name"] as String? ?? "").unicodeScalars.contains(where: { $0.value > 0x7F }) { vietnamese += 1 }
        }
        #expect(vietnamese > 50)
    }
}

/// Every collection copies completely through GDAL, with a small page, GDAL's default and 10 000 a page: the copy has
/// as many features as the database holds for the day (counted in SQL, or by the command line's own lists for the
/// instruments and the due list), and a sample of them, found by the id GDAL read, has the database's values,
/// Vietnamese text included. One copy at a time: eighteen ogr2ogr processes at once on two cores starved the suite's
/// in-process server, and another suite's request went unanswered for 30 s.
@Suite(.serialized) struct GDALCollectionsTests {
    /// Per collection: its count for the day, and a sample (fid, then values by name) read from the database.
    static let truth: [String: (count: String, sample: String)] = [
        "markets": ("SELECT count(*) FROM economic_units WHERE kind = 'market' AND coalesce(registered_on, '') <= :day",
                    "SELECT id AS fid, code, name, address, owner FROM economic_units WHERE kind = 'market' AND coalesce(registered_on, '') <= :day"),
        "stalls": ("SELECT count(*) FROM economic_units WHERE kind = 'market_stall' AND coalesce(registered_on, '') <= :day",
                   "SELECT id AS fid, code, name, stall_no, zone FROM economic_units WHERE kind = 'market_stall' AND coalesce(registered_on, '') <= :day"),
        "instruments": ("", "SELECT i.id AS fid, u.code AS unit_code, u.name AS unit_name, i.serial_no, i.instrument_type FROM measuring_instruments i JOIN economic_units u ON u.id = i.unit_id"),
        "due": ("", "SELECT i.id AS fid, u.code AS unit_code, u.name AS unit_name, i.serial_no, i.instrument_type FROM measuring_instruments i JOIN economic_units u ON u.id = i.unit_id"),
        "wards": ("SELECT count(*) FROM admin_units WHERE level = 'ward' AND valid_from <= :day AND (valid_to IS NULL OR valid_to >= :day)",
                  "SELECT id AS fid, code, name, valid_from FROM admin_units WHERE level = 'ward'"),
        "inspections": ("SELECT count(*) FROM inspections WHERE status IN ('done', 'closed') AND inspected_on <= :day",
                        "SELECT i.id AS fid, u.code AS unit_code, u.name AS unit_name, i.inspected_on, i.scope, i.outcome FROM inspections i JOIN economic_units u ON u.id = i.unit_id"),
    ]

    @Test(arguments: ["markets", "stalls", "instruments", "due", "wards", "inspections"], [100, nil, 10_000] as [Int?])
    func ogr2ogrCopiesTheCollection(collection: String, pageSize: Int?) async throws {
        guard let ogr2ogr = which("ogr2ogr") else {
            toolMissing("ogr2ogr (Debian gdal-bin) is not installed; scripts/setup installs it")
            return
        }
        let s = try await TestServer.shared.value
        let output = s.directory.appendingPathComponent("\(collection)-\(pageSize ?? 0).gpkg").path
        // -preserve_fid: the copy keeps each feature's id as GDAL read it, which must be the database's.
        let out = try await run(ogr2ogr, ["-f", "GPKG", "-preserve_fid", output, "OAPIF:" + s.base, collection]
                                + (pageSize.map { ["-oo", "PAGE_SIZE=\($0)"] } ?? []))
        #expect(out.status == 0, "\(out.output)")
        let (countSQL, sampleSQL) = Self.truth[collection]!
        let day = TestServer.today.description
        let expected: Int
        if countSQL.isEmpty {
            // The command line's lists of the day: every instrument, and the due list without its re-inspections
            // (violations to visit again, which are no instrument's feature).
            let args = collection == "instruments" ? ["instruments", "list", "--count"] : ["due", "--format", "csv", "--columns", "state"]
            let listed = try await run(econgisBinary(), args + ["--db", s.databasePath, "--as-of", day])
            #expect(listed.status == 0, "\(listed.output)")
            let lines = listed.output.split(whereSeparator: \.isNewline)
            expected = collection == "instruments" ? Int(lines.last { Int($0) != nil } ?? "") ?? -1
                : lines.filter { ["expired", "sealed", "due", "unknown"].contains($0) }.count
        } else {
            expected = try await s.database().read { db in try Int.fetchOne(db, sql: countSQL, arguments: ["day": day])! }
        }
        let copy = try DatabaseQueue(path: output)
        let copied = try await copy.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(collection)\"")! }
        #expect(copied == expected && copied > 0, "\(collection): \(copied) copied, \(expected) in the database")
        // A sample of features, by id: every named column as the database has it.
        let copiedRows = try await copy.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \"\(collection)\" ORDER BY fid LIMIT 200") }
        let byId = try await s.database().read { db in
            Dictionary(try Row.fetchAll(db, sql: sampleSQL, arguments: sampleSQL.contains(":day") ? ["day": day] : [:]).map { (($0["fid"] as Int64), $0) }, uniquingKeysWith: { a, _ in a })
        }
        var vietnamese = 0
        for row in copiedRows {
            let id: Int64 = row["fid"]
            guard let truth = byId[id] else { Issue.record("\(collection): feature \(id) is not in the database"); continue }
            for column in truth.columnNames where column != "fid" {
                let a = row[column].map { "\($0)" } ?? "NULL", b = truth[column].map { "\($0)" } ?? "NULL"
                #expect(a == b, "\(collection) \(id) \(column): \(a) copied, \(b) in the database")
                if b.unicodeScalars.contains(where: { $0.value > 0x7F }) { vietnamese += 1 }
            }
        }
        #expect(vietnamese > 0, "\(collection): no Vietnamese text in the sample")
    }
}
