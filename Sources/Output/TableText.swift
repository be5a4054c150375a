import Foundation
import GeoJSON

/// A table for people: columns as wide as their content up to what a terminal of `width` characters
/// holds; when too wide, the longest texts wrap at spaces (never cut); numbers of one column get the
/// same decimals (at most 7) and align right.
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
        let layout = Layout(columns: columns, sample: rows, width: width)
        var out = layout.header()
        for row in rows { out += layout.lines(row) }
        return out
    }

    /// How many rows of a long list its layout is made from: the rest follow it (`Layout`), so a list of any length
    /// is written as it comes with the memory of these.
    public static let sampleRows = 1_000

    /// Column widths, decimals and alignment, made from the rows at hand. Rows after them are written in the same
    /// layout: a longer text wraps, a number with more decimals is rounded to its column's.
    public struct Layout {
        let columns: [String]
        var widths: [Int]
        var decimals: [Int]
        var numeric: [Bool]

        public init(columns: [String], sample rows: [[JSONValue]], width: Int = 120) {
            self.columns = columns
            let n = columns.count
            // Decimals per column: the most any value needs, at most 7 (as coordinates are written everywhere).
            decimals = [Int](repeating: 0, count: n)
            numeric = [Bool](repeating: true, count: n)
            for row in rows {
                for (i, v) in row.enumerated() {
                    switch v {
                    case .double(let d): decimals[i] = max(decimals[i], TableText.decimals(d))
                    case .int, .null: break
                    default: numeric[i] = false
                    }
                }
            }
            var content = [Int](repeating: 0, count: n)
            var words = [Bool](repeating: false, count: n)
            for row in rows {
                for (i, c) in Layout.cells(row, decimals).enumerated() {
                    content[i] = max(content[i], c.count)
                    if !words[i] && c.contains(" ") { words[i] = true }
                }
            }
            widths = columns.indices.map { max(columns[$0].count, content[$0]) }
            // Shrink the widest columns until the table fits: first those of words (which wrap at spaces, down to 12
            // characters), then the others down to their longest value: a code, a date or a number is never cut. A
            // column's name wraps after its underscores (ward_name_ / 2024-06-01), and is cut only past that.
            let gap = 2
            let namePiece = columns.map { TableText.nameParts($0).map(\.count).max() ?? 0 }
            let least = (0..<n).map { words[$0] ? max(12, namePiece[$0]) : max(content[$0], namePiece[$0]) }
            for onlyWords in [true, false] {
                while widths.reduce(0, +) + gap * (n - 1) > width {
                    guard let widest = widths.indices.filter({ widths[$0] > least[$0] && (words[$0] || !onlyWords) })
                        .max(by: { widths[$0] < widths[$1] }) else { break }
                    widths[widest] -= 1
                }
            }
        }

        static func cells(_ row: [JSONValue], _ decimals: [Int]) -> [String] {
            row.enumerated().map { i, v in
                switch v {
                case .double(let d): String(format: "%.\(decimals[i])f", d)
                case .null: ""
                default: TableText.clean(v.text ?? "")
                }
            }
        }

        /// The column names and the rule under them.
        public func header() -> String {
            guard !columns.isEmpty else { return "" }
            let left = [Bool](repeating: false, count: columns.count)
            return text(columns, numeric: left, names: true) + text(widths.map { String(repeating: "-", count: $0) }, numeric: left)
        }

        /// A row's lines.
        public func lines(_ row: [JSONValue]) -> String {
            guard !columns.isEmpty else { return "" }
            return text(Layout.cells(row, decimals), numeric: numeric)
        }

        private func text(_ items: [String], numeric: [Bool], names: Bool = false) -> String {
            // A number is never broken: one wider than its column (a later row's) pushes the line on.
            let wrapped = items.enumerated().map { i, s in
                names ? TableText.wrapName(s, widths[i]) : numeric[i] ? [s] : TableText.wrap(s, widths[i])
            }
            let height = wrapped.map(\.count).max() ?? 1
            var out = ""
            for k in 0..<height {
                var line = ""
                for i in items.indices {
                    let part = k < wrapped[i].count ? wrapped[i][k] : ""
                    let pad = String(repeating: " ", count: max(0, widths[i] - part.count))
                    line += (i > 0 ? "  " : "") + (numeric[i] ? pad + part : part + pad)
                }
                while line.last == " " { line.removeLast() }
                out += line + "\n"
            }
            return out
        }
    }

    /// A value as a table shows it alone: a number with the decimals it needs, at most 7.
    public static func text(_ v: JSONValue) -> String {
        if case .double(let d) = v { return String(format: "%.\(decimals(d))f", d) }
        return clean(v.text ?? "")
    }

    static func decimals(_ d: Double) -> Int {
        for k in 0...7 {
            let p = pow(10, Double(k))
            if abs((d * p).rounded() - d * p) < 1e-6 { return k }
        }
        return 7
    }

    /// Control characters would move the terminal's cursor or change its colours: shown as U+FFFD.
    static func clean(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map {
            $0.value == 0x0A || $0.value == 0x09 ? " " : ($0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0)) ? "\u{FFFD}" : $0
        }))
    }

    /// A column's name in pieces that end at its underscores: ward_name_2024-06-01 is ward_, name_, 2024-06-01.
    static func nameParts(_ name: String) -> [Substring] {
        name.replacingOccurrences(of: "_", with: "_ ").split(separator: " ")
    }

    /// A column's name in lines of at most `width` characters, broken after underscores where possible.
    static func wrapName(_ name: String, _ width: Int) -> [String] {
        guard name.count > width else { return [name] }
        return wrap(name.replacingOccurrences(of: "_", with: "_ "), width).map { $0.replacingOccurrences(of: "_ ", with: "_") }
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
