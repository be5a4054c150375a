/// Indexes for reads at city scale (issue 9's benchmark, scripts/bench/query): migration "v11 city-scale indexes".
enum CityScaleIndexes {
    static let sql = """
        -- A list in the default order (code) skips its first rows through this index alone: a page deep in
        -- the list (OFFSET 900000) reads no unit row but the page's (UnitStatement.selectSQL).
        CREATE INDEX economic_units_code_registered ON economic_units(code, registered_on);
        """
}
