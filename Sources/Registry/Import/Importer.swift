import Foundation
import GRDB
import GeoJSON

/// What an import did, and what it saw.
public struct ImportReport: Sendable {
    public var read = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    /// Units whose declared ward disagrees with their location.
    public var flagged = 0
    /// The first `shownLimit` warnings and errors; the counts below say how many more there were.
    public var warnings: [ValidationIssue] = []
    public var errors: [ValidationIssue] = []
    public var moreWarnings = 0
    public var moreErrors = 0
    public var rejectsFile: String?

    /// Problems kept (and printed) per import: a file of a million bad rows must not print a million
    /// lines or hold them in memory. Every rejected record still goes to the rejects file.
    public static let shownLimit = 100

    public var errorCount: Int { errors.count + moreErrors }
    public var warningCount: Int { warnings.count + moreWarnings }

    mutating func add(_ issues: [ValidationIssue]) {
        for issue in issues {
            if issue.severity == .error {
                if errors.count < ImportReport.shownLimit { errors.append(issue) } else { moreErrors += 1 }
            } else {
                if warnings.count < ImportReport.shownLimit { warnings.append(issue) } else { moreWarnings += 1 }
            }
        }
    }
}

public struct ImportOptions {
    /// Import the valid records and write the others, with reasons, to `rejectsPath`.
    public var skipInvalid = false
    public var rejectsPath: String?
    /// Whether an existing file at `rejectsPath` may be replaced (never the input or the database).
    public var replacesRejects = false
    /// Source coordinate system of the file (EPSG code, VN2000-HCM, PROJ string); nil for WGS 84
    /// or the `crs` a GeoJSON file declares.
    public var srs: String?
    /// The day for "not after today" and for wards of units without a registration date; nil: the
    /// day of the importer's `now` in Vietnam.
    public var today: LocalDate?
    /// Called with (done, total) in bytes or features.
    public var progress: ((Int, Int) -> Void)?
    /// Refuse an instrument verified before its unit was registered or after it closed. Only the
    /// generated demo data set turns this off (its dates are drawn independently; see DemoLoader).
    public var checksVerificationAgainstUnitLife = true
    /// How the file writes dates; nil: detected from the file (see ImportFile.detectDateOrder).
    public var dateOrder: LocalDate.Order?
    /// Called as the import enters each step after its last record was written (ImportStage), in order. On a
    /// large units file those steps are a good part of the time, during which a progress bar would stand at 100 %.
    public var finishing: ((ImportStage) -> Void)?
    /// New units written before the table's plain indexes are dropped for the rest of the import
    /// (see DeferredIndexes; at least half the table as it was). Tests set it low.
    var deferIndexesFrom = 20_000

    public init(skipInvalid: Bool = false, rejectsPath: String? = nil, srs: String? = nil, today: LocalDate? = nil,
                progress: ((Int, Int) -> Void)? = nil) {
        self.skipInvalid = skipInvalid
        self.rejectsPath = rejectsPath
        self.srs = srs
        self.today = today
        self.progress = progress
    }

    /// Today for an operation run at `now`: `today` when given.
    func day(of now: Date) -> LocalDate { today ?? LocalDate.today(now: now) }
}

/// The steps of an import after its last record was written, in the order they run. A units import takes
/// every step but `updatedUnitsWards`, which only an import that changed existing units takes; an import of
/// instruments or inspections only `commit`; an import rolled back for invalid records none.
public enum ImportStage: CaseIterable, Sendable {
    /// The table's plain indexes, built again if the import dropped them (DeferredIndexes).
    case tableIndexes
    /// A status-history row for each new unit.
    case statusHistory
    /// The new units' boxes in the spatial index.
    case spatialIndex
    /// The new units' text in the search index.
    case searchIndex
    /// The wards of the units the import changed.
    case updatedUnitsWards
    /// The box cells of the units written, packed again for map queries (UnitBoxCells).
    case boxCells
    /// The foreign-key check and the commit.
    case commit
}

/// Imports files atomically: a file with any invalid record writes nothing (unless skipInvalid).
public struct Importer {
    public let store: RegistryStore
    /// The caller's clock: written rows carry it, and it gives today unless the options say.
    public let now: Date

    public init(store: RegistryStore, now: Date) {
        self.store = store
        self.now = now
    }

    /// Units from CSV, GeoJSON or GeoJSONSeq. See README "Import columns".
    public func importUnits(path: String, options: ImportOptions = ImportOptions()) throws -> ImportReport {
        // The operation's time, which the reading thread writes into each row (UnitWriter.complete keeps it).
        let stamp = RegistryStore.timestamp(now, precise: true)
        // The foreign keys of the units written (inserted or updated: they carry the operation's time) are checked
        // once at the end (see RegistryStore.write(checkingForeignKeysAtEndOf:)); the history rows are made from
        // economic_units by one SELECT, so their unit_id exists by construction.
        let written = WrittenRows("economic_units", condition: "x.updated_at = ?", arguments: [stamp])
        return try run(path: path, options: options, aliases: ImportFields.units, checkingForeignKeysAtEndOf: [written],
                locatesWards: true,
                prepare: { [stamp] record, context, transform in
                    let (draft, issues) = UnitValidation.validate(record, context: context, transform: transform)
                    return (draft, issues, draft.map { UnitRowValues($0, locatedBy: context.wardLocator!, today: context.today, stamped: stamp) })
                }) { db, session in
            let writer = UnitWriter(db: db, now: stamp, today: options.day(of: now), historyPerInsert: false)
            // New units take ids after the greatest one (rowids): their wards per stretch are added at the end.
            let lastIdBefore = try Int64.fetchOne(db, sql: "SELECT max(id) FROM economic_units") ?? 0
            let triggers = try DeferredSpatialTriggers.suspend(db, table: "economic_units")
            let search = try DeferredSearchIndex.suspend(db)
            var boxCells = try DeferredBoxCells.suspend(db)
            var wardCounts = try WardUnitCounts.Suspended(db)
            // Every unit written gets the import's time in updated_at, later than any other: its entries go at the end
            // of that index, which costs less row by row (0.2 s for a million) than built again from the table (0.5 s).
            // The new units' memberships (about one per period each) go in with them, in id order, after every id there
            // was: in the ward index of unit_wards each goes at the end of its ward's entries, a few dozen places
            // written in turn. Kept row by row, a 200 000-unit import into the demo registry took 3.28 s instead of 3.40
            // (median of six; built again at the end, that index took 0.15-0.2 s of the 0.5 s the indexes take). The index
            // of flagged units holds the few flagged ones only: kept, it costs a test per row; built again, a pass over all.
            var indexes = try DeferredIndexes(db, table: "economic_units", alongside: ["unit_wards"], minimumRows: options.deferIndexesFrom,
                                              keeping: ["economic_units_updated", "unit_wards_ward", "economic_units_flagged"])
            var updated = try UpdatedUnits(db)
            var deferred: [(UnitDraft, UnitRowValues, SourceLocation, RawRecord?)] = []
            // New units go in `rowsPerInsert` at a time; a unit whose code is taken goes through upsert.
            // Their rows apart, so the multi-row insert reads them where they are (a key path over the tuples copied
            // every row through the runtime's generic tuple copy: a tenth of the writing thread's time).
            var pending: [(draft: UnitDraft, location: SourceLocation, raw: RawRecord?)] = []
            var pendingRows: [UnitRowValues] = []
            // The codes of the markets among them: only a market can be a stall's (UnitWriter.marketSQL), so a stall
            // naming any other pending code is MarketMissing whether or not the batch was written first.
            var pendingMarkets = Set<String>()
            // A new unit's wards and flag were found on the reading thread (UnitRowValues.locatedWards):
            // its memberships are stored as it is written. An updated unit's are found at the end.
            var memberships: [(unit: Int64, ward: Int64)] = []
            // Their wards per stretch too, unless a ward written outside the registry emptied that table.
            var stretchWards = try UnitStretchWards.Appender(db, unitsAfter: lastIdBefore)
            func inserted(_ id: Int64, _ row: UnitRowValues) throws {
                boxCells.inserted(row)
                memberships += row.locatedWards.lazy.map { (id, $0) }
                try stretchWards?.add(db, unit: id, located: row.locatedWards)
                if !row.locatedWards.isEmpty {
                    let day = row.registeredOn  // read once per unit, not per membership
                    for ward in row.locatedWards { wardCounts.add(ward: ward, registeredOn: day) }
                }
                if memberships.count >= 4096 {
                    try WardMembership.insert(db, memberships)
                    memberships.removeAll(keepingCapacity: true)
                }
            }
            func upsert(_ draft: UnitDraft, row: UnitRowValues, at location: SourceLocation, raw: RawRecord?) throws {
                try session.apply(at: location, raw: raw) {
                    let (outcome, id, moved) = try writer.upsert(draft, row: row, rejectDuplicateInOperation: true)
                    if outcome == .inserted {
                        try inserted(id, row)
                        if row.isFlagged { session.report.flagged += 1 }
                    } else if outcome == .updated {
                        try updated.add(id, moved: moved)
                    }
                    return outcome
                }
            }
            func flush() throws {
                let ids = try writer.insertNew(pendingRows[...])
                for (i, id) in ids.enumerated() {
                    if let id {
                        session.report.count(.inserted, flagged: pendingRows[i].isFlagged)
                        try inserted(id, pendingRows[i])
                    } else {
                        let p = pending[i]
                        try upsert(p.draft, row: pendingRows[i], at: p.location, raw: p.raw)
                    }
                }
                pending.removeAll(keepingCapacity: true)
                pendingRows.removeAll(keepingCapacity: true)
                pendingMarkets.removeAll(keepingCapacity: true)
                try indexes.dropWhen(written: session.report.inserted, db)
            }
            return (
                { location, raw, validated in
                    let (draft, issues, row) = validated
                    guard try session.accept(issues, raw), let draft, let row else { return }
                    // A stall's market must be in the database before its id is looked up.
                    if let market = draft.marketCode, pendingMarkets.contains(market) { try flush() }
                    if row.hasFootprint {  // a market with its polygon: the multi-row insert has no footprint
                        try flush()
                        return try upsert(draft, row: row, at: location, raw: raw)
                    }
                    do {
                        let completed = try writer.complete(row, of: draft)
                        pending.append((draft, location, raw))
                        pendingRows.append(completed)
                        if draft.kind == .market { pendingMarkets.insert(draft.code) }
                    } catch is UnitWriter.MarketMissing {
                        deferred.append((draft, row, location, raw))  // the market may come later in the file
                    }
                    if pending.count >= UnitWriter.rowsPerInsert { try flush() }
                },
                {
                    try flush()
                    // A stall whose market is still missing is refused (UnitWriter.MarketMissing).
                    for (draft, row, location, raw) in deferred { try upsert(draft, row: row, at: location, raw: raw) }
                    // Every record has been written or refused: an all-or-nothing import with errors is rolled back
                    // (run, next), so the steps below, about as long as the writing on a large file, would be thrown away.
                    if session.rollsBack { return }
                    try WardMembership.insert(db, memberships)
                    try stretchWards?.flush(db)
                    try wardCounts.restore(db)  // before the updated units' wards are placed, with the trigger
                    // What follows sorts whole columns (indexes, the R*Tree's boxes, box cells): SQLite's sorters
                    // hold as much as the page cache may, so a small cache keeps memory flat, spilling to temporary files;
                    // the reading thread is done, so the sorters may use a helper thread (an index of a million units
                    // built in 0.56 s instead of 0.74).
                    try db.execute(sql: "PRAGMA cache_size = -4096; PRAGMA threads = 1")
                    if stretchWards == nil { try UnitStretchWards.rebuild(db) }  // emptied by a ward written elsewhere
                    options.finishing?(.tableIndexes)
                    try indexes.restore(db)
                    options.finishing?(.statusHistory)
                    try writer.recordRegistrations(after: lastIdBefore)
                    options.finishing?(.spatialIndex)
                    // When the units' R*Tree is packed again, the box cells are packed from the same sorted rows.
                    let cellsRepacked = try triggers.restore(db, written: "x.updated_at = ?", updated: "x.updated_at = ? AND x.created_at <> ?",
                                                             arguments: [writer.now], writtenRows: session.report.inserted + session.report.updated,
                                                             alongside: try boxCells.repacking(db))
                    options.finishing?(.searchIndex)
                    try search.restore(db, createdAt: writer.now, inserted: session.report.inserted)
                    try boxCells.restore(db, repacked: cellsRepacked)
                    // The wards of the updated units whose point changed, ward by ward through the cells when they
                    // are a large part of the registry; the others keep theirs (a unit's wards follow from its point
                    // alone), and only their flags are made again, as a new registration day or declared ward may
                    // change them. Placing all of them took 4.4 s of an import of 100 000 renamed units.
                    if updated.count > 0 {
                        options.finishing?(.updatedUnitsWards)
                        let today = options.day(of: now)
                        if updated.moved > 0 {
                            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units") ?? 0
                            session.report.flagged += try WardMembership.place(
                                db, units: UpdatedUnits.moved, many: updated.moved * 8 >= total, today: today)
                        }
                        if updated.moved < updated.count {
                            session.report.flagged += try WardMembership.flag(db, units: UpdatedUnits.stayed, today: today)
                        }
                    }
                    try updated.drop(db)
                    // Here rather than in the store's write, which packs them after the body too (then finding none
                    // stale), so that the step is reported: a million new units take seconds.
                    options.finishing?(.boxCells)
                    try UnitBoxCells.packStale(db)
                }
            )
        }
    }

    /// Measuring instruments from CSV or GeoJSON properties.
    public func importInstruments(path: String, options: ImportOptions = ImportOptions()) throws -> ImportReport {
        try run(path: path, options: options, aliases: ImportFields.instruments,
                prepare: { record, context, _ in InstrumentValidation.validate(record, context: context) }) { db, session in
            var writer = InstrumentWriter(db: db, now: RegistryStore.timestamp(now, precise: true))
            writer.checksUnitLife = options.checksVerificationAgainstUnitLife
            return ({ try session.write($2, at: $0, raw: $1, writer.upsert) }, {})
        }
    }

    /// Inspections and the violations found in them, one line per finding (see README "Import columns").
    public func importInspections(path: String, options: ImportOptions = ImportOptions()) throws -> ImportReport {
        try run(path: path, options: options, aliases: ImportFields.inspections,
                prepare: { record, context, _ in InspectionValidation.validate(record, context: context) }) { db, session in
            let writer = InspectionWriter(db: db, now: RegistryStore.timestamp(now, precise: true))
            return ({ try session.write($2, at: $0, raw: $1, writer.upsert) }, {})
        }
    }

    private func write(checkingForeignKeysAtEndOf written: [WrittenRows]?, _ body: (Database) throws -> Void) throws {
        if let written { try store.write(checkingForeignKeysAtEndOf: written, body) } else { try store.write(body) }
    }

    /// The shared frame: one write transaction, every record validated, rollback on any error unless
    /// skipInvalid, rejects written after the commit. `prepare` (validation) runs on the reading thread
    /// of an ImportPipeline, `handle` and `finish` in the transaction.
    private func run<Prepared>(
        path: String, options: ImportOptions, aliases: [String: [String]], checkingForeignKeysAtEndOf: [WrittenRows]? = nil,
        locatesWards: Bool = false, prepare: @escaping (ImportRecord, ValidationContext, CoordinateTransform?) -> Prepared,
        handlers: (Database, ImportSession) throws -> (handle: (SourceLocation, RawRecord?, Prepared) throws -> Void, finish: () throws -> Void)
    ) throws -> ImportReport {
        let fileName = FileIdentity.name(of: path)
        if options.skipInvalid, let out = options.rejectsPath {
            try Rejects.checkDestination(out, input: path, database: store.path, replacing: options.replacesRejects)
        }
        let initialTransform = try options.srs.map { try CoordinateTransform(from: $0) }
        let dateOrder = try options.dateOrder ?? ImportFile.detectDateOrder(path: path, aliases: aliases)
        var session: ImportSession!
        let result = ReadingResult()
        do {
            try write(checkingForeignKeysAtEndOf: checkingForeignKeysAtEndOf) { db in
                // A 32 MiB page cache while the import runs (random inserts into the code index spill less),
                // then the connection's own size again. Measured on 2 000 000 generated units: 16 MiB took
                // 68 s, 32 MiB 63 s, 64 MiB 65 s (peak memory 85, 102 and 135 MB).
                let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                let threads = try Int.fetchOne(db, sql: "PRAGMA threads") ?? 0
                try db.execute(sql: "PRAGMA cache_size = -32768")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize); PRAGMA threads = \(threads)") }
                session = ImportSession(skipInvalid: options.skipInvalid, rejectsPath: options.rejectsPath)
                var context = try ValidationContext.load(db, today: options.day(of: now))
                if locatesWards { context.wardLocator = try WardLocator.load(db) }
                let reading = ReadingSide(path: path, aliases: aliases, context: context,
                                          transform: initialTransform, progress: options.progress, prepare: prepare)
                let (handle, finish) = try handlers(db, session)
                let pipeline = ImportPipeline<(SourceLocation, RawRecord?, Prepared)>()
                let keepRaw = options.skipInvalid && options.rejectsPath != nil  // the raw record is only needed for the rejects file
                pipeline.start { send in
                    var reading = reading
                    var warnings = ImportWarnings()
                    result.header = try ImportFile.forEachRecord(
                        path: reading.path, aliases: reading.aliases, warnings: &warnings, keepRaw: keepRaw, progress: reading.progress,
                        dateOrder: dateOrder,
                        declaredCRS: { crs in
                            if reading.transform == nil, let crs, crs != "OGC:CRS84", crs != "EPSG:4326" {
                                reading.transform = try CoordinateTransform(from: crs)
                            }
                        }
                    ) { record, raw in
                        guard send((record.location, keepRaw ? raw : nil, reading.prepare(record, reading.context, reading.transform))) else {
                            throw CancellationError()
                        }
                    }
                    result.warnings = warnings.shown
                    result.moreWarnings = warnings.more
                }
                defer { pipeline.finish() }
                // Each batch goes back to the reading thread one batch late, once the rows copied from it were
                // written, so that thread, not this busier one, frees its records.
                var previous: [(SourceLocation, RawRecord?, Prepared)] = []
                while let batch = try pipeline.next() {
                    for (location, raw, prepared) in batch {
                        session.report.read += 1
                        try handle(location, raw, prepared)
                    }
                    pipeline.recycle(previous)
                    previous = batch
                }
                let fileWarnings = result.warnings + session.report.warnings
                session.report.moreWarnings += result.moreWarnings
                session.report.warnings = []
                session.report.add(fileWarnings)
                try finish()
                if session.rollsBack {
                    if session.report.moreErrors > 0 {
                        throw RegistryError.tooManyInvalid(shown: session.report.errors, total: session.report.errorCount, file: fileName)
                    }
                    throw RegistryError.invalidInput(session.report.errors + session.report.warnings, file: fileName)
                }
                options.finishing?(.commit)
            }
        } catch let error as DatabaseError {
            throw RegistryError.database("\(fileName): \(error.message ?? "\(error)"); nothing was written", underlying: error)
        } catch RegistryError.database(let message, let underlying) {  // the store's own mapping of a DatabaseError
            throw RegistryError.database("\(fileName): \(message); nothing was written", underlying: underlying)
        }
        var report = session.report
        report.rejectsFile = try session.rejects.finish(header: result.header)
        return report
    }
}

/// A writer's reason to refuse one record (not a database failure): it becomes that record's
/// validation error, naming the field, the value and what was expected.
protocol RecordRejection: Error {
    var field: String { get }
    var value: String? { get }
    var expected: String { get }
}

/// The unit a record names by `unit_code`: instruments and inspections each belong to one.
enum UnitReference {
    struct Missing: RecordRejection {
        let value: String?
        var field: String { "unit_code" }
        var expected: String { "the code of a unit in the registry (import units first)" }
    }

    static let sql = "SELECT id FROM economic_units WHERE code = ?"

    /// The unit's id; Missing when the registry has no unit with that code.
    static func id(_ db: Database, code: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: [code]) else { throw Missing(value: code) }
        return id
    }
}

/// What the reading thread found besides the records; read after the last batch.
private final class ReadingResult: @unchecked Sendable {
    var header: RawHeader = .csv([])
    var warnings: [ValidationIssue] = []
    var moreWarnings = 0
}

/// The state of one import while it runs.
final class ImportSession {
    let skipInvalid: Bool
    var report = ImportReport()
    let rejects: Rejects

    /// `rejectsPath`: where the rejected records go (skipInvalid); nil counts them only.
    init(skipInvalid: Bool, rejectsPath: String? = nil) {
        self.skipInvalid = skipInvalid
        rejects = Rejects(destination: skipInvalid ? rejectsPath : nil)
    }

    /// True once an all-or-nothing import (not skipInvalid) has an invalid record: it will be rolled back.
    var rollsBack: Bool { !skipInvalid && report.errorCount > 0 }

    /// Records the issues; true when the record is valid and should be written. Valid records are
    /// written even after an invalid one in an all-or-nothing import, which then rolls back: only
    /// writing finds what the writer refuses (a code given twice, a stall whose market is nowhere),
    /// and the error report must name every bad record.
    func accept(_ issues: [ValidationIssue], _ raw: RawRecord?) throws -> Bool {
        let errors = issues.filter { $0.severity == .error }
        report.add(issues.filter { $0.severity == .warning })
        if !errors.isEmpty {
            try reject(raw, errors)
            return false
        }
        return true
    }

    /// Writes a validated record with `upsert` and counts the outcome. A writer's objection to the
    /// record itself (a RecordRejection: unknown unit, duplicate in the file) rejects the record.
    func write<Draft>(_ validated: (Draft?, [ValidationIssue]), at location: SourceLocation, raw: RawRecord?,
                      _ upsert: (Draft) throws -> UnitWriter.Outcome) throws {
        let (draft, issues) = validated
        guard try accept(issues, raw), let draft else { return }
        try apply(at: location, raw: raw) { try upsert(draft) }
    }

    /// Runs a writer's step for one accepted record and counts its outcome; a writer's objection to
    /// the record itself (a RecordRejection) rejects the record instead.
    func apply(at location: SourceLocation, raw: RawRecord?, flagged: Bool = false, _ step: () throws -> UnitWriter.Outcome) throws {
        do {
            report.count(try step(), flagged: flagged)
        } catch let rejection as RecordRejection {
            try reject(raw, [ValidationIssue(location, field: rejection.field, value: rejection.value, expected: rejection.expected)])
        }
    }

    /// `raw` is there when the rejects are kept (skipInvalid).
    func reject(_ raw: RawRecord?, _ issues: [ValidationIssue]) throws {
        report.add(issues)
        report.rejected += 1
        if skipInvalid, let raw { try rejects.add(raw, issues) }
    }
}

extension ImportReport {
    mutating func count(_ outcome: UnitWriter.Outcome, flagged isFlagged: Bool) {
        switch outcome {
        case .inserted: inserted += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        }
        if isFlagged { flagged += 1 }
    }
}

/// Rejected records, written back in the input's own format with a `reject_reason` added. They stream
/// to a temporary file beside the destination as they come, so a file of a million bad rows costs no
/// memory; after the commit the file gets its header and takes the destination's name. Only a count is kept.
final class Rejects {
    private let destination: String?
    private var bodyPath: String?
    private var body: UnsafeMutablePointer<FILE>?
    private var features: GeoJSONWriter?
    private var isCSV = true
    private(set) var count = 0

    /// `destination` nil: rejects are counted, not written.
    init(destination: String?) { self.destination = destination }

    deinit { discard() }

    func add(_ raw: RawRecord, _ issues: [ValidationIssue]) throws {
        count += 1
        guard let destination else { return }
        let reason = issues.map { "\($0.field): \($0.value ?? "(empty)"): \($0.expected)" }.joined(separator: " | ")
        if body == nil {
            let path = Rejects.temporaryPath(beside: destination, "body")
            guard let file = fopen(path, "w+x") else { throw Rejects.failure(destination, errno) }
            (bodyPath, body) = (path, file)
            // No begin(): the collection's opening is written when the header is (finish).
            features = GeoJSONWriter(layout: .featureCollection, precision: 9) { text in
                guard fputs(text, file) >= 0 else { throw Rejects.failure(destination, errno) }
            }
        }
        switch raw {
        case .csv(let cells, let line):
            isCSV = true
            var text = ""
            CSVWriter { text += $0 }.write([String(line)] + cells + [reason])
            guard fputs(text, body) >= 0 else { throw Rejects.failure(destination, errno) }
        case .feature(let f):
            isCSV = false
            var feature = f ?? Feature(geometry: nil)
            feature.properties.append(("reject_reason", .string(reason)))
            try features?.write(feature)
        }
    }

    /// Puts the header before the rows written so far and moves the file to the destination; returns
    /// its path, or nil when nothing was rejected.
    func finish(header: RawHeader) throws -> String? {
        guard let destination, bodyPath != nil, let body else { return nil }
        defer { discard() }
        if !isCSV { try features?.end() }
        guard fflush(body) == 0 else { throw Rejects.failure(destination, errno) }
        rewind(body)
        let finalPath = Rejects.temporaryPath(beside: destination, "new")
        guard let out = fopen(finalPath, "wx") else { throw Rejects.failure(destination, errno) }
        var ok = true
        switch header {
        case .csv(let columns): CSVWriter { ok = ok && fputs($0, out) >= 0 }.write(["line"] + columns + ["reject_reason"])
        case .geojson: ok = fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", out) >= 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while ok {
            let n = fread(&chunk, 1, chunk.count, body)
            if n == 0 { ok = ferror(body) == 0; break }
            ok = fwrite(chunk, 1, n, out) == n
        }
        let error = errno
        ok = fclose(out) == 0 && ok
        guard ok, rename(finalPath, destination) == 0 else {
            unlink(finalPath)
            throw Rejects.failure(destination, ok ? errno : error)
        }
        return destination
    }

    /// Removes what was written (after a failed import, or once moved into place).
    func discard() {
        if let body { fclose(body) }
        if let bodyPath { unlink(bodyPath) }
        (body, bodyPath, features) = (nil, nil, nil)
    }

    /// A hidden file in the destination's folder, so the final move is a rename on one file system.
    private static func temporaryPath(beside destination: String, _ role: String) -> String {
        let url = URL(fileURLWithPath: destination)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(role)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    }

    private static func failure(_ path: String, _ code: Int32) -> RegistryError {
        RegistryError.unreadable(file: path, reason: "cannot write the rejects file: \(String(cString: strerror(code)))")
    }

    /// Refuses, before anything is imported, a rejects file that is the input itself or the registry's database (by
    /// resolved path or by inode), an existing file unless `replacing`, or a path that could not be written.
    static func checkDestination(_ out: String, input: String, database: String, replacing: Bool) throws {
        try FileIdentity.checkDestination(
            out, field: "rejects",
            protected: [("the input file ", input)] + FileIdentity.databaseFiles(database).map { ("the registry's database ", $0) },
            replacing: replacing)
    }
}
