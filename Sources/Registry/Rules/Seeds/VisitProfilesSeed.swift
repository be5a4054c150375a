/// Planning defaults by kind of visit (the issue's service times; opening hours are typical, not
/// measured), seeded by migration "v2 inspections".
/// Frozen: this is what the migration wrote and always will write; a change to these rules is a
/// new migration (rows with new validity dates), never an edit here.
enum VisitProfilesSeed {
    static let sql = #"""
        INSERT INTO visit_profiles (category, service_minutes, opening_hours, note) VALUES
          ('fuel_station', 45, '06:00-22:00', 'check every dispenser with a standard can'),
          ('gold_shop', 30, '08:00-20:00', 'check scales with the reference weights'),
          ('market', 60, '05:00-18:00', 'the market''s reference scale and its management board'),
          ('market_stall', 10, '05:30-17:00', 'stall scale against the market''s reference scale'),
          ('other', 20, '08:00-20:00', 'labels, prices, origin of goods');
        """#
}
