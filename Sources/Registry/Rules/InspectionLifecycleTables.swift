/// Migration "v5 inspection lifecycle": inspections become work with a status (planned → in_progress → done →
/// closed, or cancelled), several scopes, measured tests with their verdicts, and violations that carry their
/// legal basis, proposed fine range and re-inspection. Imported history is carried over as closed records.
enum InspectionLifecycleTables {
    static let sql = """
        -- The outcome is known only once an inspection is done, so the table is rebuilt (SQLite cannot drop
        -- NOT NULL). GRDB runs a migration with foreign keys off and checks them all before committing.
        CREATE TABLE inspections_v5 (
          id INTEGER PRIMARY KEY,
          unit_id INTEGER NOT NULL REFERENCES economic_units(id) ON DELETE CASCADE,
          inspected_on TEXT NOT NULL,
          scope TEXT NOT NULL CHECK (scope IN ('metrology', 'labels', 'prices', 'quality', 'quantity', 'origin', 'conformity', 'general')),
          status TEXT NOT NULL DEFAULT 'closed' CHECK (status IN ('planned', 'in_progress', 'done', 'closed', 'cancelled')),
          outcome TEXT CHECK (outcome IN ('compliant', 'violation')),
          team TEXT,
          note TEXT,
          started_on TEXT,
          finished_on TEXT,
          closed_on TEXT,
          cancelled_on TEXT,
          cancel_reason TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT,
          version INTEGER NOT NULL DEFAULT 1,
          UNIQUE (unit_id, inspected_on, scope),
          CHECK ((outcome IS NOT NULL) = (status IN ('done', 'closed'))),
          CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL))
        );
        INSERT INTO inspections_v5 (id, unit_id, inspected_on, scope, status, outcome, team, note, created_at, updated_at)
        SELECT id, unit_id, inspected_on, scope, 'closed', outcome, team, note, created_at, created_at FROM inspections;
        DROP TABLE inspections;
        ALTER TABLE inspections_v5 RENAME TO inspections;
        CREATE INDEX inspections_unit_date ON inspections(unit_id, inspected_on);
        CREATE INDEX inspections_status_date ON inspections(status, inspected_on);

        -- Every scope of an inspection (the `scope` column is 'general' when there are several). Rows written
        -- by the importers, one scope each, get theirs from the trigger.
        CREATE TABLE inspection_scopes (
          inspection_id INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
          scope TEXT NOT NULL CHECK (scope IN ('metrology', 'labels', 'prices', 'quality', 'quantity', 'origin', 'conformity')),
          PRIMARY KEY (inspection_id, scope)
        ) WITHOUT ROWID;
        INSERT INTO inspection_scopes (inspection_id, scope) SELECT id, scope FROM inspections WHERE scope <> 'general';
        CREATE TRIGGER inspection_scope_insert AFTER INSERT ON inspections WHEN new.scope <> 'general' BEGIN
          INSERT OR IGNORE INTO inspection_scopes (inspection_id, scope) VALUES (new.id, new.scope);
        END;

        -- A measured test and its automatic verdict. The rule's code, source and limit are copied: the record
        -- keeps what was applied even if the rule table is edited later.
        CREATE TABLE inspection_tests (
          id INTEGER PRIMARY KEY,
          inspection_id INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
          instrument_id INTEGER REFERENCES measuring_instruments(id) ON DELETE SET NULL,
          kind TEXT NOT NULL CHECK (kind IN ('fuel', 'scale', 'weighing', 'gold', 'prepack', 'administration')),
          measurement TEXT NOT NULL,
          verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail')),
          error REAL NOT NULL,
          limit_value REAL NOT NULL,
          unit TEXT NOT NULL,
          rule_code TEXT NOT NULL,
          rule_source TEXT NOT NULL,
          checks TEXT NOT NULL,
          note TEXT,
          recorded_at TEXT NOT NULL
        );
        CREATE INDEX inspection_tests_inspection ON inspection_tests(inspection_id);
        CREATE INDEX inspection_tests_instrument ON inspection_tests(instrument_id);

        ALTER TABLE violations ADD COLUMN test_id INTEGER REFERENCES inspection_tests(id) ON DELETE SET NULL;
        ALTER TABLE violations ADD COLUMN legal_basis TEXT;
        ALTER TABLE violations ADD COLUMN fine_min_vnd INTEGER;
        ALTER TABLE violations ADD COLUMN fine_max_vnd INTEGER;
        ALTER TABLE violations ADD COLUMN penalty_rules TEXT;

        -- Days from the inspection to the re-inspection a violation of the category schedules. Office practice,
        -- not law: an office edits these.
        ALTER TABLE violation_categories ADD COLUMN reinspect_within_days INTEGER CHECK (reinspect_within_days > 0);
        UPDATE violation_categories SET reinspect_within_days = CASE seriousness WHEN 3 THEN 30 WHEN 2 THEN 60 ELSE 90 END;

        -- What a visit of each kind looks at, for the inspections a day's plan turns into (comma-separated scopes).
        ALTER TABLE visit_profiles ADD COLUMN scopes TEXT NOT NULL DEFAULT 'metrology';
        UPDATE visit_profiles SET scopes = CASE category
          WHEN 'fuel_station' THEN 'metrology,quantity,prices'
          WHEN 'gold_shop' THEN 'metrology,quality,prices'
          WHEN 'market' THEN 'metrology,origin'
          WHEN 'market_stall' THEN 'metrology,prices,origin'
          ELSE 'labels,prices,origin' END;

        -- The field (inspection scope) a violation of each category belongs to, for reports by field.
        ALTER TABLE violation_categories ADD COLUMN field TEXT CHECK (field IN ('metrology', 'labels', 'prices', 'conformity', 'quantity', 'quality', 'origin'));
        UPDATE violation_categories SET field = CASE
          WHEN code IN ('instrument_unverified', 'instrument_seal_broken', 'instrument_out_of_tolerance', 'instrument_unsuitable', 'quantity_short')
            THEN 'metrology'
          WHEN code = 'prepackaged_quantity' THEN 'quantity'
          WHEN code = 'label_missing' THEN 'labels'
          WHEN code = 'price_not_listed' THEN 'prices'
          WHEN code = 'origin_unproven' THEN 'origin'
          WHEN code = 'conformity_missing' THEN 'conformity' END;

        -- An instrument sealed (not to be used) at an inspection, until it is re-verified.
        CREATE TABLE instrument_seals (
          id INTEGER PRIMARY KEY,
          instrument_id INTEGER NOT NULL REFERENCES measuring_instruments(id) ON DELETE CASCADE,
          inspection_id INTEGER REFERENCES inspections(id) ON DELETE SET NULL,
          sealed_on TEXT NOT NULL,
          reason TEXT NOT NULL,
          released_on TEXT,
          release_note TEXT,
          CHECK (released_on IS NULL OR released_on >= sealed_on)
        );
        CREATE UNIQUE INDEX instrument_seals_open ON instrument_seals(instrument_id) WHERE released_on IS NULL;
        """
}
