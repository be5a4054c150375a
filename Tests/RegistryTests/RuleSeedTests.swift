import Foundation
import GRDB
import Testing
@testable import Registry

/// The rule rows the migrations seed are frozen SQL: a database migrated by this code holds exactly the
/// rows, every column, that the seeds written as Swift values at 93cc6b3 wrote.
@Suite struct RuleSeedTests {
    /// The last migration at 93cc6b3; later migrations may add rule rows of their own.
    static let lastMigrationOfFixture = "v11 city-scale indexes"

    /// `Fixtures/rule-rows-93cc6b3.txt` was made once, from a database created by `econgis init --db v11.sqlite`
    /// built at 93cc6b3, with the same dump through the sqlite3 shell, for each table T it lists:
    ///   echo "# $T($(sqlite3 v11.sqlite "SELECT group_concat(name, ',') FROM pragma_table_info('$T')"))"
    ///   sqlite3 v11.sqlite "SELECT $(sqlite3 v11.sqlite "SELECT group_concat('quote(\"' || name || '\")', ' || ''|'' || ')
    ///     FROM pragma_table_info('$T')") FROM \"$T\" ORDER BY rowid"
    @Test func seededRuleRowsAreThoseOfTheSwiftSeeds() throws {
        let expected = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/rule-rows-93cc6b3.txt"), encoding: .utf8)
        let tables = expected.split(separator: "\n").filter { $0.hasPrefix("# ") }.map { String($0.dropFirst(2).prefix { $0 != "(" }) }
        #expect(tables.count == 10)
        let r = try TemporaryMigration()
        try r.migrate(upTo: Self.lastMigrationOfFixture)
        let (dump, seeded) = try r.pool.read { db in (try Self.dump(db, tables: tables), try Self.tablesWithRows(db)) }
        #expect(seeded == Set(tables), "a table seeded by a migration is missing from the fixture, or one is no longer seeded")
        let got = dump.split(separator: "\n"), want = expected.split(separator: "\n")
        let firstDifference = zip(got, want).first { $0 != $1 }.map { "got  \($0)\nwant \($1)" }
        #expect(firstDifference == nil && got.count == want.count, "\(got.count) lines against \(want.count); \(firstDifference ?? "")")
    }

    /// Every row of `tables`, each column through SQLite's `quote()`, in insertion order.
    static func dump(_ db: Database, tables: [String]) throws -> String {
        var text = ""
        for table in tables {
            let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table])
            text += "# \(table)(\(columns.joined(separator: ",")))\n"
            let row = columns.map { "quote(\"\($0)\")" }.joined(separator: " || '|' || ")
            for line in try String.fetchAll(db, sql: "SELECT \(row) FROM \"\(table)\" ORDER BY rowid") { text += line + "\n" }
        }
        return text
    }

    /// The tables the registry's migrations put rows in: not SpatiaLite's metadata (every table there after
    /// "v1 spatial metadata"), GRDB's list of migrations, or the shadow tables of spatial and text indexes.
    static func tablesWithRows(_ db: Database) throws -> Set<String> {
        let spatialite = try TemporaryMigration().tables(upTo: "v1 spatial metadata")
        var seeded: Set<String> = []
        for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
        where !spatialite.contains(table) && !["grdb_migrations", "sqlite_sequence"].contains(table)
            && !table.hasPrefix("idx_") && !table.hasPrefix("unit_search_") {
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \"\(table)\")") == true { seeded.insert(table) }
        }
        return seeded
    }
}

/// A SpatiaLite database in a temporary directory, migrated step by step with the registry's migrator.
final class TemporaryMigration {
    let directory: URL
    let pool: DatabasePool

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        pool = try DatabasePool(path: directory.appendingPathComponent("r.sqlite").path, configuration: SpatiaLite.configuration())
    }

    deinit {
        try? pool.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func migrate(upTo migration: String) throws { try RegistryMigrations.migrator().migrate(pool, upTo: migration) }

    func tables(upTo migration: String) throws -> Set<String> {
        try migrate(upTo: migration)
        return Set(try pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") })
    }
}
