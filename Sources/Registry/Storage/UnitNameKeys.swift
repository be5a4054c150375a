import GRDB

/// Migration "v18 unit name keys": each unit's `name_key` (`VietnameseText.sortKey` of its name), which the writers
/// keep with the name, and its index. A list sorted by name reads this index, in Vietnamese alphabetical order
/// (đ after d, ă and â after a), where the name's bytes put "Đại" after "Zen"; a first page by name reads 100 index
/// entries instead of sorting every unit. A row written by another tool without the key has '' and sorts first.
enum UnitNameKeys {
    static func apply(_ db: Database) throws {
        // The function lives only as long as the migration: the key is the writers' to keep, and another tool
        // (sqlite3, QGIS) that writes a unit must not meet a trigger calling a function it lacks.
        let key = DatabaseFunction("econgis_name_key", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map(VietnameseText.sortKey)
        }
        db.add(function: key)
        defer { db.remove(function: key) }
        try db.execute(sql: """
            ALTER TABLE economic_units ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
            UPDATE economic_units SET name_key = econgis_name_key(name);
            CREATE INDEX economic_units_name_key ON economic_units(name_key);
            """)
    }
}
