import GRDB

/// An inspection as the lifecycle sees it: planned, under way, done, closed or cancelled.
public struct InspectionRecord: Sendable, Hashable, Codable, FetchableRecord {
    public var id: Int64
    public var unitCode: String
    public var unitName: String
    public var inspectedOn: LocalDate
    public var scopes: String
    public var status: InspectionStatus
    public var outcome: String?
    public var team: String?
    public var note: String?
    public var startedOn: LocalDate?
    public var finishedOn: LocalDate?
    public var closedOn: LocalDate?
    public var cancelledOn: LocalDate?
    public var cancelReason: String?
    public var version: Int

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    static let select = "SELECT \(columns) FROM inspections i JOIN economic_units u ON u.id = i.unit_id"
    static let columns = """
        i.id, u.code AS unit_code, u.name AS unit_name, i.inspected_on, \(scopes) AS scopes,
        i.status, i.outcome, i.team, i.note, i.started_on, i.finished_on, i.closed_on, i.cancelled_on, i.cancel_reason, i.version
        """
    /// The inspection's scopes, separated by commas.
    static let scopes = "coalesce((SELECT group_concat(s.scope, ',') FROM inspection_scopes s WHERE s.inspection_id = i.id), i.scope)"
}

/// A measured test as recorded, with the verdict and the rule applied at the time.
public struct RecordedTest: Sendable, Hashable, Codable, FetchableRecord {
    public var id: Int64
    public var instrumentSerial: String?
    public var kind: MeasuredTestKind
    public var measurement: String
    public var verdict: String
    public var error: Double
    public var limitValue: Double
    public var unit: String
    public var ruleCode: String
    public var ruleSource: String
    public var checks: String
    public var note: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// A violation found at an inspection, with its legal basis, proposed fine range and follow-up.
public struct RecordedViolation: Sendable, Hashable, Codable, FetchableRecord {
    public var id: Int64
    public var category: String
    public var description: String?
    public var legalBasis: String?
    public var fineMinVnd: Int?
    public var fineMaxVnd: Int?
    public var penaltyRules: String?
    public var followUp: String?
    public var followUpDue: LocalDate?
    public var resolvedOn: LocalDate?
    public var testId: Int64?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// One inspection with everything recorded in it.
public struct InspectionDetail: Sendable, Hashable {
    public var inspection: InspectionRecord
    public var tests: [RecordedTest]
    public var violations: [RecordedViolation]
    public var seals: [InstrumentSeal]
}

/// A judged test to record: the measurement and verdict as the Inspections layer computed them.
public struct JudgedTest: Sendable {
    public var kind: MeasuredTestKind
    /// The instrument's serial number at the inspected unit, when the test was of one.
    public var instrumentSerial: String?
    /// The measurement's inputs as JSON, kept as given.
    public var measurement: String
    public var passed: Bool
    public var error: Double
    public var limit: Double
    public var unit: String
    public var ruleCode: String
    public var ruleSource: String
    /// Every check as JSON.
    public var checks: String
    /// The violation categories of the failed checks, each with what was found.
    public var failures: [(category: String, description: String)]
    public var note: String?

    public init(kind: MeasuredTestKind, instrumentSerial: String?, measurement: String, passed: Bool, error: Double, limit: Double,
                unit: String, ruleCode: String, ruleSource: String, checks: String, failures: [(category: String, description: String)],
                note: String?) {
        self.kind = kind
        self.instrumentSerial = instrumentSerial
        self.measurement = measurement
        self.passed = passed
        self.error = error
        self.limit = limit
        self.unit = unit
        self.ruleCode = ruleCode
        self.ruleSource = ruleSource
        self.checks = checks
        self.failures = failures
        self.note = note
    }
}

/// An inspection to plan: whom, when, what it looks at and who goes.
public struct PlannedInspection: Sendable, Hashable {
    public var unitCode: String
    public var date: LocalDate
    public var scopes: [InspectionScope]
    public var team: String?
    public var note: String?

    public init(unitCode: String, date: LocalDate, scopes: [InspectionScope], team: String? = nil, note: String? = nil) {
        self.unitCode = unitCode
        self.date = date
        self.scopes = scopes
        self.team = team
        self.note = note
    }
}
