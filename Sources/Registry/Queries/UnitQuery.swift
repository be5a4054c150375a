import Foundation
import GRDB
import GeoJSON

/// Filters for listing units. Everything is optional; "by ward" and "existed" are read on `asOf`.
public struct UnitFilter: Sendable {
    public var wardCode: String?
    public var asOf: LocalDate
    /// The day `wardCode` names a ward on, when not `asOf` (codes are reused): a plan takes a ward's units as of one
    /// day and reads their instruments' states on another.
    public var wardCodeOn: LocalDate?
    public var kinds: [UnitKind] = []
    public var statuses: [UnitStatus] = []
    public var vsicPrefix: String?
    public var bbox: BoundingBox?
    public var near: Proximity?
    /// Words, or the beginnings of words, of the name, owner, address or codes, in any order; diacritics and case ignored.
    public var search: String?
    public var flaggedOnly = false
    /// Only units written after this UTC timestamp (ISO 8601, as in `updated_at`).
    public var changedSince: String?

    public init(asOf: LocalDate) { self.asOf = asOf }
}

/// What a unit list can be sorted by: its columns. `distance` needs a `near` filter, `relevance` a search; `ward` is the
/// code of the unit's ward on the list's date (column ward_code), `ward_name` its name; `name` sorts in Vietnamese
/// alphabetical order. NULLs come first ascending and last descending.
public enum UnitSortKey: String, CaseIterable, Sendable {
    case code, name, kind, status, registered_on, updated_at, distance, relevance, ward, ward_name, declared_ward_code,
         address, owner, vsic, market_code, stall_no, ward_flag, version, lon, lat

    /// Whether a unit may have no value: a page after a cursor then needs the keyset condition that keeps NULLs in place.
    var mayBeNull: Bool {
        switch self {
        case .code, .name, .kind, .status, .registered_on, .updated_at, .distance, .relevance, .version: false
        default: true
        }
    }
}

/// A unit in a list: the stored unit, its ward on the as-of date, its distance for `near`, and its
/// wards on the extra dates asked for (the old-to-new crosswalk).
public struct ListedUnit: Sendable {
    public var unit: EconomicUnit
    public var ward: AdminUnit?
    public var distance: Double?
    public var wardsOn: [(date: LocalDate, code: String?, name: String?)] = []
    /// Where the next page starts if this row ends the page.
    public var cursor: PageCursor?
}

/// One page of a list, and where the next one starts (nil on the last page).
public struct ListPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: PageCursor?
}

/// The registry's units, read through one SQL statement per question: filters, sort, keyset or offset
/// paging and counts are the database's work, rows stream through a cursor (a `ListProvider`).
public struct UnitQuery: ListProvider {
    public let store: RegistryStore
    /// Dates on which each listed unit's ward is given too (`ListedUnit.wardsOn`): the old-to-new crosswalk.
    public var wardsOn: [LocalDate]

    public init(store: RegistryStore, wardsOn: [LocalDate] = []) {
        self.store = store
        self.wardsOn = wardsOn
    }

    /// Streams the matching units to `body` in order; returns the cursor of the next page when
    /// `page.limit` cut the list short.
    @discardableResult
    public func forEach(_ filter: UnitFilter, sort: Sorting<UnitSortKey>? = nil, page: PageRequest = .all,
                        _ body: (ListedUnit) throws -> Void) throws -> PageCursor? {
        try forEach(filter, sorts: sort.map { [$0] } ?? [], page: page, body)
    }

    /// The same, sorted by several keys, the first sorting first (see `Sorting.list(parsing:)`).
    @discardableResult
    public func forEach(_ filter: UnitFilter, sorts: [Sorting<UnitSortKey>], page: PageRequest = .all,
                        _ body: (ListedUnit) throws -> Void) throws -> PageCursor? {
        try store.read { db in try forEach(db, filter, sorts: sorts, page: page, wardsOn: wardsOn, body) }
    }

    public func list(_ filter: UnitFilter, sort: Sorting<UnitSortKey>? = nil, page: PageRequest = .all) throws -> ListPage<ListedUnit> {
        try list(filter, sorts: sort.map { [$0] } ?? [], page: page)
    }

    /// How many units match, counted by the database without reading them.
    public func count(_ filter: UnitFilter) throws -> Int {
        try store.read { db in
            let plan = try UnitStatement(db, filter: filter, sort: nil, wardsOn: [])
            return try Int.fetchOne(db, SQLRequest<Int>(literal: plan.countSQL)) ?? 0
        }
    }

    func forEach(_ db: Database, _ filter: UnitFilter, sort: Sorting<UnitSortKey>?, page: PageRequest, wardsOn: [LocalDate],
                 _ body: (ListedUnit) throws -> Void) throws -> PageCursor? {
        try forEach(db, filter, sorts: sort.map { [$0] } ?? [], page: page, wardsOn: wardsOn, body)
    }

    func forEach(_ db: Database, _ filter: UnitFilter, sorts: [Sorting<UnitSortKey>], page: PageRequest, wardsOn: [LocalDate],
                 _ body: (ListedUnit) throws -> Void) throws -> PageCursor? {
        let plan = try UnitStatement(db, filter: filter, sorts: sorts, wardsOn: wardsOn)
        try plan.check(page.after)
        // One row more than asked tells whether there is a next page.
        let cursor = try Row.fetchCursor(db, SQLRequest<Row>(literal: plan.selectSQL(page: page, extra: 1)))
        var count = 0
        var last: ListedUnit?
        while let row = try cursor.next() {
            if let limit = page.limit, count == limit { return last?.cursor }
            let item = plan.item(row)
            try body(item)
            last = item
            count += 1
        }
        return nil
    }

    public func get(_ id: Int64, _ filter: UnitFilter) throws -> ListedUnit? {
        try store.read { db in
            let plan = try UnitStatement(db, filter: filter, sorts: [], wardsOn: wardsOn)
            return try Row.fetchOne(db, SQLRequest<Row>(literal: plan.selectSQL(where: "u.id = \(id)"))).map(plan.item)
        }
    }

    /// One unit by its natural key: a tax code, a household number, a market code or MARKET/STALL.
    public func get(_ key: String, asOf: LocalDate) throws -> ListedUnit? {
        try store.read { db in
            let code = VietnameseText.normalised(key).uppercased()
            let plan = try UnitStatement(db, filter: UnitFilter(asOf: asOf), sort: nil, wardsOn: [], existedOnly: false)
            return try Row.fetchOne(db, SQLRequest<Row>(literal: plan.selectSQL(where: "u.code = \(code)"))).map(plan.item)
        }
    }

    /// A unit with its instruments and status history.
    public func show(_ key: String, asOf: LocalDate) throws -> (ListedUnit, [MeasuringInstrument], [(String, String?, String?)]) {
        guard let item = try get(key, asOf: asOf) else {
            throw RegistryError.notFound(what: "unit with code", key: key, hint: "search for it by name, owner or address")
        }
        return try store.read { db in
            let instruments = try InstrumentQuery.instruments(db, unitIds: [item.unit.id])
            struct StatusChange: Decodable, FetchableRecord { var status: String; var since, note: String? }
            let history = try StatusChange.fetchAll(db, sql: "SELECT status, since, note FROM unit_status_history WHERE unit_id = ? ORDER BY id",
                                                    arguments: [item.unit.id])
                .map { ($0.status, $0.since, $0.note) }
            return (item, instruments, history)
        }
    }

    /// The ward with `code` on `date`, or an error that lists the codes valid then.
    static func ward(_ db: Database, code: String, on date: LocalDate) throws -> AdminUnit {
        if let w = try AdminUnitRecord.find(db, code: code, on: date, level: "ward") { return w }
        let valid = try String.fetchAll(db, SQLRequest(literal: """
            SELECT w.code || ' ' || w.name FROM admin_units w WHERE w.level = 'ward' AND \(Period(date).contains("w")) ORDER BY w.code
            """))
        throw RegistryError.notFound(
            what: "ward with code", key: code,
            hint: "on \(date) the wards are: " + (valid.isEmpty ? "none loaded" : valid.joined(separator: ", ")))
    }

    /// The unit read from a row of `UnitStatement` (or of `selectSQL` in the writers): both begin with the
    /// same 21 columns in the same order, read by position (by name, GRDB hashes each column name per row).
    static func unit(_ row: Row) -> EconomicUnit {
        let lon: Double? = row[16], lat: Double? = row[17]
        return EconomicUnit(
            id: row[0], code: row[1], kind: UnitKind(rawValue: row[2])!, name: row[3],
            owner: row[4], address: row[5],
            vsicCodes: (row[6] as String?)?.split(separator: " ").map(String.init) ?? [],
            marketCode: row[7], stallNo: row[8], zone: row[9], registrationNo: row[10],
            status: UnitStatus(rawValue: row[11])!, statusSince: (row[12] as String?).flatMap(LocalDate.init(iso:)),
            registeredOn: (row[13] as String?).flatMap(LocalDate.init(iso:)),
            declaredWardCode: row[14], wardFlag: row[15],
            location: lon.flatMap { x in lat.map { Position(x, $0) } },
            createdAt: row[18], updatedAt: row[19], version: row[20])
    }

    /// The columns of a unit, for the writers that read one back.
    static let selectSQL = """
        SELECT u.id, u.code, u.kind, u.name, u.owner, u.address, u.vsic_codes, m.code AS market_code, u.stall_no, u.zone,
               u.registration_no, u.status, u.status_since, u.registered_on, u.declared_ward_code, u.ward_flag,
               ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat, u.created_at, u.updated_at, u.version, u.declared_ward_id
        FROM economic_units u LEFT JOIN economic_units m ON m.id = u.market_id
        """
}

/// One unit question as SQL: the conditions, the ward columns for the date, the sort and the page.
/// Every value is bound; property names come from enums, never from the caller's text.
struct UnitStatement {
    let filter: UnitFilter
    let sortKey: UnitSortKey
    let descending: Bool
    /// Keys after the first, each in its own direction.
    let laterKeys: [Sorting<UnitSortKey>]
    /// The sort in force (the default key included) as its cursors carry it.
    let order: String
    var conditions: [SQL] = []
    /// The unit's market and ward, each at most one row: LEFT JOINs that filter nothing.
    var unitJoins: SQL = " LEFT JOIN economic_units mk ON mk.id = u.market_id"
    var searchJoin: SQL = ""
    /// The unit with its market and ward, and the text search's join when there is one.
    var from: SQL { from(joining: "") }

    /// `from` with `rows` (inner joins of each unit's rows: instruments, inspections) before the market and ward
    /// joins. SQLite 3.40 (Debian 12's) orders wrongly when it drops an unused LEFT JOIN that comes before a table
    /// it reads backwards through an index to give a descending ORDER BY; unused joins written last come last.
    func from(joining rows: SQL) -> SQL { countFrom + rows + unitJoins }
    /// The unit with its market and ward, for units already chosen by id: without the text search's join and without
    /// the flagged units' index, which `countFrom` may carry and which SQLite can use only beside `whereClause` (a
    /// partial index needs its condition in the statement; without it SQLite finds no plan).
    var rowsFrom: SQL { "economic_units u" + unitJoins }
    /// The tables a count needs: the market and ward joins match at most one row each (primary
    /// keys) and filter nothing, so a count leaves them out and reads no ward per unit.
    var countFrom: SQL = "economic_units u"
    var wardColumns: SQL
    /// The ward's id alone, read without the ward's row (`w`): a page that names its wards from WardNames
    /// selects this, and SQLite then drops the join of admin_units, a search per unit.
    var wardIdColumn: SQL
    var distance: SQL = "NULL"
    let wardsOn: [LocalDate]
    /// The ward filter twice: read from the ward's members (a whole ward, a count), or tested unit by
    /// unit while walking the sort order (a page, which stops after `limit` rows).
    var wardMembers: SQL?
    var wardProbe: SQL?

    init(_ db: Database, filter: UnitFilter, sort: Sorting<UnitSortKey>?, wardsOn: [LocalDate], existedOnly: Bool = true) throws {
        try self.init(db, filter: filter, sorts: sort.map { [$0] } ?? [], wardsOn: wardsOn, existedOnly: existedOnly)
    }

    init(_ db: Database, filter: UnitFilter, sorts: [Sorting<UnitSortKey>], wardsOn: [LocalDate], existedOnly: Bool = true) throws {
        self.filter = filter
        self.wardsOn = wardsOn
        let defaultKey: UnitSortKey = filter.search != nil ? .relevance : filter.near != nil ? .distance : .code
        sortKey = sorts.first?.key ?? defaultKey
        descending = sorts.first?.descending ?? false
        laterKeys = Array(sorts.dropFirst())
        // A key whose values depend on the list's terms names them: a cursor of wards on another day, of distances
        // from another point or of relevance to another search is for another order.
        func named(_ key: UnitSortKey) -> String {
            switch key {
            case .ward, .ward_name: "\(key.rawValue) on \(filter.asOf)"
            case .distance: filter.near.map { "distance from \($0.lon),\($0.lat)" } ?? key.rawValue
            case .relevance: filter.search.map { "relevance to \(VietnameseText.searchKey($0))" } ?? key.rawValue
            default: key.rawValue
            }
        }
        order = PageCursor.order([(named(sortKey), descending)] + laterKeys.map { (named($0.key), $0.descending) })
        if sorts.contains(where: { $0.key == .distance }) && filter.near == nil {
            throw RegistryError.invalidArgument(field: "sort", value: "distance", expected: "a sort key other than distance, or a near point and radius")
        }
        if sorts.contains(where: { $0.key == .relevance }) && filter.search == nil {
            throw RegistryError.invalidArgument(field: "sort", value: "relevance", expected: "a sort key other than relevance, or a search text")
        }
        let date = filter.asOf.description
        // Not `registered_on IS NULL OR registered_on <= date`: SQLite would answer that OR through the
        // registered_on index, row by row for nearly every unit, instead of the index a list needs.
        if existedOnly { conditions.append("coalesce(u.registered_on, '') <= \(date)") }
        if let code = filter.wardCode {
            let w = try UnitQuery.ward(db, code: code, on: filter.wardCodeOn ?? filter.asOf)
            wardMembers = """
                u.id IN (SELECT m.unit_id FROM unit_wards m WHERE m.admin_unit_id = \(w.id)
                         UNION ALL SELECT d.id FROM economic_units d WHERE d.geom IS NULL AND d.declared_ward_id = \(w.id))
                """
            wardProbe = """
                (EXISTS (SELECT 1 FROM unit_wards m WHERE m.unit_id = u.id AND m.admin_unit_id = \(w.id))
                 OR (u.geom IS NULL AND u.declared_ward_id = \(w.id)))
                """
            wardColumns = "\(w.id) AS ward_id, \(w.code) AS ward_code, \(w.name) AS ward_name, \(w.validFrom.description) AS ward_from, \(w.validTo?.description) AS ward_to"
            wardIdColumn = "\(w.id)"
        } else {
            let ward = try UnitStatement.wardJoin(db, on: filter.asOf)
            unitJoins += ward.join
            wardIdColumn = ward.id
            wardColumns = "w.id AS ward_id, w.code AS ward_code, w.name AS ward_name, w.valid_from AS ward_from, w.valid_to AS ward_to"
        }
        if !filter.kinds.isEmpty { conditions.append("u.kind IN \(filter.kinds.map(\.rawValue))") }
        if !filter.statuses.isEmpty { conditions.append("u.status IN \(filter.statuses.map(\.rawValue))") }
        if let p = filter.vsicPrefix {
            guard (1...5).contains(p.count), p.allSatisfy(\.isASCIIDigit) else {
                throw RegistryError.invalidArgument(field: "vsic", value: p, expected: "a VSIC code prefix of 1 to 5 digits")
            }
            conditions.append("(' ' || u.vsic_codes) LIKE \("% \(p)%")")
        }
        if let b = filter.bbox {
            conditions.append(UnitStatement.indexed(b.minLon, b.minLat, b.maxLon, b.maxLat))
            conditions.append("ST_X(u.geom) BETWEEN \(b.minLon) AND \(b.maxLon) AND ST_Y(u.geom) BETWEEN \(b.minLat) AND \(b.maxLat)")
        }
        if let n = filter.near {
            // A box a little larger than the circle, then the geodesic distance on the WGS 84 ellipsoid.
            let dLat = n.radius / 110_574 * 1.01
            let dLon = n.radius / (111_320 * max(cos(n.lat * .pi / 180), 0.01)) * 1.01
            conditions.append(UnitStatement.indexed(n.lon - dLon, n.lat - dLat, n.lon + dLon, n.lat + dLat))
            distance = "\(sql: GeodesicDistance.name)(u.geom, \(n.lon), \(n.lat))"
            conditions.append("\(distance) <= \(n.radius)")
        }
        if filter.flaggedOnly {
            // The flagged units are few: read through their partial index (v17), by id for any join, whatever the
            // order. SQLite chose the code index for the default order and tested every unit: 1.0 s for a first
            // page in a registry of a million.
            countFrom = "economic_units u INDEXED BY economic_units_flagged"
            conditions.append("u.ward_flag IS NOT NULL")
        }
        if let s = filter.search {
            let tokens = VietnameseText.searchKey(s).split(separator: " ").map(String.init)
            guard !tokens.isEmpty else {
                throw RegistryError.invalidArgument(field: "search", value: s, expected: "at least one letter or digit")
            }
            // Every word of the query must begin a word of the unit's text (name, owner, address, codes). An English
            // possessive ("Kim Long's") is the name's: its s would have to begin a word of the unit's, and none does.
            func withoutPossessive(_ token: String) -> Substring {
                for mark in ["'s", "\u{2019}s"] where token.hasSuffix(mark) && token.count > mark.count { return token.dropLast(mark.count) }
                return Substring(token)
            }
            let match = tokens.map(withoutPossessive).flatMap { $0.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) }
                .map { "\"" + $0 + "\"*" }.joined(separator: " AND ")
            guard !match.isEmpty else {
                throw RegistryError.invalidArgument(field: "search", value: s, expected: "at least one letter or digit")
            }
            searchJoin = " JOIN unit_search s ON s.rowid = u.id AND s.unit_search MATCH \(match)"
            countFrom += searchJoin
        }
        if let t = filter.changedSince {
            guard UnitStatement.isChangeTime(t) else {
                throw RegistryError.invalidArgument(field: "changed_since", value: t,
                                                    expected: "a UTC time as updated_at writes it (2026-11-30T08:00:00Z, 2026-11-30T08:00:00.250Z) or a day (2026-11-30)")
            }
            conditions.append("u.updated_at > \(t)")
        }
    }

    /// A day (YYYY-MM-DD) or an ISO 8601 UTC time from it (THH:MM:SS, optional fraction, Z): what compares with
    /// updated_at as text.
    static func isChangeTime(_ t: String) -> Bool {
        LocalDate(iso: String(t.prefix(10))) != nil
            && t.wholeMatch(of: #/\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z)?/#) != nil
    }

    /// The id of the unit's ward on `date`: from its point (the lowest code if the point lies on a
    /// shared edge), or its declared ward if it has no point and that ward is valid then.
    static func wardId(on date: LocalDate) -> SQL { wardId(onSQL: "\(date.description)") }

    static func wardId(onSQL date: SQL) -> SQL {
        """
        CASE WHEN u.geom IS NULL
          THEN \(declaredWardId(onSQL: date))
          ELSE (SELECT m.admin_unit_id FROM unit_wards m CROSS JOIN admin_units a ON a.id = m.admin_unit_id
                WHERE m.unit_id = u.id AND a.level = 'ward' AND \(Period.contains("a", on: date)) ORDER BY a.code LIMIT 1)
        END
        """
    }

    /// The ward a unit without a point declared, when it is valid on `date`.
    static func declaredWardId(on date: LocalDate) -> SQL { declaredWardId(onSQL: "\(date.description)") }

    static func declaredWardId(onSQL date: SQL) -> SQL {
        "(SELECT d.id FROM admin_units d WHERE d.id = u.declared_ward_id AND \(Period.contains("d", on: date)))"
    }

    /// The join of `w`, the unit's ward on `date`: for a unit with a point, its row of the stretch that holds `date`
    /// in unit_stretch_wards (next to the last unit's in a list in id order), else as `wardId(_:on:)` finds it;
    /// and the ward's id as the join reads it, which needs no row of `w`.
    static func wardJoin(_ db: Database, on date: LocalDate) throws -> (join: SQL, id: SQL) {
        guard let base = try UnitStretchWards.keyBase(db, on: date) else {
            let id = try wardId(db, on: date)
            return (" LEFT JOIN admin_units w ON w.id = \(id)", id)
        }
        let id: SQL = "CASE WHEN u.geom IS NULL THEN \(declaredWardId(on: date)) ELSE sw.admin_unit_id END"
        return ("""
             LEFT JOIN unit_stretch_wards sw ON sw.key = \(base) + u.id
             LEFT JOIN admin_units w ON w.id = \(id)
            """, id)
    }

    /// `wardId(on:)` for lists of many units when unit_stretch_wards cannot answer (a ward was written outside the
    /// registry since it was filled): the wards valid on `date` are read first, and each unit's
    /// membership rows become rank * 2³² + id (rank in code order) through a CASE on the id alone, so the
    /// least is the ward with the lowest code, without reading a ward row or sorting per unit (a third of
    /// an export's time). Only the unit's rows with ids between the period's least and greatest are read (its
    /// other periods' rows lie outside when a period's wards were loaded together, as they are): the CASE gives
    /// any row in between that is not the period's NULL, so the range changes no answer. A period of more than
    /// 64 wards keeps the general form.
    static func wardId(_ db: Database, on date: LocalDate) throws -> SQL {
        let wards = try Int64.fetchAll(db, SQLRequest<Int64>(literal: """
            SELECT a.id FROM admin_units a WHERE a.level = 'ward' AND \(Period(date).contains("a")) ORDER BY a.code, a.id
            """))
        guard !wards.isEmpty, wards.count <= 64, wards.allSatisfy({ (0..<(1 << 32)).contains($0) }) else { return wardId(on: date) }
        let ranked = wards.enumerated().map { i, id in "WHEN \(id) THEN \((Int64(i + 1) << 32) + id)" }.joined(separator: " ")
        return """
            CASE WHEN u.geom IS NULL
              THEN \(declaredWardId(on: date))
              ELSE (SELECT min(CASE m.admin_unit_id \(sql: ranked) END) FROM unit_wards m
                    WHERE m.unit_id = u.id AND m.admin_unit_id BETWEEN \(wards.min()!) AND \(wards.max()!)) % 4294967296
            END
            """
    }

    static func indexed(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> SQL {
        "u.id IN (SELECT pkid FROM idx_economic_units_geom WHERE xmax >= \(minX) AND xmin <= \(maxX) AND ymax >= \(minY) AND ymin <= \(maxY))"
    }

    var sortExpression: SQL { expression(sortKey) }

    func expression(_ key: UnitSortKey) -> SQL {
        switch key {
        case .code: "u.code"
        case .name: "u.name_key"  // Vietnamese alphabetical order (UnitNameKeys)
        case .kind: "u.kind"
        case .status: "u.status"
        case .registered_on: "coalesce(u.registered_on, '')"
        case .updated_at: "u.updated_at"
        case .distance: distance
        case .relevance: "s.rank"
        case .ward: "(SELECT x.code FROM admin_units x WHERE x.id = \(UnitStatement.wardId(on: filter.asOf)))"
        case .ward_name: "(SELECT x.name FROM admin_units x WHERE x.id = \(UnitStatement.wardId(on: filter.asOf)))"
        case .declared_ward_code: "u.declared_ward_code"
        case .address: "u.address"
        case .owner: "u.owner"
        case .vsic: "u.vsic_codes"
        case .market_code: "(SELECT x.code FROM economic_units x WHERE x.id = u.market_id)"
        case .stall_no: "u.stall_no"
        case .ward_flag: "u.ward_flag"
        case .version: "u.version"
        case .lon: "ST_X(u.geom)"
        case .lat: "ST_Y(u.geom)"
        }
    }

    var whereClause: SQL { whereClause(probingWard: false) }

    func whereClause(probingWard: Bool) -> SQL {
        let ward = probingWard ? wardProbe : wardMembers
        let all = conditions + (ward.map { [$0] } ?? [])
        return all.isEmpty ? "1" : all.joined(separator: " AND ")
    }

    var countSQL: SQL { "SELECT count(*) FROM \(countFrom) WHERE \(whereClause)" }

    /// The unit columns every list reads, with the ward columns for the date.
    var columns: SQL {
        var wardsOn: SQL = ""
        for (i, d) in self.wardsOn.enumerated() {
            wardsOn += ", (SELECT x.code FROM admin_units x WHERE x.id = \(UnitStatement.wardId(on: d))) AS \(SQL(sql: "on_code_\(i)"))"
            wardsOn += ", (SELECT x.name FROM admin_units x WHERE x.id = \(UnitStatement.wardId(on: d))) AS \(SQL(sql: "on_name_\(i)"))"
        }
        return """
            u.id, u.code, u.kind, u.name, u.owner, u.address, u.vsic_codes, mk.code AS market_code, u.stall_no, u.zone,
            u.registration_no, u.status, u.status_since, u.registered_on, u.declared_ward_code, u.ward_flag,
            ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat, u.created_at, u.updated_at, u.version,
            \(wardColumns), \(distance) AS distance\(wardsOn)
            """
    }

    /// A cursor carries one value per sort key and the sort's text: one made for another sort would lose or repeat rows.
    func check(_ after: PageCursor?) throws {
        try after?.check(order: order, keyCount: 1 + laterKeys.count)
    }



    func selectSQL(where extra: SQL? = nil, page: PageRequest = .all, extra more: Int = 0) -> SQL {
        // A short page walks the sort order and tests each unit's ward; a whole list reads the ward's members.
        var conditions = [whereClause(probingWard: page.limit != nil && page.offset == 0)]
        if let extra { conditions.append(extra) }
        let order: SQL = descending ? "DESC" : "ASC"
        let later = laterKeys.map { (column: expression($0.key), descending: $0.descending) }
        if let after = page.after, !later.isEmpty || sortKey.mayBeNull {
            // Several keys, each in its own direction, or one that may be NULL: the server's keyset condition.
            conditions.append(FeatureLayer.Query.keyset([(sortExpression, descending)] + later, after, id: "u.id"))
        } else if let after = page.after {
            let op: SQL = descending ? "<" : ">"
            // The code is unique: comparing it alone lets SQLite use its index.
            conditions.append(sortKey == .code ? "u.code \(op) \(after.value)" : "(\(sortExpression), u.id) \(op) (\(after.value), \(after.id))")
        }
        var orderBy: SQL = "\(sortExpression) \(order)"
        for key in later { orderBy += ", \(key.column) \(SQL(sql: key.descending ? "DESC" : "ASC"))" as SQL }
        if sortKey != .code { orderBy += ", u.id \(order)" }
        let laterValues = later.enumerated().map { i, key in ", \(key.column) AS \(SQL(sql: "sort_value_\(i + 1)"))" as SQL }.joined()
        let laterOrder = later.enumerated().map { i, key in ", p.\(SQL(sql: "sort_value_\(i + 1)")) \(SQL(sql: key.descending ? "DESC" : "ASC"))" as SQL }.joined()
        let laterColumns = later.indices.map { i in ", p.\(SQL(sql: "sort_value_\(i + 1)"))" as SQL }.joined()
        if page.offset > 0 {
            // A page deep in the list: the rows skipped are found by id and sort value alone (the narrow
            // covering index of v11 for the default order), and only the page's rows get their columns and wards.
            return """
                SELECT \(columns), p.sort_value\(laterColumns) FROM (
                  SELECT u.id, \(sortExpression) AS sort_value\(laterValues) FROM \(countFrom) WHERE \(conditions.joined(separator: " AND "))
                  ORDER BY \(orderBy)\(UnitStatement.limit(page, extra: more))) p
                CROSS JOIN economic_units u\(unitJoins) WHERE u.id = p.id
                ORDER BY p.sort_value \(order)\(laterOrder), p.id \(order)
                """
        }
        return """
            SELECT \(columns), \(sortExpression) AS sort_value\(laterValues)
            FROM \(from) WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderBy)
            """ + UnitStatement.limit(page, extra: more)
    }

    static func limit(_ page: PageRequest, extra: Int = 0) -> SQL {
        var sql: SQL = ""
        if let limit = page.limit { sql += " LIMIT \(limit + extra)" } else if page.offset > 0 { sql += " LIMIT -1" }
        if page.offset > 0 { sql += " OFFSET \(page.offset)" }
        return sql
    }

    /// The unit and its ward for the date, from the first 26 of `columns`, which every unit statement begins with.
    static func unitAndWard(_ row: Row) -> (EconomicUnit, AdminUnit?) {
        var ward: AdminUnit?
        if let id = row[21] as Int64?, let from = (row[24] as String?).flatMap(LocalDate.init(iso:)) {
            ward = AdminUnit(id: id, code: row[22], name: row[23], level: "ward", validFrom: from,
                             validTo: (row[25] as String?).flatMap(LocalDate.init(iso:)))
        }
        return (UnitQuery.unit(row), ward)
    }

    /// Where the sort value is: after the unit's 27 columns and two per ward date; the later keys' values follow it.
    var sortColumn: Int { 27 + 2 * wardsOn.count }

    /// A row of `columns` (and after them the sort values), read by position.
    func item(_ row: Row) -> ListedUnit {
        let (unit, ward) = UnitStatement.unitAndWard(row)
        return ListedUnit(
            unit: unit, ward: ward, distance: row[26],
            wardsOn: wardsOn.enumerated().map { i, d in (d, row[27 + 2 * i], row[28 + 2 * i]) },
            cursor: row.count > sortColumn ? PageCursor(values: (0...laterKeys.count).map { row[sortColumn + $0] }, id: unit.id, order: order) : nil)
    }
}

public enum InstrumentQuery {
    static func instruments(_ db: Database, unitIds: [Int64]) throws -> [MeasuringInstrument] {
        guard !unitIds.isEmpty else { return [] }
        var result: [MeasuringInstrument] = []
        // Chunks keep the statement under SQLite's host-parameter limit.
        for chunk in stride(from: 0, to: unitIds.count, by: 500).map({ Array(unitIds[$0..<min($0 + 500, unitIds.count)]) }) {
            result += try StoredInstrument.fetchAll(db, StoredInstrument.select(where: """
                i.unit_id IN \(chunk) ORDER BY u.code, i.instrument_type, i.serial_no
                """)).map(\.instrument)
        }
        return result
    }
}
