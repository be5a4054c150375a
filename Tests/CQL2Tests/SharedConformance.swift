import Foundation
import Testing

/// The OGC conformance material in ../shared/ogc-conformance (relative to the repository root).
enum SharedConformance {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let folder = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/ogc-conformance/cql2")
    static var isPresent: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("ats_predicates.tsv").path) }
    static let absentReason: Comment = "../shared/ogc-conformance/cql2 is absent next to the repository: the OGC examples and test data are not here"

    /// The example files of one encoding (`text` or `json`), by name without extension.
    static func examples(_ encoding: String) throws -> [(name: String, content: String)] {
        let dir = folder.appendingPathComponent("examples/\(encoding)")
        let ext = encoding == "text" ? "txt" : "json"
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix("." + ext) }.sorted()
            .map { (String($0.dropLast(ext.count + 1)), try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) }
    }

    struct Predicate {
        var line: Int
        var conformanceClass: String
        var collection: String
        var filter: String
        var expectedCount: Int
    }

    /// The 351 rows of ats_predicates.tsv.
    static func predicates() throws -> [Predicate] {
        let text = try String(contentsOf: folder.appendingPathComponent("ats_predicates.tsv"), encoding: .utf8)
        // Lines may end in CRLF ("\r\n" is one Character, so split on the scalar).
        let lines = text.unicodeScalars.split(separator: "\n").map { String(String.UnicodeScalarView($0)).trimmingCharacters(in: ["\r"]) }
        return lines.enumerated().dropFirst().filter { !$0.element.isEmpty }.map { i, line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Predicate(line: i + 1, conformanceClass: f[0], collection: f[2], filter: f[3], expectedCount: Int(f[4])!)
        }
    }
}
