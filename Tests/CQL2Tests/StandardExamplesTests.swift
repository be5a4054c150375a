import CQL2
import Foundation
import Testing

/// Every example of the CQL2 standard parses, and the text and JSON encodings of one example give one tree.
@Suite(.enabled(if: SharedConformance.isPresent, SharedConformance.absentReason))
struct StandardExamplesTests {
    @Test func allTextExamplesParse() throws {
        let examples = try SharedConformance.examples("text")
        #expect(examples.count == 120)
        for (name, text) in examples {
            #expect(throws: Never.self, "\(name): \(text)") { try CQL2Expression.parse(text: text) }
        }
    }

    @Test func allJSONExamplesParse() throws {
        let examples = try SharedConformance.examples("json")
        // The folder holds 110 files: 109 examples and the standard's validate.sh.
        #expect(examples.count == 109)
        for (name, json) in examples {
            #expect(throws: Never.self, "\(name)") { try CQL2Expression.parse(json: json) }
        }
    }

    /// Where both encodings exist (109 pairs, and the `-alt01` text variants against the same JSON) the trees are equal.
    @Test func textAndJSONGiveTheSameTree() throws {
        let json = Dictionary(uniqueKeysWithValues: try SharedConformance.examples("json"))
        var pairs = 0
        for (name, text) in try SharedConformance.examples("text") {
            let base = name.replacingOccurrences(of: "-alt01", with: "")
            guard let document = json[base] else { continue }
            let fromText = try CQL2Expression.parse(text: text)
            let fromJSON = try CQL2Expression.parse(json: document)
            #expect(fromText == fromJSON, "\(name)")
            pairs += 1
        }
        #expect(pairs == 120)
    }
}
