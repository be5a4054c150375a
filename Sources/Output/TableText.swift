import Foundation
import GeoJSON

/// A table for people: columns as wide as their content up to what a terminal of `width` characters
/// holds; when too wide, the longest texts wrap at spaces (never cut); numbers of one column get the
/// same decimals and align right.
public struct TableText {
    public var columns: [String]
    public var rows: [[JSONValue]]
    public var width: Int

    public init(columns: [String], rows: [[JSONValue]], width: Int = 120) {
        self.columns = columns
        self.rows = rows
        self.width = width
    }

    public func render() -> String {
        let n = columns.count
        guard n > 0 else { return "" }
        // Decimals per column: the most any value needs, at most 6.
        var decimals = [Int](repeating: 0, count: n)
        var numeric = [Bool](repeating: true, count: n)
        for row in rows {
            for (i, v) in row.enumerated() {
                switch v {
                case .double(let d): decimals[i] = max(decimals[i], TableText.decimals(d))
                case .int, .null: break
                default: numeric[i] = false
                }
            }
        }
        let cells: [[String]] = rows.map { row in
            row.enumerated().map { i, v in
                switch v {
                case .double(let d): String(format: "%.\(decimals[i])f", d)
                case .null: ""
                default: TableText.clean(v.text ?? "")
                }
            }
        }
        var widths = columns.map(\.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        // Shrink the widest columns of words (to no less than 12 characters) until the table fits;
        // codes and dates (no spaces) keep their width unless nothing else can give.
        let gap = 2
        let words = (0..<n).map { i in cells.contains { $0[i].contains(" ") } }
        for onlyWords in [true, false] {
            while widths.reduce(0, +) + gap * (n - 1) > width {
                guard let widest = widths.indices.filter({ widths[$0] > 12 && !numeric[$0] && (words[$0] || !onlyWords) })
                    .max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
            }
        }
        func lines(_ items: [String], numeric: [Bool]) -> String {
            let wrapped = items.enumerated().map { i, s in TableText.wrap(s, widths[i]) }
            let height = wrapped.map(\.count).max() ?? 1
            var out = ""
            for k in 0..<height {
                var line = ""
                for i in 0..<n {
                    let part = k < wrapped[i].count ? wrapped[i][k] : ""
                    let pad = String(repeating: " ", count: max(0, widths[i] - part.count))
                    line += (i > 0 ? "  " : "") + (numeric[i] ? pad + part : part + pad)
                }
                while line.last == " " { line.removeLast() }
                out += line + "\n"
            }
            return out
        }
        var out = lines(columns, numeric: [Bool](repeating: false, count: n))
        out += lines(widths.map { String(repeating: "-", count: $0) }, numeric: [Bool](repeating: false, count: n))
        for row in cells { out += lines(row, numeric: numeric) }
        return out
    }

    static func decimals(_ d: Double) -> Int {
        for k in 0...6 {
            let p = pow(10, Double(k))
            if abs((d * p).rounded() - d * p) < 1e-6 { return k }
        }
        return 6
    }

    /// Control characters would move the terminal's cursor or change its colours: shown as U+FFFD.
    static func clean(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map {
            $0.value == 0x0A || $0.value == 0x09 ? " " : ($0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0)) ? "\u{FFFD}" : $0
        }))
    }

    /// `s` in lines of at most `width` characters, broken at spaces where possible.
    static func wrap(_ s: String, _ width: Int) -> [String] {
        guard s.count > width, width > 0 else { return [s] }
        var lines: [String] = []
        var current = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: false) {
            var word = Substring(word)
            while word.count > width {  // a word longer than the column: split it
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            if current.isEmpty { current = String(word) } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
