import GRDB

extension FeatureLayers {
    /// The first and last day a registry layer's features hold, for its collection's temporal extent: inspections by
    /// their day, wards by their periods (nil last day while a period is open), units from the first registration to
    /// the day of the last change (each a single index probe); nil for the other layers.
    public func temporalExtent(_ layer: FeatureLayer) throws -> (first: String?, last: String?)? {
        let sql: String
        switch layer {
        case .inspections: sql = "SELECT min(inspected_on), max(inspected_on) FROM inspections WHERE status IN ('done', 'closed')"
        case .units:
            // Two subqueries, each min/max alone: SQLite reads one end of the index for each (with both in one
            // SELECT it would scan the table).
            sql = "SELECT (SELECT min(registered_on) FROM economic_units), substr((SELECT max(updated_at) FROM economic_units), 1, 10)"
        case .wards: sql = "SELECT min(valid_from), CASE WHEN count(*) > count(valid_to) THEN NULL ELSE max(valid_to) END FROM admin_units WHERE level = 'ward'"
        default: return nil
        }
        return try store.read { db in
            let row = try Row.fetchOne(db, sql: sql)
            return (row?[0], row?[1])
        }
    }
}
