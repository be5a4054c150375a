import Foundation
import Registry

/// The report as one printable A4 page: the table (amounts in million đồng), violations by kind as a category ×
/// group grid, and per field a bar chart of the inspections in each ward (the part with violations in red), three
/// charts to a row. Inline SVG, no scripts, no external files.
public enum ReportHTML {
    public static func page(_ report: InspectionReport, byWardAndField: InspectionReport) -> String {
        // Amounts are in M VND (said once above the table), so the headings stay short enough for A4.
        let headings = ReportRows.columns(report.grouping).map { name in
            name.hasSuffix("_vnd") ? String(name.dropLast(4)) : name
        }
        var html = """
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><title>Inspection report \(escape(report.period.label))</title>
            <style>@page{size:A4 portrait;margin:10mm}body{font:9px sans-serif;margin:10mm;max-width:190mm}
            @media print{body{margin:0}}h1{font-size:16px;margin:0 0 2px}h2{font-size:11px;margin:10px 0 3px}
            h3{font-size:9px;margin:0 0 2px}p{margin:0 0 4px}table{border-collapse:collapse;width:100%}
            th,td{border:1px solid #aaa;padding:1px 2px}th{font-size:8px;font-weight:600;background:#f0f0f0;vertical-align:bottom}
            td{white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:600;border-top:2px solid #555}
            .charts{display:grid;grid-template-columns:repeat(3,1fr);gap:6px 10px}.chart{break-inside:avoid}
            .key{display:inline-block;width:8px;height:8px;margin:0 2px 0 8px}</style></head><body>
            <h1>Inspections \(escape(report.period.label))</h1>
            <p>\(report.period.from) to \(report.period.to): \(report.total.inspections) inspections of \(report.total.units) units,
            \(report.total.violations) violations; by \(report.grouping.rawValue). Amounts in million đồng (M VND).</p>
            <table><tr>
            """
        html += headings.map { "<th>\(escape($0.replacingOccurrences(of: "_", with: " ")))</th>" }.joined() + "</tr>\n"
        for r in report.rows + [report.total] {
            let cells = zip(ReportRows.counts, ReportRows.numbers(r)).map { name, n in
                "<td class=\"n\">\(name.hasSuffix("_vnd") ? millions(n) : grouped(n))</td>"
            }
            html += "<tr\(r.group == "total" ? " class=\"total\"" : "")><td>\(escape(r.group))</td>" + cells.joined() + "</tr>\n"
        }
        html += "</table>\n" + kinds(report)
        html += "<h2>Inspections by ward, per field<span class=\"key\" style=\"background:#9ecae1\"></span>inspections"
            + "<span class=\"key\" style=\"background:#de2d26\"></span>with violations</h2>\n<div class=\"charts\">\n"
        var byField: [String: [ReportRow]] = [:]
        for r in byWardAndField.rows {
            let parts = r.group.components(separatedBy: " | ")
            var row = r
            row.group = parts[0]
            byField[parts.last ?? "", default: []].append(row)
        }
        for field in byField.keys.sorted() { html += chart(field, byField[field]!) }
        return html + "</div></body></html>\n"
    }

    /// Violations by kind: a row per category, a column per group (a ward by its code), and the total.
    static func kinds(_ report: InspectionReport) -> String {
        let groups = report.rows.map(\.group)
        var counts: [String: [String: Int]] = [:]
        for k in report.violationsByKind { counts[k.category, default: [:]][k.group] = k.count }
        let categories = counts.keys.sorted { (counts[$0]!.values.reduce(0, +), $1) > (counts[$1]!.values.reduce(0, +), $0) }
        // A ward's code on one line, its name under it ("Phường" shortened): codes are reused across reforms.
        func heading(_ group: String) -> String {
            guard report.grouping == .ward, let space = group.firstIndex(of: " ") else { return escape(group) }
            let name = group[group.index(after: space)...].replacingOccurrences(of: "Phường ", with: "P. ")
            return escape(String(group[..<space])) + "<br>" + escape(name)
        }
        var html = "<h2>Violations by kind</h2>\n<table><tr><th>category</th>"
            + groups.map { "<th>\(heading($0))</th>" }.joined() + "<th>total</th></tr>\n"
        for c in categories {
            let row = counts[c]!
            html += "<tr><td>\(escape(c.replacingOccurrences(of: "_", with: " ")))</td>"
                + groups.map { "<td class=\"n\">\(row[$0].map(String.init) ?? "")</td>" }.joined()
                + "<td class=\"n\">\(row.values.reduce(0, +))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Horizontal bars: one per ward, length the inspections, the red part those with violations.
    static func chart(_ field: String, _ rows: [ReportRow]) -> String {
        let top = max(1, rows.map(\.inspections).max() ?? 1)
        let label = 120.0, width = 90.0, bar = 10.0
        var svg = "<div class=\"chart\"><h3>\(escape(field))</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(label + width + 28))\" height=\"\(Int(Double(rows.count) * (bar + 3) + 2))\">\n"
        for (i, r) in rows.enumerated() {
            let y = Double(i) * (bar + 3) + 1
            let all = width * Double(r.inspections) / Double(top), bad = width * Double(r.withViolations) / Double(top)
            svg += "<text x=\"0\" y=\"\(y + bar - 2)\" font-size=\"8\">\(escape(r.group))</text>"
            svg += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(all)\" height=\"\(bar)\" fill=\"#9ecae1\"/>"
            svg += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(bad)\" height=\"\(bar)\" fill=\"#de2d26\"/>"
            svg += "<text x=\"\(label + all + 3)\" y=\"\(y + bar - 2)\" font-size=\"8\">\(r.inspections)</text>\n"
        }
        return svg + "</svg></div>\n"
    }

    /// 1 234 567 (thin spaces, as Vietnamese print groups thousands without a comma that could read as decimals).
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{202F}" }
            out.append(c)
        }
        return (n < 0 ? "−" : "") + out
    }

    /// Đồng as millions, exactly: 232, 1.25 or 0.02 (every đồng shows, up to six decimals), whole millions grouped.
    static func millions(_ vnd: Int) -> String {
        let whole = grouped(vnd / 1_000_000)
        let rest = (vnd % 1_000_000).magnitude
        guard rest != 0 else { return whole }
        var decimals = String(rest)
        decimals = String(repeating: "0", count: 6 - decimals.count) + decimals
        while decimals.hasSuffix("0") { decimals.removeLast() }
        return (vnd < 0 && vnd / 1_000_000 == 0 ? "−" : "") + whole + "." + decimals
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
