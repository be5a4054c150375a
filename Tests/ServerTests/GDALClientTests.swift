import Foundation
import GRDB
import Testing

/// GDAL's OGC API – Features driver (Debian gdal-bin) as the client QGIS also builds on.
@Suite struct GDALClientTests {
    @Test func ogrinfoListsTheCollections() async throws {
        guard let ogrinfo = which("ogrinfo") else {
            print("skipped: ogrinfo (Debian gdal-bin) is not installed; scripts/setup installs it")
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
            print("skipped: ogr2ogr (Debian gdal-bin) is not installed; scripts/setup installs it")
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

/// Every collection copies completely through GDAL: the copy has numberMatched features (which the core tests
/// check against the database).
@Suite struct GDALCollectionsTests {
    @Test(arguments: ["markets", "stalls", "instruments", "due", "wards", "inspections"])
    func ogr2ogrCopiesTheCollection(collection: String) async throws {
        guard let ogr2ogr = which("ogr2ogr") else {
            print("skipped: ogr2ogr (Debian gdal-bin) is not installed; scripts/setup installs it")
            return
        }
        let s = try await TestServer.shared.value
        let output = s.directory.appendingPathComponent("\(collection).gpkg").path
        let out = try await run(ogr2ogr, ["-f", "GPKG", output, "OAPIF:" + s.base, collection, "-oo", "PAGE_SIZE=100"])
        #expect(out.status == 0, "\(out.output)")
        let copied = try await DatabaseQueue(path: output).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \"\(collection)\"")! }
        let matched = try await get(s.base + "/collections/\(collection)/items?limit=1").json["numberMatched"] as? Int
        #expect(copied == matched && copied > 0, "\(collection): \(copied) copied, \(matched ?? -1) matched")
    }
}
