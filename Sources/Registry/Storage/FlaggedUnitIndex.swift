/// The units whose declared ward differs from where their point lies (`ward_flag`): migration "v17 flagged units
/// index". A few in a registry, which `units list --flagged` and the import's report read through this partial
/// index instead of every unit (1.0 s on a registry of a million before it, milliseconds after).
enum FlaggedUnitIndex {
    static let sql = """
        CREATE INDEX economic_units_flagged ON economic_units(id) WHERE ward_flag IS NOT NULL;
        """
}
