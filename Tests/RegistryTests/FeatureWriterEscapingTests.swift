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

    /// Ward codes and names are escaped once per page (`FeatureWriter.begin`) and copied per unit: each must read
    /// back as the ward's own text, and a unit with no ward gets null for both.
    @Test func wardTextsAreEscapedAsTheUnitsOwn() throws {
        let r = try TemporaryRegistry()
        let names = ["Phường \"9\" \\ bờ", "Phường \\\"10\\"]  // the ward import refuses control characters
        var features: [String] = []
        for (i, name) in names.enumerated() {
            let west = 106.640 + Double(i) * 0.005
            features.append("""
                {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[\(west),10.760],[\(west + 0.005),10.760],[\(west + 0.005),10.765],[\(west),10.765],[\(west),10.760]]]},
                 "properties":{"code":"2723\(i)","name":\(FeatureWriterEscapingTests.escaped(name))}}
                """)
        }
        let wards = try r.file("wards.geojson", #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}")
        _ = try AdminImport(store: r.store).importWards(path: wards, options: .init(validFrom: LocalDate(iso: "2000-01-01")!, today: LocalDate(iso: "2026-11-15")!))
        let csv = "code,name,kind,lon,lat\nA1,west,market,106.642,10.762\nA2,east,market,106.647,10.762\nA3,nowhere,market,,\n"
        _ = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("u.csv", csv))
        // As `econgis export` writes them (ward texts read as columns), and as a server page does (ward ids read, and
        // their texts written from the table FeatureWriter.begin makes).
        let exported = try r.export(to: "units.geojson")
        func page(_ format: FeatureWriter.Format) throws -> (path: String, written: Int) {
            let path = r.directory.appendingPathComponent("page.\(format)").path
            let target = try OutputTarget(path: path, overwrite: false)
            var options = FeatureWriter.Options()
            options.format = format
            var writer = FeatureWriter(options, sink: target.sink)
            var wardIds = false
            try FeatureLayers(store: r.store).page(.units, filter: UnitFilter(asOf: .today()), selection: FeatureSelection(), begin: { query, _ in
                wardIds = query.wardIdColumns
                writer.begin(query)
            }) { try writer.write($0) }
            try writer.end()
            try target.finish()
            #expect(wardIds, "a page reads ward ids and names them from WardNames")
            return (path, writer.written)
        }
        // A page as CSV names the wards from their ids too, unescaped but for CSV's quotes.
        let csvText = try String(contentsOfFile: try page(.csv).path, encoding: .utf8)
        for (code, name) in [("27230", names[0]), ("27231", names[1])] {
            #expect(csvText.contains(",\(code),\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\","), "\(csvText)")
        }
        for (path, written) in [exported, try page(.geojson)] {
            #expect(written == 3)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            var wardOf: [String: [String: String]] = [:]
            for feature in json?["features"] as? [[String: Any]] ?? [] {
                let p = feature["properties"] as? [String: Any] ?? [:]
                wardOf[p["code"] as? String ?? "?"] = ["code": p["ward_code"] as? String ?? "null", "name": p["ward_name"] as? String ?? "null"]
            }
            #expect(wardOf["A1"] == ["code": "27230", "name": names[0]], "\(path)")
            #expect(wardOf["A2"] == ["code": "27231", "name": names[1]], "\(path)")
            #expect(wardOf["A3"] == ["code": "null", "name": "null"], "\(path)")
            #expect(text.contains(#""ward_code":null,"ward_name":null"#), "\(path)")
        }
    }
}
