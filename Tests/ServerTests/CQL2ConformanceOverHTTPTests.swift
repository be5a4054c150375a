import CQL2
import Foundation
import GRDB
import Registry
import Testing

/// The CQL2 abstract test suite over HTTP: ne110m4cql2.gpkg added as three reference layers, each of the 351 filters
/// of ats_predicates.tsv sent as cql2-text and as cql2-json (converted by PyPI cql2), numberMatched compared with the
/// expected count; `/conformance` must claim exactly the classes whose rows all pass.
@Suite(.enabled(if: ConformanceMaterial.isPresent, ConformanceMaterial.absentReason))
struct CQL2ConformanceOverHTTPTests {
    struct Row: Decodable {
        var line: Int
        var `class`: String
        var collection: String
        var text: String
        var expected: Int
        var json: String?
        var error: String?
    }

    /// Rows whose annex count the data contradicts (see CQL2Tests' ConformancePredicatesTests): the server must give
    /// the count of this independent query on the GeoPackage instead.
    static let disputed: [Int: String] = [
        9: "SELECT count(*) FROM ne_110m_populated_places_simple WHERE nameascii GLOB 'Ch*'",
        10: "SELECT count(*) FROM ne_110m_populated_places_simple WHERE lower(nameascii) GLOB 'chis*'",
        11: "SELECT count(*) FROM ne_110m_populated_places_simple WHERE lower(nameascii) GLOB 'chis*'",
    ]

    @Test func everyClaimedClassPassesInTextAndJSON() async throws {
        let gpkg = ConformanceMaterial.folder.appendingPathComponent("ne110m4cql2.gpkg").path
        let converted = try runBlocking(ConformanceMaterial.python.path, [checkout.appendingPathComponent("Tests/ServerTests/ats_rows.py").path,
                                                                          ConformanceMaterial.folder.appendingPathComponent("ats_predicates.tsv").path])
        #expect(converted.status == 0, "PyPI cql2 in .build/cql2-venv (scripts/setup installs it): \(converted.output.prefix(500))")
        let rows = try JSONDecoder().decode([Row].self, from: Data(converted.output.utf8))
        #expect(rows.count == 351)
        let source = try DatabaseQueue(path: gpkg, configuration: SpatiaLite.configuration(readonly: true))
        let server = try await ReferenceServer(layers: [gpkg])
        var failures: [String: [String]] = [:]
        var passed: [String: Int] = [:]
        for row in rows {
            let expected = try Self.disputed[row.line].map { sql in try source.read { try Int.fetchOne($0, sql: sql)! } } ?? row.expected
            let text = try await server.matched(row.collection, "filter=" + FilterAndCRSTests.encoded(row.text))
            var problems: [String] = []
            if text.matched != expected { problems.append("text → \(text.matched.map(String.init) ?? text.body.prefix(200).description)") }
            if let json = row.json {
                let j = try await server.matched(row.collection, "filter-lang=cql2-json&filter=" + FilterAndCRSTests.encoded(json))
                if j.matched != expected { problems.append("json \(json) → \(j.matched.map(String.init) ?? j.body.prefix(200).description)") }
            } else {
                problems.append("PyPI cql2 could not convert it: \(row.error ?? "")")
            }
            let name = row.class == "basic-cql2-combinations" ? "basic-cql2" : row.class
            if problems.isEmpty {
                passed[name, default: 0] += 1
            } else {
                failures[name, default: []].append("line \(row.line) \(row.collection): \(row.text), expected \(expected): " + problems.joined(separator: "; "))
            }
        }
        print("CQL2 conformance over HTTP (cql2-text and cql2-json):")
        for name in Set(passed.keys).union(failures.keys).sorted() {
            print("  \(name): \(passed[name] ?? 0)/\((passed[name] ?? 0) + (failures[name]?.count ?? 0))")
            for f in failures[name] ?? [] { print("    FAIL \(f)") }
        }
        let conformsTo = try await get(server.base + "/conformance").json["conformsTo"] as? [String] ?? []
        let claimed = Set(conformsTo.filter { $0.hasPrefix("http://www.opengis.net/spec/cql2/1.0/conf/") }.map { String($0.split(separator: "/").last!) })
        let passing = Set(passed.keys.filter { failures[$0] == nil }).union(["cql2-text", "cql2-json"])
        #expect(claimed == passing, "claimed \(claimed.sorted()), passing \(passing.sorted())")
        #expect(failures.isEmpty, "\(failures.values.joined().joined(separator: "\n"))")
    }
}

/// ../shared/ogc-conformance next to the repository, and the venv with PyPI cql2 that scripts/setup makes.
enum ConformanceMaterial {
    static let folder = checkout.deletingLastPathComponent().appendingPathComponent("shared/ogc-conformance/cql2")
    static let python = checkout.appendingPathComponent(".build/cql2-venv/bin/python")
    static var isPresent: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("ats_predicates.tsv").path) }
    static let absentReason: Comment = "../shared/ogc-conformance/cql2 is absent next to the repository: the OGC test data is not here"
}
