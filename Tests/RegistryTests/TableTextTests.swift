import Foundation
import GeoJSON
import Output
import Testing

/// Tables for people: 120 columns at most, texts wrapped at spaces and never cut, one number of decimals per column;
/// a long list laid out from its first rows and written as it comes.
@Suite struct TableTextTests {
    /// Writes `rows` through a ListWriter as a table; returns the text.
    static func table(_ columns: [String], _ rows: [[JSONValue]]) throws -> String {
        var bytes: [UInt8] = []
        let sink = ByteSink(capacity: 1 << 12) { bytes += $0 }
        var writer = try ListWriter(format: .table, name: "t", columns: columns, sink: sink)
        for row in rows { try writer.write(row) }
        try writer.end()
        return String(decoding: bytes, as: UTF8.self)
    }

    static func row(_ i: Int, name: String? = nil, value: Double? = nil) -> [JSONValue] {
        [.string(String(format: "%010d", i)), .string(name ?? "Cửa hàng tạp hóa số \(i)"), .double(value ?? Double(i % 4) / 4 + 106),
         .string("Số \(i) Đường Bình Thới, Phường 8, Quận 11, Thành phố Hồ Chí Minh")]
    }

    @Test func aLongListKeepsItsFirstRowsLayoutAndFitsTheTerminal() throws {
        let columns = ["code", "name", "lon", "address"]
        // A name far wider than the first rows', and more decimals than theirs, past the rows the layout is made from.
        let long = (0..<40).map { "từ\($0)" }.joined(separator: " ")
        var rows = (0..<(TableText.sampleRows + 500)).map { Self.row($0) }
        rows[TableText.sampleRows + 100] = Self.row(TableText.sampleRows + 100, name: long, value: 106.123456789)
        let text = try Self.table(columns, rows)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.count <= 120 }, "\(lines.map(\.count).max() ?? 0) characters")
        // Every row is there once, and the long name's every word, in order, none cut.
        #expect(rows.indices.allSatisfy { i in text.contains(String(format: "%010d", i)) })
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { $0.hasPrefix("từ") }
        #expect(words.map(String.init) == (0..<40).map { "từ\($0)" })
        // The column of numbers has the first rows' decimals (0, .25, .5, .75: two) in every row, the later one rounded.
        #expect(text.contains(" 106.12 ") || text.contains(" 106.12\n") || text.contains("106.12  "), "\(text.prefix(400))")
        #expect(!text.contains("106.123"))
        #expect(text.contains("106.00") && text.contains("106.25"))
        // A column of codes keeps its width: each code is whole on its line.
        #expect(lines.dropFirst(2).allSatisfy { $0.first == " " || $0.prefix(10).allSatisfy(\.isNumber) })
    }

    /// The crosswalk's table: eight columns of codes and names. Names wrap at spaces, column names after their
    /// underscores, and no code is cut, within 120 characters.
    @Test func codesAreNeverCutAndColumnNamesWrapAfterUnderscores() throws {
        let dates = ["2024-06-01", "2025-03-01", "2026-12-06"]
        let columns = ["code", "name"] + dates.flatMap { ["ward_\($0)", "ward_name_\($0)"] }
        let rows: [[JSONValue]] = (0..<20).map { i in
            [.string("0300341949-0\(10 + i)"), .string("Công ty TNHH Kim Long số \(i)")]
                + dates.flatMap { _ in [JSONValue.string("2722\(i % 10)"), .string("Phường Bình Thới \(i)")] }
        }
        let text = try Self.table(columns, rows)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 120 }, "\(text)")
        for i in 0..<20 { #expect(text.contains("0300341949-0\(10 + i)")) }
        #expect(lines[0].contains("ward_") && lines[1].contains("2024-06-01") && !text.contains("ward_2024-06-0\n"), "\(text.prefix(500))")
    }

    /// Fewer rows than the sample: the table written as it comes is the one laid out from all of them.
    @Test func aShortListIsLaidOutFromAllItsRows() throws {
        let columns = ["code", "name", "lon", "address"]
        let rows = (0..<30).map { Self.row($0, value: 106 + Double($0) / 1e7) }
        let text = try Self.table(columns, rows)
        #expect(text == TableText(columns: columns, rows: rows).render())
        // Seven decimals, as coordinates are written everywhere else.
        #expect(text.contains("106.0000029"), "\(text.prefix(300))")
    }
}
