import Foundation
import GRDB

/// Migration "v16 unit checks without IN lists": economic_units' CHECK constraints on `kind` and `status` become
/// the same tests written as OR chains.
///
/// SQLite (3.40) checks `kind IN ('enterprise', …)` through a temporary b-tree of the list, and in a CHECK
/// constraint it builds that b-tree again for every row it checks: importing 50 000 units, callgrind counted 98 708
/// clearings of such b-trees, two per unit. The two lists took about two fifths of the instructions the writing
/// thread spent inserting units: 2.53 G in `UnitWriter.insertNew` with the lists, 1.45 G with the OR chains. An OR
/// chain of equalities is evaluated as it stands.
///
/// A table's CHECK constraints are only in its CREATE TABLE text. The new constraints accept exactly the rows the
/// old ones did, so the text is changed in place, by the procedure SQLite documents for changing constraints
/// without rebuilding the table (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
/// Changes"): the schema row is rewritten with `writable_schema` on and the schema version is raised, so every
/// connection reads the new schema. Rebuilding economic_units instead would mean its SpatiaLite geometry columns,
/// triggers, search index and every table that refers to it. In the migration's transaction: a failure leaves the
/// schema as it was. A table whose text differs from what migration v1 wrote (changed by hand) is left as it is.
enum UnitCheckRewrite {
    /// The constraints as migration "v1 economic units" wrote them (words apart by any white space) and as they
    /// become.
    static let rewrites: [(old: [String], new: String)] = [
        (["CHECK", "(kind", "IN", "('enterprise',", "'branch',", "'household_business',", "'cooperative',", "'market',", "'market_stall'))"],
         "CHECK (kind = 'enterprise' OR kind = 'branch' OR kind = 'household_business' OR kind = 'cooperative'"
            + " OR kind = 'market' OR kind = 'market_stall')"),
        (["CHECK", "(status", "IN", "('active',", "'suspended',", "'closed'))"],
         "CHECK (status = 'active' OR status = 'suspended' OR status = 'closed')"),
    ]

    static func apply(_ db: Database) throws {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'economic_units'")
        else { return }
        var rewritten = sql
        for rewrite in rewrites {
            guard let range = range(of: rewrite.old, in: rewritten) else { return }
            rewritten.replaceSubrange(range, with: rewrite.new)
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        do {
            try db.execute(sql: "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'economic_units'", arguments: [rewritten])
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        } catch {
            try? db.execute(sql: "PRAGMA writable_schema = OFF")
            throw error
        }
        try db.execute(sql: "PRAGMA writable_schema = OFF")
        db.clearSchemaCache()
        // SQLite reads the new text now: a text it cannot read fails here, and the transaction takes it back.
        _ = try Row.fetchAll(db, sql: "SELECT * FROM economic_units LIMIT 0")
    }

    /// Where `words` stand in `text` one after the other, apart by white space only.
    static func range(of words: [String], in text: String) -> Range<String.Index>? {
        var searchFrom = text.startIndex
        while let first = text.range(of: words[0], range: searchFrom..<text.endIndex) {
            var end = first.upperBound
            var matched = true
            for word in words.dropFirst() {
                let next = text[end...].firstIndex { !$0.isWhitespace } ?? text.endIndex
                guard next > end, text[next...].hasPrefix(word) else {
                    matched = false
                    break
                }
                end = text.index(next, offsetBy: word.count)
            }
            if matched { return first.lowerBound..<end }
            searchFrom = first.upperBound
        }
        return nil
    }
}
