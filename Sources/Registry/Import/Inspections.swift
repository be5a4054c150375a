import Foundation
import GRDB

/// One line of an inspection record: the inspection of a unit on a day for one scope, and at most one
/// violation found in it. Several violations of one inspection are several lines with the same unit,
/// date and scope.
public struct InspectionDraft: Sendable {
    /// The scopes an inspection is planned with (InspectionScope), and `general` for several at once.
    public enum Scope: String, CaseIterable, Sendable { case metrology, labels, prices, conformity, quality, quantity, origin, general }

    public var unitCode: String
    public var inspectedOn: LocalDate
    public var scope: Scope
    public var outcome: String
    public var team: String?
    public var note: String?
    public var violation: String?
    public var description: String?
    public var fineVND: Int?
    public var followUp: String?
    public var followUpDue: LocalDate?
    public var resolvedOn: LocalDate?
}

public enum InspectionValidation {
    /// The largest proposed fine read: far above any administrative fine, and small enough that a report's sums
    /// cannot overflow.
    static let largestFine = 1_000_000_000_000

    /// An amount in đồng: digits, or digits grouped by thousands with one separator (5.000.000, 5,000,000,
    /// 5 000 000), at most `largestFine`; nil otherwise ("1.5" is not 15 đồng).
    static func amount(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let separators = Set(t.filter { !$0.isASCII || !$0.isNumber })
        var digits = t
        if let separator = separators.first {
            let groups = t.split(separator: separator, omittingEmptySubsequences: false)
            guard separators.count == 1, [".", ",", " "].contains(separator), (1...3).contains(groups[0].count),
                  groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            digits = groups.joined()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(digits), v <= largestFine else { return nil }
        return v
    }
    static let scopeAliases: [String: InspectionDraft.Scope] = [
        "do_luong": .metrology, "phuong_tien_do": .metrology, "nhan": .labels, "nhan_hang_hoa": .labels, "gia": .prices,
        "niem_yet_gia": .prices, "chat_luong": .quality, "dinh_luong": .quantity, "luong_hang": .quantity,
        "nguon_goc": .origin, "xuat_xu": .origin, "su_phu_hop": .conformity, "phu_hop": .conformity, "hop_quy": .conformity,
        "chung": .general,
    ]

    public static func validate(_ record: ImportRecord, context: ValidationContext) -> (InspectionDraft?, [ValidationIssue]) {
        var c = FieldChecks(location: record.location)
        if let parseError = record.given("__error") {
            c.error(record.given("__field") ?? "(feature)", record.given("__value"), parseError)
            return (nil, c.issues)
        }
        c.refuseControlCharacters(record)
        let unitCode = c.unitReference(record, role: "inspected")
        let date = c.date(record, "inspected_on", notAfter: context.today)
        if record["inspected_on"] == nil { c.error("inspected_on", nil, "the date of the inspection, YYYY-MM-DD") }
        let scopes = InspectionDraft.Scope.allCases.map(\.rawValue).joined(separator: ", ")
        // Scope and outcome are never guessed (only a violation category implies "violation"): a line
        // without them would read as a general, compliant inspection and lower the unit's priority.
        var scope = InspectionDraft.Scope.general
        if let raw = record["scope"] {
            let key = VietnameseText.fieldKey(raw)
            if let s = InspectionDraft.Scope(rawValue: key) ?? scopeAliases[key] { scope = s } else {
                c.error("scope", raw, "one of \(scopes)")
            }
        } else {
            c.error("scope", nil, "what was inspected: one of \(scopes)")
        }
        var violation: String?
        if let raw = record["violation"] {
            violation = context.violationCategories[VietnameseText.fieldKey(raw)]
            if violation == nil {
                let known = Set(context.violationCategories.values).sorted().joined(separator: ", ")
                c.error("violation", raw, "a category from violation_categories: \(known)")
            }
        }
        var outcome = violation == nil ? "compliant" : "violation"
        if let raw = record["outcome"] {
            switch VietnameseText.fieldKey(raw) {
            case "compliant", "ok", "dat", "khong_vi_pham": outcome = "compliant"
            case "violation", "vi_pham", "khong_dat": outcome = "violation"
            default: c.error("outcome", raw, "compliant or violation (đạt / vi phạm)")
            }
        } else if violation == nil && record["violation"] == nil {  // a violation category says "violation" by itself
            c.error("outcome", nil, "the result: compliant or violation (đạt / vi phạm)")
        }
        if outcome == "compliant" && violation != nil {
            c.error("outcome", record["outcome"], "violation, since a violation category is given")
        }
        var fine: Int?
        if let raw = record["fine_vnd"] {
            if let v = InspectionValidation.amount(raw) { fine = v } else {
                c.error("fine_vnd", raw, "a whole amount in đồng up to \(InspectionValidation.largestFine), plain or grouped by thousands, e.g. 5000000 or 5.000.000")
            }
            if violation == nil { c.error("fine_vnd", raw, "a violation category for the fine") }
        }
        let followUpDue = c.date(record, "follow_up_due", notAfter: nil)
        let resolvedOn = c.date(record, "resolved_on", notAfter: context.today)
        if let d = date, let r = resolvedOn, r < d { c.error("resolved_on", r.description, "a date on or after inspected_on (\(d))") }
        if let d = date, let f = followUpDue, f < d { c.error("follow_up_due", f.description, "a date on or after inspected_on (\(d))") }
        if violation == nil, record["follow_up"] != nil || followUpDue != nil || resolvedOn != nil {
            c.error("violation", nil, "a violation category for follow_up, follow_up_due and resolved_on")
        }
        let team = c.text(record, "team", max: 120)
        let note = c.text(record, "note", max: 1000)
        let description = c.text(record, "description", max: 1000)
        let followUp = c.text(record, "follow_up", max: 300)
        guard !c.hasErrors, let unitCode, let date else { return (nil, c.issues) }
        return (InspectionDraft(unitCode: unitCode, inspectedOn: date, scope: scope, outcome: outcome, team: team, note: note,
                                violation: violation, description: description, fineVND: fine, followUp: followUp,
                                followUpDue: followUpDue, resolvedOn: resolvedOn), c.issues)
    }
}

/// Upserts inspections by (unit, date, scope) and their violations by (inspection, category). A line for a unit and
/// day with an inspection still planned or under way, or cancelled for that scope, is refused: it is not a record.
/// Lines of one inspection must agree on its outcome: a compliant line and a violation line for the
/// same unit, date and scope are refused, as is a compliant line for an inspection the registry
/// already records as a violation.
final class InspectionWriter {
    struct OutcomeConflict: RecordRejection {
        let value: String?
        let earlier: String
        var field: String { "outcome" }
        var expected: String { "the same outcome as \(earlier) for this unit, date and scope (one inspection)" }
    }

    /// An inspection dated before its unit was registered (the ledger refuses one; an import stored it).
    struct BeforeRegistration: RecordRejection {
        let value: String?
        let unitCode: String
        let registeredOn: String
        var field: String { "inspected_on" }
        var expected: String { "a date on or after \(registeredOn), when unit \(unitCode) was registered" }
    }

    static let registeredSQL = "SELECT registered_on FROM economic_units WHERE id = ?"

    /// A finished inspection's line for a unit and day the registry holds as work not done: an inspection planned or
    /// under way that day (its results are recorded in it), or a cancelled one of the same scope.
    struct UnfinishedClash: RecordRejection {
        let value: String?
        let unitCode: String
        let inspectionId: Int64
        let status: String
        let scope: String
        var field: String { "inspected_on" }
        var expected: String {
            status == "cancelled"
                ? "a day without a cancelled \(scope) inspection of unit \(unitCode) (inspection \(inspectionId) was cancelled that day)"
                : "a day without an inspection of unit \(unitCode) that is still work (inspection \(inspectionId) that day is \(status); "
                    + "record its results in it, or cancel it first)"
        }
    }

    let db: Database
    let now: String
    /// The outcome each inspection got from this operation's lines.
    private var outcomes: [String: String] = [:]

    init(db: Database, now: String) {
        self.db = db
        self.now = now
    }

    static let upsertInspectionSQL = """
        INSERT INTO inspections (unit_id, inspected_on, scope, outcome, team, note, created_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        ON CONFLICT (unit_id, inspected_on, scope) DO UPDATE SET
          outcome = CASE WHEN outcome = 'violation' OR excluded.outcome = 'violation' THEN 'violation' ELSE 'compliant' END,
          team = coalesce(excluded.team, team), note = coalesce(excluded.note, note)
        WHERE outcome IS NOT (CASE WHEN outcome = 'violation' OR excluded.outcome = 'violation' THEN 'violation' ELSE 'compliant' END)
          OR team IS NOT coalesce(excluded.team, team) OR note IS NOT coalesce(excluded.note, note)
        RETURNING id
        """
    static let findSQL = "SELECT id, outcome FROM inspections WHERE unit_id = ? AND inspected_on = ? AND scope = ?"
    static let unfinishedSQL = """
        SELECT id, status, scope FROM inspections
        WHERE unit_id = ?1 AND inspected_on = ?2 AND (status IN ('planned', 'in_progress') OR (status = 'cancelled' AND scope = ?3))
        ORDER BY id LIMIT 1
        """
    static let upsertViolationSQL = """
        INSERT INTO violations (inspection_id, category, description, fine_vnd, follow_up, follow_up_due, resolved_on, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (inspection_id, category) DO UPDATE SET
          description = excluded.description, fine_vnd = excluded.fine_vnd, follow_up = excluded.follow_up,
          follow_up_due = excluded.follow_up_due, resolved_on = excluded.resolved_on
        WHERE description IS NOT excluded.description OR fine_vnd IS NOT excluded.fine_vnd OR follow_up IS NOT excluded.follow_up
          OR follow_up_due IS NOT excluded.follow_up_due OR resolved_on IS NOT excluded.resolved_on
        """

    func upsert(_ d: InspectionDraft) throws -> UnitWriter.Outcome {
        let unitId = try UnitReference.id(db, code: d.unitCode)
        if let registered = try String.fetchOne(db.cachedStatement(sql: InspectionWriter.registeredSQL), arguments: [unitId]),
           d.inspectedOn.description < registered {
            throw BeforeRegistration(value: d.inspectedOn.description, unitCode: d.unitCode, registeredOn: registered)
        }
        if let clash = try Row.fetchOne(db.cachedStatement(sql: InspectionWriter.unfinishedSQL),
                                        arguments: [unitId, d.inspectedOn.description, d.scope.rawValue]) {
            throw UnfinishedClash(value: d.inspectedOn.description, unitCode: d.unitCode, inspectionId: clash["id"],
                                  status: clash["status"], scope: clash["scope"])
        }
        let found = try Row.fetchOne(db.cachedStatement(sql: InspectionWriter.findSQL),
                                     arguments: [unitId, d.inspectedOn.description, d.scope.rawValue])
        let stored: String? = found?["outcome"]
        let key = "\(unitId) \(d.inspectedOn) \(d.scope.rawValue)"
        if let earlier = outcomes[key], earlier != d.outcome {
            throw OutcomeConflict(value: d.outcome, earlier: "an earlier line of the file (\(earlier))")
        }
        if outcomes[key] == nil, stored == "violation", d.outcome == "compliant" {
            throw OutcomeConflict(value: d.outcome, earlier: "the registry, which records a violation")
        }
        outcomes[key] = d.outcome
        // Both upserts write only what differs: the same line imported again changes nothing and says so.
        let written = try Int64.fetchOne(db.cachedStatement(sql: InspectionWriter.upsertInspectionSQL), arguments: [
            unitId, d.inspectedOn.description, d.scope.rawValue, d.outcome, d.team, d.note, now,
        ])
        guard let inspectionId = written ?? found?["id"] else { throw DatabaseError(message: "the inspection was neither written nor found") }
        var changed = written != nil
        if let category = d.violation {
            try db.cachedStatement(sql: InspectionWriter.upsertViolationSQL).execute(arguments: [
                inspectionId, category, d.description, d.fineVND, d.followUp, d.followUpDue?.description,
                d.resolvedOn?.description, now,
            ])
            changed = changed || db.changesCount > 0
        }
        return found == nil ? .inserted : changed ? .updated : .unchanged
    }
}
