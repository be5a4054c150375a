import Foundation
import Registry

/// The report as one printable HTML page: the table, violations by kind, and per field a bar chart of the
/// inspections in each ward (the part with violations darker). Inline SVG, no scripts, no external files.
enum ReportHTML {
    static func page(_ report: InspectionReport, byWardAndField: InspectionReport) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><title>Inspection report \(escape(report.period.label))</title>
            <style>body{font:12px sans-serif;margin:1.5cm}table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #999;padding:2px 5px}
            td.n{text-align:right}h2{margin-top:18px}.chart{display:inline-block;margin:6px 18px 6px 0;vertical-align:top}
            @media print{.chart{page-break-inside:avoid}}</style></head><body>
            <h1>Inspections \(escape(report.period.label))</h1>
            <p>\(report.period.from) to \(report.period.to): \(report.total.inspections) inspections of \(report.total.units) units,
            \(report.total.violations) violations; by \(report.grouping.rawValue).</p>
            <table><tr>
            """
        html += ReportRows.columns(report.grouping).map { "<th>\(escape($0.replacingOccurrences(of: "_", with: " ")))</th>" }.joined() + "</tr>\n"
        for r in report.rows + [report.total] {
            html += "<tr><td>\(escape(r.group))</td>" + ReportRows.numbers(r).map { "<td class=\"n\">\($0)</td>" }.joined() + "</tr>\n"
        }
        html += "</table>\n<h2>Violations by kind</h2>\n<table><tr><th>\(report.grouping.rawValue)</th><th>category</th><th>count</th></tr>\n"
        for k in report.violationsByKind {
            html += "<tr><td>\(escape(k.group))</td><td>\(escape(k.category))</td><td class=\"n\">\(k.count)</td></tr>\n"
        }
        html += "</table>\n<h2>Inspections by ward, per field</h2>\n"
        var byField: [String: [ReportRow]] = [:]
        for r in byWardAndField.rows {
            let parts = r.group.components(separatedBy: " | ")
            var row = r
            row.group = parts[0]
            byField[parts.last ?? "", default: []].append(row)
        }
        for field in byField.keys.sorted() { html += chart(field, byField[field]!) }
        return html + "</body></html>\n"
    }

    /// Horizontal bars: one per ward, length the inspections, the darker part those with violations.
    static func chart(_ field: String, _ rows: [ReportRow]) -> String {
        let top = max(1, rows.map(\.inspections).max() ?? 1)
        let width = 220.0, label = 170.0, bar = 16.0
        var svg = "<div class=\"chart\"><h3>\(escape(field))</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(label + width + 40))\" height=\"\(Int(Double(rows.count) * (bar + 4) + 4))\">\n"
        for (i, r) in rows.enumerated() {
            let y = Double(i) * (bar + 4) + 2
            let all = width * Double(r.inspections) / Double(top), bad = width * Double(r.withViolations) / Double(top)
            svg += "<text x=\"0\" y=\"\(y + bar - 4)\" font-size=\"11\">\(escape(r.group))</text>"
            svg += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(all)\" height=\"\(bar)\" fill=\"#9ecae1\"/>"
            svg += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(bad)\" height=\"\(bar)\" fill=\"#de2d26\"/>"
            svg += "<text x=\"\(label + all + 4)\" y=\"\(y + bar - 4)\" font-size=\"11\">\(r.inspections)</text>\n"
        }
        return svg + "</svg></div>\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
