import GRDB

/// The inspections, listed by filter, sorted by any column and paged (a `ListProvider`), from the database's cursor.
public struct InspectionList: ListProvider {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    /// The inspections chosen, in the order of `sorts` (by default their date), the id breaking ties, handed to `body`
    /// one at a time from the database's cursor (memory stays flat however many there are); `page` takes a slice of
    /// them, by offset or after a cursor. Returns the next page's cursor when `page.limit` cut the list short.
    @discardableResult
    public func forEach(_ filter: InspectionFilter, sorts: [Sorting<InspectionSortKey>] = [], page: PageRequest = .all,
                        _ body: (InspectionRecord) throws -> Void) throws -> PageCursor? {
        let sort = KeysetSort(sorts.isEmpty ? [Sorting(InspectionSortKey.date)] : sorts, expression: \.expression, id: "i.id")
        try sort.check(page.after)
        return try store.read { db in
            // One row more than asked tells whether there is a next page.
            let rows = try Row.fetchCursor(db, SQLRequest<Row>(literal: """
                SELECT \(sql: InspectionRecord.columns)\(sort.valueColumns) FROM inspections i JOIN economic_units u ON u.id = i.unit_id
                \(InspectionFilter.whereClause(filter.conditions + [sort.condition(after: page.after)]))
                ORDER BY \(sort.orderBy)\(UnitStatement.limit(page, extra: 1))
                """))
            return try sort.walk(rows, page: page, item: { try InspectionRecord(row: $0) }, id: \.id, body)
        }
    }

    /// How many inspections `forEach` would hand out without a page.
    public func count(_ filter: InspectionFilter) throws -> Int {
        try store.read { db in
            try Int.fetchOne(db, SQLRequest(literal: "SELECT count(*) FROM inspections i JOIN economic_units u ON u.id = i.unit_id \(filter.whereClause)"))!
        }
    }

    public func get(_ id: Int64, _ filter: InspectionFilter) throws -> InspectionRecord? {
        try store.read { db in
            try InspectionRecord.fetchOne(db, SQLRequest<InspectionRecord>(literal: """
                SELECT \(sql: InspectionRecord.columns) FROM inspections i JOIN economic_units u ON u.id = i.unit_id
                \(InspectionFilter.whereClause(filter.conditions + ["i.id = \(id)"]))
                """))
        }
    }
}

/// Which inspections a list holds: by status, unit, the ward of the unit's place on the inspection's own date, and dates.
public struct InspectionFilter: Sendable {
    public var status: [InspectionStatus] = []
    public var unitCode: String?
    /// A ward's code: the inspections of units that lay in the ward of that code in force on the inspection's date (a
    /// unit without a point: its declared ward), as the report places them. Codes were reused across the reforms.
    public var wardCode: String?
    public var from: LocalDate?
    public var to: LocalDate?

    public init(status: [InspectionStatus] = [], unitCode: String? = nil, wardCode: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.status = status
        self.unitCode = unitCode
        self.wardCode = wardCode
        self.from = from
        self.to = to
    }

    /// The WHERE clause on `inspections i JOIN economic_units u`.
    var whereClause: SQL { InspectionFilter.whereClause(conditions) }

    static func whereClause(_ conditions: [SQL]) -> SQL {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    /// The filter's conditions on `inspections i JOIN economic_units u`.
    var conditions: [SQL] {
        var conditions: [SQL] = []
        if !status.isEmpty { conditions.append("i.status IN \(status.map(\.rawValue))") }
        if let unitCode { conditions.append("u.code = \(unitCode)") }
        if let wardCode {
            let onTheDay = SQL(sql: Period.text("a", onColumn: "i.inspected_on"))
            conditions.append("""
                (EXISTS (SELECT 1 FROM unit_wards m JOIN admin_units a ON a.id = m.admin_unit_id
                         WHERE m.unit_id = i.unit_id AND a.level = 'ward' AND a.code = \(wardCode) AND \(onTheDay))
                 OR (u.geom IS NULL AND EXISTS (SELECT 1 FROM admin_units a
                         WHERE a.id = u.declared_ward_id AND a.code = \(wardCode) AND \(onTheDay))))
                """)
        }
        if let from { conditions.append("i.inspected_on >= \(from.description)") }
        if let to { conditions.append("i.inspected_on <= \(to.description)") }
        return conditions
    }
}

/// What an inspection list can be sorted by: its columns; `unit_name` in Vietnamese alphabetical order.
public enum InspectionSortKey: String, CaseIterable, Sendable {
    case id, unit_code, unit_name, date, scopes, status, outcome, team

    /// The key's value on `inspections i JOIN economic_units u`.
    var expression: SQL {
        switch self {
        case .id: "i.id"
        case .unit_code: "u.code"
        case .unit_name: "u.name_key"
        case .date: "i.inspected_on"
        case .scopes: SQL(sql: InspectionRecord.scopes)
        case .status: "i.status"
        case .outcome: "i.outcome"
        case .team: "i.team"
        }
    }
}
