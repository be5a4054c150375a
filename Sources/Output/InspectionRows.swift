import GeoJSON
import Registry

/// How inspections print: list rows, and one inspection with its tests and violations.
public enum InspectionRows {
    public static let columns = ["id", "unit_code", "unit_name", "date", "scopes", "status", "outcome", "team"]

    public static func row(_ r: InspectionRecord) -> [JSONValue] {
        [.int(Int(r.id)), .string(r.unitCode), .string(r.unitName), .string(r.inspectedOn.description), .string(r.scopes),
         .string(r.status.rawValue), r.outcome.map(JSONValue.string) ?? .null, r.team.map(JSONValue.string) ?? .null]
    }

    public static func json(_ d: InspectionDetail) -> JSONValue {
        let i = d.inspection
        func s(_ x: String?) -> JSONValue { x.map(JSONValue.string) ?? .null }
        func n(_ x: Int?) -> JSONValue { x.map(JSONValue.int) ?? .null }
        let tests: [JSONValue] = d.tests.map { t in
            .object([("id", .int(Int(t.id))), ("kind", .string(t.kind.rawValue)), ("instrument", s(t.instrumentSerial)),
                     ("verdict", .string(t.verdict)), ("error", .double(t.error)), ("limit", .double(t.limitValue)), ("unit", .string(t.unit)),
                     ("rule", .string(t.ruleCode)), ("source", .string(t.ruleSource)),
                     ("measurement", (try? JSONText.decode(Array(t.measurement.utf8))) ?? .string(t.measurement))])
        }
        let violations: [JSONValue] = d.violations.map { v in
            .object([("id", .int(Int(v.id))), ("category", .string(v.category)), ("description", s(v.description)),
                     ("legal_basis", s(v.legalBasis)), ("fine_min_vnd", n(v.fineMinVnd)), ("fine_max_vnd", n(v.fineMaxVnd)),
                     ("penalty_rules", s(v.penaltyRules)), ("follow_up", s(v.followUp)), ("follow_up_due", s(v.followUpDue?.description)),
                     ("resolved_on", s(v.resolvedOn?.description))])
        }
        let seals: [JSONValue] = d.seals.map { x in
            .object([("id", .int(Int(x.id))), ("instrument", .string(x.instrumentSerial)), ("sealed_on", .string(x.sealedOn.description)),
                     ("reason", .string(x.reason)), ("released_on", s(x.releasedOn?.description)), ("release_note", s(x.releaseNote))])
        }
        return .object(zip(columns, row(i)).map { ($0, $1) } + [
            ("started_on", s(i.startedOn?.description)), ("finished_on", s(i.finishedOn?.description)), ("closed_on", s(i.closedOn?.description)),
            ("cancelled_on", s(i.cancelledOn?.description)), ("cancel_reason", s(i.cancelReason)), ("note", s(i.note)),
            ("tests", .array(tests)), ("violations", .array(violations)), ("seals", .array(seals)),
        ])
    }

    public static func text(_ d: InspectionDetail) -> String {
        let i = d.inspection
        var out = "inspection \(i.id): \(i.unitCode) \(i.unitName), \(i.inspectedOn), \(i.status.rawValue)\(i.outcome.map { ", \($0)" } ?? "")\n"
        out += "  scopes: \(i.scopes)\(i.team.map { "; team: \($0)" } ?? "")\n"
        if let r = i.cancelReason { out += "  cancelled on \(i.cancelledOn?.description ?? "?"): \(r)\n" }
        for t in d.tests {
            out += "  test \(t.id) \(t.kind.rawValue)\(t.instrumentSerial.map { " on \($0)" } ?? ""): \(t.verdict.uppercased()), "
                + "error \(InspectionRows.shown(t.error)) \(t.unit), limit \(InspectionRows.shown(t.limitValue)) \(t.unit) (\(t.ruleCode))\n"
        }
        for v in d.violations {
            let fine = v.fineMinVnd.flatMap { lo in v.fineMaxVnd.map { "\(lo)-\($0) VND" } } ?? "fine not in penalty_rules"
            out += "  violation \(v.id) \(v.category): \(v.legalBasis ?? "legal basis unknown"); \(fine)"
                + "\(v.followUpDue.map { "; re-inspection by \($0)" } ?? "")\(v.resolvedOn.map { "; resolved \($0)" } ?? "")\n"
        }
        for x in d.seals {
            out += "  seal \(x.id) on \(x.instrumentSerial) since \(x.sealedOn): \(x.reason)"
                + "\(x.releasedOn.map { "; released \($0)" } ?? "; not to be used")\(x.releaseNote.map { " (\($0))" } ?? "")\n"
        }
        return out
    }

    /// A measurement as people read it: to the millionth, without a decimal point when whole.
    public static func shown(_ x: Double) -> String {
        let r = (x * 1e6).rounded() / 1e6
        return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
    }
}
