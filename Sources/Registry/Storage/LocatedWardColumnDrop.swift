/// Migration "v8 drop located_ward_id": the located ward has lived in `unit_wards` (one row per period) since v3,
/// which emptied the column; nothing reads or writes it any more. SQLite drops a column in place when no index,
/// trigger, view, CHECK or table-level foreign key names it: its only constraint is a column-level REFERENCES,
/// which goes with it.
enum LocatedWardColumnDrop {
    static let sql = "ALTER TABLE economic_units DROP COLUMN located_ward_id"
}
