/// Formats of household-business registration numbers (FACTS.md §5), seeded by migration
/// "v1 rule tables".
/// Frozen: this is what the migration wrote and always will write; a change to these rules is a
/// new migration (rows with new validity dates), never an edit here.
enum IdentifierFormatsSeed {
    static let sql = #"""
        INSERT INTO identifier_formats (unit_kind, name, pattern, example, valid_from, valid_to, source, confidence) VALUES
          ('household_business', 'household business number (2021 rules): province code, district letter, 8, sequence', '^[0-9]{2}[A-ZĐ]8[0-9]{6}$', '41O8012345', '1900-01-01', NULL, 'Decree 01/2021/NĐ-CP (FACTS.md §5, sure for 2021; earlier numbers are accepted in the same form)', 'sure'),
          ('household_business', 'household business registered under the owner''s 12-digit personal ID (2025 rules)', '^[0-9]{12}$', '079085001234', '2025-07-01', NULL, 'FACTS.md §5 (uncertain)', 'uncertain');
        """#
}
