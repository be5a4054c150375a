import Foundation
import GRDB
import Testing
@testable import Registry

/// The CSV reader keeps a record's fields as bytes and makes Strings of the columns an import keeps:
/// what it reads must still be RFC 4180 as written, through a real import into a temporary registry.
@Suite struct CSVReadingTests {
    /// Quoted fields holding the separator, line breaks and doubled quotes; a BOM; CRLF line ends; empty
    /// trailing fields. The values stored are the ones written, and lines after a quoted line break are
    /// still named by the line they start on.
    @Test func quotedFieldsBOMCRLFAndEmptyTrailingFieldsImportAsWritten() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let rows = [
            "\u{FEFF}code,name,kind,owner,address,lon,lat,registered_on,status",
            "0100233488,\"Công ty \"\"A\"\", chi nhánh\",enterprise,\"Trần \"\"Ba\"\"\",\"12 Lạc Long Quân\r\nPhường 5\",106.642,10.762,2024-01-10,active",
            "0100233495,Công ty B,enterprise,,,106.643,10.762,,",  // line 4: the quoted line break above took line 3
            "0100233487,Công ty C,enterprise,,,106.643,10.762,,",  // line 5: a bad check digit
            "0100233505,\"\",enterprise,,,,,,",  // no name: refused, line 6
            "0100233512,\"Công ty D\",enterprise,,,106.644,10.763,\"\",\"\"",
        ]
        let file = try r.file("quoted.csv", rows.joined(separator: "\r\n") + "\r\n")
        let report = try Importer(store: r.store, now: Date()).importUnits(path: file, options: ImportOptions(skipInvalid: true))
        #expect(report.inserted == 3 && report.rejected == 2, "\(report.errors)")
        #expect(report.errors.map(\.location.line) == [5, 6], "\(report.errors)")
        #expect(report.errors.map(\.field) == ["code", "name"])
        let stored = try r.store.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, owner, address, status, registered_on FROM economic_units ORDER BY code")
                .map { [$0[0], $0[1], $0[2], $0[3], $0[4], $0[5]] as [String?] }
        }
        #expect(stored == [
            ["0100233488", "Công ty \"A\", chi nhánh", "Trần \"Ba\"", "12 Lạc Long Quân Phường 5", "active", "2024-01-10"],
            ["0100233495", "Công ty B", nil, nil, "active", nil],
            ["0100233512", "Công ty D", nil, nil, "active", nil],
        ])
    }

    /// The reader takes the file in 1 MiB chunks: a quoted field with doubled quotes and a separator
    /// across a chunk's end reads as one value.
    @Test func quotedFieldsAcrossTheReadersChunksImportWhole() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let padding = String(repeating: "x", count: 180)
        func row(_ i: Int, extra: Int = 0) -> String {
            "M\(i),\"Chợ \"\"\(i)\"\", \(padding)\(String(repeating: "x", count: extra))\",market,106.643,10.762\n"
        }
        // The byte spans of the quoted names, then the first row made longer until a name holds the chunk's end.
        let header = "code,name,kind,lon,lat\n"
        var names: [Range<Int>] = []
        var length = header.utf8.count
        var i = 0
        while length < (1 << 20) + 1000 {
            let r = row(i)
            let open = length + "M\(i),".utf8.count
            names.append(open..<(length + r.utf8.count - ",market,106.643,10.762\n".utf8.count))
            length += r.utf8.count
            i += 1
        }
        let extra = try #require((0..<400).first { e in names.contains { $0.lowerBound + e < 1 << 20 && 1 << 20 < $0.upperBound + e - 1 } })
        let text = header + row(0, extra: extra) + (1..<i).map { row($0) }.joined()
        let report = try Importer(store: r.store, now: Date()).importUnits(path: try r.file("big.csv", text))
        #expect(report.inserted == i, "\(report.errors)")
        let odd = try r.store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM economic_units WHERE name <> 'Chợ "' || substr(code, 2) || '", ' || ? || CASE code WHEN 'M0' THEN ? ELSE '' END
                """, arguments: [padding, String(repeating: "x", count: extra)])
        }
        #expect(odd == 0)
    }

    /// A field that is not UTF-8 stops the import naming its line, field and column; nothing is written.
    /// In a column the import ignores too: it was read, and a rejects file would copy it.
    @Test(arguments: [(column: 2, name: "name"), (column: 4, name: "remark")])
    func aFieldThatIsNotUTF8IsNamedAndNothingIsWritten(column: Int, name: String) throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        var bytes = Array("code,name,kind,remark\nM1,Chợ A,market,ok\n".utf8)
        var row = ["M2", "Chợ B", "market", "ok"].map { Array($0.utf8) }
        row[column - 1] += [0xC3, 0x28]  // a lead byte without its continuation
        bytes += Array(row.joined(separator: [0x2C])) + [0x0A]
        let path = r.directory.appendingPathComponent("latin.csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect {
            try Importer(store: r.store, now: Date()).importUnits(path: path)
        } throws: { error in
            "\(error)".contains("line 3, field \(column) (\(name)): not valid UTF-8")
        }
        #expect(try r.count("economic_units") == 0)
    }
}
