import GRDB

extension ReferenceLayers {
    /// Streams one page of `layer` for `selection`, as `FeatureLayers.page` does for the registry's layers:
    /// `begin` gets the page's description and numberMatched, `body` each row; returns the next page's cursor.
    @discardableResult
    public func page(_ layer: ReferenceLayer, selection: FeatureSelection, precision: Int = 7, counting: Bool = true,
                     timeLimit: Double? = nil, begin: (FeatureLayer.Query, Int?) throws -> Void,
                     _ body: (RawRow) throws -> Void) throws -> PageCursor? {
        try store.read { db in try TimeLimit.within(timeLimit, db) {
            try FeatureLayers.page(db, layer.query(precision: precision), selection: selection, counting: counting, begin: begin, body)
        } }
    }
}

extension FeatureLayers {
    /// One page of any layer statement in the query layer's shape, the registry's layers' and reference layers'.
    /// `chosen`: the page's ids and numberMatched, found by UnitBoxCells.
    static func page(_ db: Database, _ query: FeatureLayer.Query, selection: FeatureSelection, counting: Bool,
                     chosen: UnitBoxCells.Selection? = nil,
                     begin: (FeatureLayer.Query, Int?) throws -> Void, _ body: (RawRow) throws -> Void) throws -> PageCursor? {
        let (q, sql, fixedShape) = try query.selecting(selection, extraRow: selection.page.limit != nil, chosenIds: chosen?.ids)
        let matched = !counting ? nil : try chosen?.matched ?? Int.fetchOne(db, SQLRequest<Int>(literal: q.countSQL, cached: fixedShape)) ?? 0
        // A statement whose text repeats (by id, a first page) is prepared once per connection: SQLite's parsing
        // was a quarter of a by-id request.
        let statement = fixedShape ? try db.cachedStatement(literal: sql) : try db.makeStatement(literal: sql)
        try begin(q, matched)
        return try rows(statement, selection: selection, body)
    }

    /// Steps a page's statement (one row more than the limit, for the next page), handing each row of the page to
    /// `body`; returns the cursor of the last row handed when a next page follows. In id order the cursor is the
    /// id alone, kept per row as a number rather than made as a PageCursor per row.
    static func rows(_ statement: Statement, selection: FeatureSelection, _ body: (RawRow) throws -> Void) throws -> PageCursor? {
        var served = 0
        var last: PageCursor?
        var lastId: Int64?
        var next: PageCursor?
        let byIdAlone = selection.sortBy.isEmpty
        try RawRow.forEach(statement) { row in
            if let limit = selection.page.limit, served == limit {
                next = byIdAlone ? lastId.map { PageCursor(values: [], id: $0) } : last
                return
            }
            try body(row)
            served += 1
            if selection.page.limit != nil {
                if byIdAlone { lastId = row.int64(0) } else { last = selection.cursor(row) }
            }
        }
        return next
    }
}
