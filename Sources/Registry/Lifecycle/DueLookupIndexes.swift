/// Migration "v10 seal and follow-up lookups": the due list asks, for every instrument, whether a seal was open on
/// its date; without this index each instrument scans every seal ever made. (Violations are found by their
/// inspection through UNIQUE (inspection_id, category) already.)
enum DueLookupIndexes {
    static let sql = """
        CREATE INDEX instrument_seals_instrument_date ON instrument_seals(instrument_id, sealed_on);
        """
}
