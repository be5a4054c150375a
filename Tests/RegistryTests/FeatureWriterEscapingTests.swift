import Foundation
import GeoJSON
import GRDB
import Output
import Testing
@testable import Registry

/// The GeoJSON writer's strings: it tests eight bytes at a time for a character to escape, so each escaped
/// character is tried at every offset of a word, in texts of every length around a word, beside Vietnamese letters.
@Suite struct FeatureWriterEscapingTests {
    /// RFC 8259 escaping as the GeoJSON module's writer does it (JSONText): `"`, `\` and \n, \r, \t by their short
    /// forms, the other control characters as \u00xx, everything else (UTF-8, DEL) as is. The two writers must agree.
    static func escaped(_ s: String) -> String {
        var out = ""
        JSONText.writeString(s, to: &out)
        return out
    }

    @Test func everyEscapeAtEveryOffsetOfAWord() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        var names: [String] = []
        for special in ["\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "ờ"] {
            for offset in 0..<18 {
                names.append(String(repeating: "a", count: offset) + special + "Đường" + String(repeating: "z", count: offset % 9))
            }
        }
        names += (1..<20).map { String(repeating: "x", count: $0) }  // nothing to escape, every length
        names.append("\"\\\"\\\n\n\u{02}\u{03}\"\"\"\"\"\"\"\"")  // escapes side by side, a word of quotes
        var csv = "code,name,kind,lon,lat\n"
        for i in names.indices { csv += "W\(i),placeholder \(i),market,106.642,10.762\n" }
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv))
        try r.store.write { db in
            for (i, name) in names.enumerated() {
                try db.execute(sql: "UPDATE economic_units SET name = ? WHERE code = ?", arguments: [name, "W\(i)"])
            }
            // An empty text is "", not null (SQLite gives an empty value no address); a number in a text column is its text.
            try db.execute(sql: "UPDATE economic_units SET owner = '', address = NULL, zone = 12 WHERE code = 'W0'")
        }
        let (path, _) = try r.export(to: "escapes.geojson")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let missing = names.filter { !text.contains("\"name\":" + FeatureWriterEscapingTests.escaped($0) + ",") }
        #expect(missing.isEmpty, "not written as escaped: \(missing.map { $0.debugDescription })")
        #expect(text.contains(#""owner":"","address":null,"#) && text.contains(#""zone":"12","#))
        // And a JSON reader gets each name back.
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let read = Set((json?["features"] as? [[String: Any]] ?? []).compactMap { ($0["properties"] as? [String: Any])?["name"] as? String })
        #expect(Set(names).subtracting(read).isEmpty)
    }
}
