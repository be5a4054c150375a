import CSpatial
import Foundation
import GRDB

/// The insert statement's parameters for a draft, in `UnitWriter.insertSQL` order. The market's id
/// and the operation's time are left empty for the writer to fill; the rest is pure work on the draft,
/// which a bulk import does on its reading thread: the point goes in as SpatiaLite's own BLOB geometry,
/// made by libspatialite's `gaiaMakePoint` (what SQL `MakePoint` calls).
struct UnitRowValues: Sendable {
    static let marketIndex = 6
    static let createdIndex = 18
    static let updatedIndex = 19
    static let geomIndex = 20
    static let footprintIndex = 21
    let code: String
    let lon: Double?
    let lat: Double?
    var values: [DatabaseValue]
    /// The wards of every period the point lies in, when a WardLocator found them (a bulk import):
    /// the writer stores them with the new row, whose ward flag is then in `values` too.
    var locatedWards: [Int64] = []
    var hasFootprint: Bool { !values[UnitRowValues.footprintIndex].isNull }
    var isFlagged: Bool { !values[UnitRowValues.flagIndex].isNull }
    static let flagIndex = 12
    static let registeredIndex = 15
    var registeredOn: String? { String.fromDatabaseValue(values[UnitRowValues.registeredIndex]) }

    /// The row with the wards its point lies in and its ward flag on its registration date (or
    /// `today`), as WardMembership would set them once written, and the operation's time `now` (which
    /// `UnitWriter.complete` would set).
    init(_ d: UnitDraft, locatedBy locator: WardLocator, today: LocalDate, stamped now: String) {
        self.init(d)
        values[UnitRowValues.createdIndex] = now.databaseValue
        values[UnitRowValues.updatedIndex] = now.databaseValue
        guard let lon = d.lon, let lat = d.lat else { return }
        locatedWards = locator.wards(at: lon, lat)
        values[UnitRowValues.flagIndex] = locator.flag(located: locatedWards, declared: d.declaredWardId, on: d.registeredOn ?? today)?
            .databaseValue ?? .null
    }

    init(_ d: UnitDraft) {
        code = d.code
        lon = d.lon
        lat = d.lat
        func text(_ s: String?) -> DatabaseValue { s?.databaseValue ?? .null }
        func integer(_ i: Int64?) -> DatabaseValue { i?.databaseValue ?? .null }
        values = [
            d.code.databaseValue, d.kind.rawValue.databaseValue, d.name.databaseValue, text(d.owner),
            text(d.address), text(d.vsicCodes.isEmpty ? nil : d.vsicCodes.joined(separator: " ")),
            .null, text(d.stallNo), text(d.zone), text(d.registrationNo),
            text(d.declaredWardCode), integer(d.declaredWardId),
            .null, d.status.rawValue.databaseValue, text(d.statusSince?.description),
            text(d.registeredOn?.description), d.searchText.databaseValue, VietnameseText.sortKey(d.name).databaseValue,
            .null, .null, UnitRowValues.point(d.lon, d.lat), text(d.footprint),
        ]
    }

    /// A WGS 84 point as SpatiaLite BLOB geometry, or NULL.
    static func point(_ lon: Double?, _ lat: Double?) -> DatabaseValue {
        guard let lon, let lat else { return .null }
        var blob: UnsafeMutablePointer<UInt8>?
        var size: Int32 = 0
        gaiaMakePoint(lon, lat, 4326, &blob, &size)
        guard let blob else { return .null }
        defer { gaiaFree(blob) }
        return Data(bytes: blob, count: Int(size)).databaseValue
    }
}

/// Writes validated units. Upsert by natural key (`code`); an update that changes nothing leaves the
/// version alone, any real change bumps it, and status changes are kept in `unit_status_history`.
struct UnitWriter {
    enum Outcome { case inserted, updated, unchanged }

    /// A stall's market is not (yet) in the registry.
    struct MarketMissing: RecordRejection {
        let marketCode: String
        var field: String { "market_code" }
        var value: String? { marketCode }
        var expected: String { "the code of a market (kind market) in the registry or in this file" }
    }
    /// A registration day after what the registry already holds of the unit: a verification of its instruments, an
    /// inspection, a goods-origin entry (each refused on its own import when before the registration).
    struct RegisteredAfterItsRecords: RecordRejection {
        let value: String?
        let earliest: String
        let what: String
        var field: String { "registered_on" }
        var expected: String { "a date on or before \(earliest), the unit's earliest \(what) in the registry" }
    }
    /// The earliest dated record of unit ?1 and what it is.
    static let earliestRecordSQL = """
        SELECT day, what FROM (
          SELECT min(last_verified_on) AS day, 'instrument verification' AS what FROM measuring_instruments WHERE unit_id = ?1
          UNION ALL SELECT min(inspected_on), 'inspection' FROM inspections WHERE unit_id = ?1 AND status IN ('in_progress', 'done', 'closed')
          UNION ALL SELECT min(received_on), 'goods-origin entry' FROM goods_origin_entries WHERE unit_id = ?1)
        WHERE day IS NOT NULL ORDER BY day LIMIT 1
        """
    /// An earlier record of the same operation has the code.
    struct DuplicateInFile: RecordRejection {
        let value: String?
        var field: String { "code" }
        var expected: String { "a code that appears once in the file; an earlier record has it" }
    }

    let db: Database
    /// The operation's timestamp: rows written by this operation carry it in updated_at (and new rows in
    /// created_at).
    let now: String
    /// False in bulk imports: the "registered" history rows of new units are then written in one
    /// statement by `recordRegistrations(after:)` at the end instead of one statement per unit.
    var historyPerInsert = true

    /// The operation's day: a status that a record changes without saying since when starts then (LeftOutColumns).
    let today: LocalDate

    init(db: Database, now: String, today: LocalDate, historyPerInsert: Bool = true) {
        self.db = db
        self.now = now
        self.today = today
        self.historyPerInsert = historyPerInsert
    }

    static let findSQL = "SELECT id, status, version, updated_at, registered_on, ST_X(geom) AS x, ST_Y(geom) AS y FROM economic_units WHERE code = ?"
    /// What an upsert reads of the stored unit with the record's code (`findSQL`, by position).
    struct StoredUnit: FetchableRecord {
        var id: Int64
        var status: String
        var version: Int
        var updatedAt: String
        var registeredOn: String?
        /// The stored point.
        var x, y: Double?

        init(row: Row) {
            (id, status, version, updatedAt, registeredOn, x, y) = (row[0], row[1], row[2], row[3], row[4], row[5], row[6])
        }
    }
    static let marketSQL = "SELECT id FROM economic_units WHERE code = ? AND kind = 'market'"
    static let columns = """
        code, kind, name, owner, address, vsic_codes, market_id, stall_no, zone, registration_no,
        declared_ward_code, declared_ward_id, ward_flag, status, status_since, registered_on,
        search_text, name_key
        """
    static let insertSQL = """
        INSERT INTO economic_units (\(columns), created_at, updated_at, version, geom, footprint)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?), 4326)))
        ON CONFLICT (code) DO NOTHING
        """
    /// Inserts `rows` units without a footprint, leaving out (OR IGNORE) any that breaks a
    /// constraint: a code already taken, in the registry or earlier in the statement, or anything
    /// `upsert` will then report. The statement calls no SQL function and ignores rather than
    /// aborts, so SQLite needs no statement journal for it provided foreign keys are off (see
    /// `RegistryStore.write(checkingForeignKeysAtEndOf:)`); otherwise it copies every page each
    /// statement touches, 4.7 kB a unit. (A call to any SQL function, MakePoint included, also makes
    /// SQLite keep one: hence the point as a ready-made blob.)
    static func batchInsertSQL(rows: Int) -> String {
        "INSERT OR IGNORE INTO economic_units (\(columns), created_at, updated_at, version, geom) VALUES "
            + repeatElement("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)", count: rows).joined(separator: ", ")
    }
    /// Rows per statement in `insertNew`: each execution of an insert costs SQLite a statement start, which
    /// 64 rows share.
    static let rowsPerInsert = 64
    static let fullBatchInsertSQL = batchInsertSQL(rows: rowsPerInsert)
    /// Updates only when something differs (IS NOT compares NULLs too), so `changesCount` tells. The
    /// located ward and the flag are WardMembership's (set after the write, compared by nobody). A record leaving
    /// columns out was given the stored values first (LeftOutColumns); ?23 keeps the stored footprint then.
    static let updateSQL = """
        UPDATE economic_units SET
          code = ?1, kind = ?2, name = ?3, owner = ?4, address = ?5, vsic_codes = ?6, market_id = ?7, stall_no = ?8,
          zone = ?9, registration_no = ?10, declared_ward_code = ?11, declared_ward_id = ?12,
          status = ?14, status_since = ?15, registered_on = ?16, search_text = ?17, name_key = ?18,
          geom = MakePoint(?19, ?20, 4326),
          footprint = CASE WHEN ?24 THEN footprint ELSE CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?21), 4326)) END,
          updated_at = ?22, version = version + 1
        WHERE id = ?23 AND (
          kind IS NOT ?2 OR name IS NOT ?3 OR owner IS NOT ?4 OR address IS NOT ?5 OR vsic_codes IS NOT ?6
          OR market_id IS NOT ?7 OR stall_no IS NOT ?8 OR zone IS NOT ?9 OR registration_no IS NOT ?10
          OR declared_ward_code IS NOT ?11 OR declared_ward_id IS NOT ?12
          OR status IS NOT ?14 OR status_since IS NOT ?15 OR registered_on IS NOT ?16
          OR ST_X(geom) IS NOT ?19 OR ST_Y(geom) IS NOT ?20
          OR (NOT ?24 AND ((footprint IS NULL) <> (?21 IS NULL)
            OR (footprint IS NOT NULL AND NOT ST_Equals(footprint, CastToMultiPolygon(SetSRID(GeomFromGeoJSON(?21), 4326)))))))
        """
    static let historySQL = "INSERT INTO unit_status_history (unit_id, status, since, note, recorded_at) VALUES (?, ?, ?, ?, ?)"

    /// - Parameter row: the draft's column values when already made (UnitRowValues(d)).
    /// - Parameter expectedVersion: when given, the update fails unless the stored version matches.
    /// - Parameter statusNote: kept in the status history when the status changes.
    /// - Returns: what was done, the unit's id, and for an update whether its point changed (so that its wards
    ///   must be found again).
    func upsert(_ d: UnitDraft, row: UnitRowValues? = nil, expectedVersion: Int? = nil, rejectDuplicateInOperation: Bool = false,
                statusNote: String? = nil) throws -> (outcome: Outcome, id: Int64, moved: Bool) {
        var row = try complete(row ?? UnitRowValues(d), of: d)
        var values = row.values
        // Insert first: in a bulk import most units are new, and a conflict on the code costs no more
        // than the lookup it replaces.
        try db.cachedStatement(sql: UnitWriter.insertSQL).executeBound(values)
        if db.changesCount > 0 {
            let id = db.lastInsertedRowID
            if historyPerInsert {
                try db.cachedStatement(sql: UnitWriter.historySQL).execute(
                    arguments: [id, d.status.rawValue, d.statusSince?.description ?? d.registeredOn?.description, "registered", now])
            }
            return (.inserted, id, false)
        }
        guard let existing = try StoredUnit.fetchOne(db.cachedStatement(sql: UnitWriter.findSQL), arguments: [d.code]) else {
            throw RegistryError.database("unit \(d.code) was neither inserted nor found")
        }
        let id = existing.id
        let version = existing.version
        if let expectedVersion, expectedVersion != version {
            throw RegistryError.versionConflict(key: d.code, expected: expectedVersion, actual: version)
        }
        if rejectDuplicateInOperation, existing.updatedAt == now { throw DuplicateInFile(value: d.code) }
        // What the record leaves out keeps its stored value.
        let (d, keepsFootprint) = try LeftOutColumns.keepStored(db, unit: id, in: d, today: today)
        if let registered = d.registeredOn?.description, registered != existing.registeredOn,
           let earliest = try Row.fetchOne(db.cachedStatement(sql: UnitWriter.earliestRecordSQL), arguments: [id]),
           let day = earliest[0] as String?, day < registered {
            throw RegisteredAfterItsRecords(value: registered, earliest: day, what: earliest[1])
        }
        row = try complete(UnitRowValues(d), of: d)
        values = row.values
        try db.cachedStatement(sql: UnitWriter.updateSQL).execute(
            arguments: StatementArguments(values[..<UnitRowValues.createdIndex]
                                          + [row.lon.databaseValue, row.lat.databaseValue, values[UnitRowValues.footprintIndex],
                                             now.databaseValue, id.databaseValue, keepsFootprint.databaseValue]))
        guard db.changesCount > 0 else { return (.unchanged, id, false) }
        if existing.status != d.status.rawValue {
            try db.cachedStatement(sql: UnitWriter.historySQL).execute(
                arguments: [id, d.status.rawValue, d.statusSince?.description,
                           statusNote ?? "status changed from \(existing.status)", now])
        }
        // The values the update compared the stored point with: NULL and NULL are the same, as there.
        let moved = existing.x != row.lon || existing.y != row.lat
        return (.updated, id, moved)
    }

    /// The row with what only the database and the operation know: the market's id and the time.
    /// Throws MarketMissing when the draft's market is not (yet) in the registry.
    func complete(_ row: UnitRowValues, of d: UnitDraft) throws -> UnitRowValues {
        var row = row
        if let m = d.marketCode {
            guard let marketId = try Int64.fetchOne(db.cachedStatement(sql: UnitWriter.marketSQL), arguments: [m]) else {
                throw MarketMissing(marketCode: m)
            }
            row.values[UnitRowValues.marketIndex] = marketId.databaseValue
        }
        // A bulk import's reading thread stamped the row already: left alone, its values are not copied.
        if row.values[UnitRowValues.updatedIndex] != now.databaseValue {
            row.values[UnitRowValues.createdIndex] = now.databaseValue
            row.values[UnitRowValues.updatedIndex] = now.databaseValue
        }
        return row
    }

    /// Inserts completed rows without a footprint (see `complete`) in as few statements as
    /// `rowsPerInsert` allows and tells, for each, whether it went in. A row whose code is already in
    /// the registry or earlier in `rows`, or that breaks another constraint, is not inserted and is
    /// left for `upsert` to update or refuse. The caller must not pass a stall whose market is among
    /// the rows (its market id was looked up before). Returns each row's new id, nil when not inserted.
    ///
    /// Without a RETURNING clause (SQLite gathers those rows in a temporary table per statement, and each
    /// code came back as a new string for a dictionary: 1.5 µs a row): new rows take the ids after the
    /// table's largest, in order, so a statement all of whose rows went in gave them `last - n + 1 … last`;
    /// only a statement some rows of which were left out looks its codes up.
    func insertNew(_ rows: ArraySlice<UnitRowValues>) throws -> [Int64?] {
        var ids: [Int64?] = []
        ids.reserveCapacity(rows.count)
        var largest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM economic_units")) ?? 0
        var start = rows.startIndex
        while start < rows.endIndex {
            let chunk = rows[start..<min(start + UnitWriter.rowsPerInsert, rows.endIndex)]
            let sql = chunk.count == UnitWriter.rowsPerInsert ? UnitWriter.fullBatchInsertSQL : UnitWriter.batchInsertSQL(rows: chunk.count)
            try db.cachedStatement(sql: sql).executeBound(chunk.lazy.flatMap { $0.values[...UnitRowValues.geomIndex] })
            let last = db.lastInsertedRowID
            if db.changesCount == chunk.count && last == largest + Int64(chunk.count) {
                ids += (largest + 1...last).lazy.map { Optional($0) }
                largest = last
            } else {
                // The first row with a code is the one that went in (rows go in in order), if its id is new.
                var claimed = Set<String>()
                for row in chunk {
                    let id = try Int64.fetchOne(db.cachedStatement(sql: UnitReference.sql), arguments: [row.code])
                    ids.append(id.flatMap { $0 > largest && claimed.insert(row.code).inserted ? $0 : nil })
                }
                largest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM economic_units")) ?? 0
            }
            start = chunk.endIndex
        }
        return ids
    }

    /// The "registered" history rows of the units this operation inserted, in one statement. They took ids after
    /// `lastId`, the greatest before it (rowids): read from there, not the whole table, which made an import of one
    /// unit into a registry of a million 0.13 s slower.
    func recordRegistrations(after lastId: Int64) throws {
        try db.execute(sql: """
            INSERT INTO unit_status_history (unit_id, status, since, note, recorded_at)
            SELECT id, status, coalesce(status_since, registered_on), 'registered', ?1
            FROM economic_units WHERE id > ?2 AND created_at = ?1 ORDER BY id
            """, arguments: [now, lastId])
    }
}
