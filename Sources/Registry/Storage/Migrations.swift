import GRDB

/// The registry's schema, one migration per change, in SQL only: seeded rule rows are frozen SQL text
/// (Rules/Seeds), never Swift values. A landed migration is never edited: a change to the schema or to
/// the rules (rows with new validity dates) is a new migration.
enum RegistryMigrations {
    /// The first migration's name: a database that recorded it was made by EconGIS.
    static let first = "v1 spatial metadata"

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(first) { db in
            // WGS84 mode: EPSG:4326 and the WGS 84 UTM zones. Reprojection happens in PROJ, not here.
            try db.execute(sql: "SELECT InitSpatialMetadata(0, 'WGS84')")
        }
        migrator.registerMigration("v1 administrative units") { db in
            try db.execute(sql: """
                CREATE TABLE admin_units (
                  id INTEGER PRIMARY KEY,
                  code TEXT NOT NULL,
                  name TEXT NOT NULL,
                  level TEXT NOT NULL CHECK (level IN ('province', 'district', 'ward')),
                  parent_id INTEGER REFERENCES admin_units(id),
                  valid_from TEXT NOT NULL,
                  valid_to TEXT,
                  source TEXT,
                  UNIQUE (code, valid_from),
                  CHECK (valid_to IS NULL OR valid_to >= valid_from)
                );
                SELECT AddGeometryColumn('admin_units', 'geom', 4326, 'MULTIPOLYGON', 'XY');
                SELECT CreateSpatialIndex('admin_units', 'geom');
                CREATE INDEX admin_units_level_period ON admin_units(level, valid_from, valid_to);

                CREATE TABLE admin_unit_successions (
                  id INTEGER PRIMARY KEY,
                  predecessor_id INTEGER NOT NULL REFERENCES admin_units(id) ON DELETE CASCADE,
                  successor_id INTEGER NOT NULL REFERENCES admin_units(id) ON DELETE CASCADE,
                  effective_on TEXT NOT NULL,
                  extent TEXT NOT NULL CHECK (extent IN ('whole', 'part')),
                  note TEXT,
                  UNIQUE (predecessor_id, successor_id)
                );

                -- The area the office is responsible for; unit locations must fall inside it.
                CREATE TABLE jurisdiction (
                  id INTEGER PRIMARY KEY CHECK (id = 1),
                  name TEXT NOT NULL
                );
                SELECT AddGeometryColumn('jurisdiction', 'geom', 4326, 'MULTIPOLYGON', 'XY');
                """)
        }
        migrator.registerMigration("v1 rule tables") { db in
            try db.execute(sql: """
                CREATE TABLE instrument_types (
                  code TEXT PRIMARY KEY,
                  name_vi TEXT NOT NULL,
                  name_en TEXT NOT NULL
                );
                CREATE TABLE verification_rules (
                  id INTEGER PRIMARY KEY,
                  instrument_type TEXT NOT NULL REFERENCES instrument_types(code),
                  cycle_months INTEGER NOT NULL CHECK (cycle_months > 0),
                  valid_from TEXT NOT NULL,
                  valid_to TEXT,
                  source TEXT NOT NULL,
                  confidence TEXT NOT NULL CHECK (confidence IN ('sure', 'likely', 'uncertain')),
                  note TEXT,
                  CHECK (valid_to IS NULL OR valid_to >= valid_from)
                );
                CREATE INDEX verification_rules_type ON verification_rules(instrument_type, valid_from);
                CREATE TABLE vsic_codes (
                  code TEXT PRIMARY KEY,
                  title TEXT NOT NULL,
                  source TEXT NOT NULL
                );
                -- Formats of registration numbers that are not tax codes (household businesses).
                CREATE TABLE identifier_formats (
                  id INTEGER PRIMARY KEY,
                  unit_kind TEXT NOT NULL,
                  name TEXT NOT NULL,
                  pattern TEXT NOT NULL,
                  example TEXT NOT NULL,
                  valid_from TEXT NOT NULL,
                  valid_to TEXT,
                  source TEXT NOT NULL,
                  confidence TEXT NOT NULL CHECK (confidence IN ('sure', 'likely', 'uncertain'))
                );
                """)
            try db.execute(sql: InstrumentTypesSeed.sql)
            try db.execute(sql: VSICCodesSeed.sql)
            try db.execute(sql: IdentifierFormatsSeed.sql)
        }
        migrator.registerMigration("v1 economic units") { db in
            try db.execute(sql: """
                CREATE TABLE economic_units (
                  id INTEGER PRIMARY KEY,
                  code TEXT NOT NULL UNIQUE,
                  kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'branch', 'household_business',
                                                     'cooperative', 'market', 'market_stall')),
                  name TEXT NOT NULL CHECK (name <> ''),
                  owner TEXT,
                  address TEXT,
                  vsic_codes TEXT,
                  market_id INTEGER REFERENCES economic_units(id),
                  stall_no TEXT,
                  zone TEXT,
                  registration_no TEXT,
                  declared_ward_code TEXT,
                  declared_ward_id INTEGER REFERENCES admin_units(id) ON DELETE SET NULL,
                  located_ward_id INTEGER REFERENCES admin_units(id) ON DELETE SET NULL,
                  ward_flag TEXT,
                  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
                  status_since TEXT,
                  registered_on TEXT,
                  search_text TEXT NOT NULL,
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  version INTEGER NOT NULL DEFAULT 1,
                  CHECK ((kind = 'market_stall') = (market_id IS NOT NULL AND stall_no IS NOT NULL))
                );
                SELECT AddGeometryColumn('economic_units', 'geom', 4326, 'POINT', 'XY');
                SELECT CreateSpatialIndex('economic_units', 'geom');
                -- A market's footprint; its point is where a visit starts.
                SELECT AddGeometryColumn('economic_units', 'footprint', 4326, 'MULTIPOLYGON', 'XY');
                CREATE UNIQUE INDEX economic_units_stall ON economic_units(market_id, stall_no) WHERE market_id IS NOT NULL;
                CREATE INDEX economic_units_kind_status ON economic_units(kind, status);
                CREATE INDEX economic_units_declared_ward ON economic_units(declared_ward_id);

                CREATE TABLE unit_status_history (
                  id INTEGER PRIMARY KEY,
                  unit_id INTEGER NOT NULL REFERENCES economic_units(id) ON DELETE CASCADE,
                  status TEXT NOT NULL,
                  since TEXT,
                  note TEXT,
                  recorded_at TEXT NOT NULL
                );
                CREATE INDEX unit_status_history_unit ON unit_status_history(unit_id);

                CREATE TABLE measuring_instruments (
                  id INTEGER PRIMARY KEY,
                  unit_id INTEGER NOT NULL REFERENCES economic_units(id) ON DELETE CASCADE,
                  instrument_type TEXT NOT NULL REFERENCES instrument_types(code),
                  serial_no TEXT NOT NULL CHECK (serial_no <> ''),
                  manufacturer TEXT,
                  model TEXT,
                  accuracy_class TEXT,
                  max_capacity REAL CHECK (max_capacity IS NULL OR max_capacity > 0),
                  scale_interval REAL CHECK (scale_interval IS NULL OR scale_interval > 0),
                  measure_unit TEXT,
                  last_verified_on TEXT,
                  certificate_no TEXT,
                  stamp_no TEXT,
                  verified_by TEXT,
                  is_reference INTEGER NOT NULL DEFAULT 0,
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  version INTEGER NOT NULL DEFAULT 1,
                  UNIQUE (unit_id, instrument_type, serial_no)
                );
                CREATE INDEX measuring_instruments_type ON measuring_instruments(instrument_type);
                """)
        }
        migrator.registerMigration("v2 inspections") { db in
            try db.execute(sql: """
                -- What an inspection can find, how serious it is, and the law it rests on. Data, not code.
                CREATE TABLE violation_categories (
                  code TEXT PRIMARY KEY,
                  name_vi TEXT NOT NULL,
                  name_en TEXT NOT NULL,
                  seriousness INTEGER NOT NULL CHECK (seriousness BETWEEN 1 AND 3),
                  legal_basis TEXT,
                  source TEXT NOT NULL,
                  confidence TEXT NOT NULL,
                  valid_from TEXT NOT NULL,
                  valid_to TEXT
                );

                -- How long a visit takes and when such places are open, by kind of visit. Planning defaults.
                CREATE TABLE visit_profiles (
                  category TEXT PRIMARY KEY CHECK (category IN ('fuel_station', 'gold_shop', 'market', 'market_stall', 'other')),
                  service_minutes INTEGER NOT NULL CHECK (service_minutes > 0),
                  opening_hours TEXT NOT NULL,
                  note TEXT NOT NULL
                );

                CREATE TABLE inspections (
                  id INTEGER PRIMARY KEY,
                  unit_id INTEGER NOT NULL REFERENCES economic_units(id) ON DELETE CASCADE,
                  inspected_on TEXT NOT NULL,
                  scope TEXT NOT NULL CHECK (scope IN ('metrology', 'labels', 'prices', 'quality', 'quantity', 'origin', 'general')),
                  outcome TEXT NOT NULL CHECK (outcome IN ('compliant', 'violation')),
                  team TEXT,
                  note TEXT,
                  created_at TEXT NOT NULL,
                  UNIQUE (unit_id, inspected_on, scope)
                );
                CREATE INDEX inspections_unit_date ON inspections(unit_id, inspected_on);

                CREATE TABLE violations (
                  id INTEGER PRIMARY KEY,
                  inspection_id INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
                  category TEXT NOT NULL REFERENCES violation_categories(code),
                  description TEXT,
                  fine_vnd INTEGER CHECK (fine_vnd IS NULL OR fine_vnd >= 0),
                  follow_up TEXT,
                  follow_up_due TEXT,
                  resolved_on TEXT,
                  created_at TEXT NOT NULL,
                  UNIQUE (inspection_id, category)
                );
                """)
            try db.execute(sql: ViolationCategoriesSeed.sql)
            try db.execute(sql: VisitProfilesSeed.sql)
        }
        migrator.registerMigration("v3 ward membership and unit search") { db in
            try db.execute(sql: """
                -- The wards of every period that a unit's point lies in (ST_Intersects: a point on a shared
                -- edge is in both), computed by SpatiaLite when units or wards are written. Units without a
                -- point are found by their declared ward instead.
                CREATE TABLE unit_wards (
                  unit_id INTEGER NOT NULL REFERENCES economic_units(id) ON DELETE CASCADE,
                  admin_unit_id INTEGER NOT NULL REFERENCES admin_units(id) ON DELETE CASCADE,
                  PRIMARY KEY (unit_id, admin_unit_id)
                ) WITHOUT ROWID;
                CREATE INDEX unit_wards_ward ON unit_wards(admin_unit_id, unit_id);

                -- Each ward cut into a 64 x 64 grid over its bounding box, keeping the cells it covers
                -- (inside = 1) or its boundary crosses (inside = 0): a point whose index box lies in an
                -- inside cell is in the ward without a geometry test; only points in boundary cells go
                -- to SpatiaLite's ST_Intersects. Made when wards are written (WardMembership).
                CREATE TABLE ward_cells (
                  id INTEGER PRIMARY KEY,
                  admin_unit_id INTEGER NOT NULL REFERENCES admin_units(id) ON DELETE CASCADE,
                  minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
                  inside INTEGER NOT NULL CHECK (inside IN (0, 1))
                );
                CREATE INDEX ward_cells_ward ON ward_cells(admin_unit_id);

                -- Text search over the normalised key (lower case, no diacritics, đ as d), word by word:
                -- each word of a query matches the words it begins (UnitStatement). A bulk import adds
                -- its new units in one statement instead of through the insert trigger (UnitSearchIndex).
                CREATE VIRTUAL TABLE unit_search USING fts5(
                  search_text, content = 'economic_units', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
                INSERT INTO unit_search (unit_search) VALUES ('rebuild');
                CREATE TRIGGER unit_search_insert AFTER INSERT ON economic_units BEGIN
                  INSERT INTO unit_search (rowid, search_text) VALUES (new.id, new.search_text);
                END;
                CREATE TRIGGER unit_search_delete AFTER DELETE ON economic_units BEGIN
                  INSERT INTO unit_search (unit_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                END;
                CREATE TRIGGER unit_search_update AFTER UPDATE OF search_text ON economic_units
                WHEN old.search_text IS NOT new.search_text BEGIN
                  INSERT INTO unit_search (unit_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                  INSERT INTO unit_search (rowid, search_text) VALUES (new.id, new.search_text);
                END;

                CREATE INDEX economic_units_updated ON economic_units(updated_at);
                CREATE INDEX economic_units_registered ON economic_units(registered_on);
                CREATE INDEX economic_units_unplaced ON economic_units(declared_ward_id) WHERE geom IS NULL;
                -- located_ward_id is no longer kept: unit_wards holds the ward of every period.
                UPDATE economic_units SET located_ward_id = NULL;
                """)
        }
        migrator.registerMigration("v4 tolerance and penalty rules") { db in try db.execute(sql: ToleranceRuleTables.sql) }
        migrator.registerMigration("v5 inspection lifecycle") { db in try db.execute(sql: InspectionLifecycleTables.sql) }
        migrator.registerMigration("v6 goods origin log") { db in try db.execute(sql: GoodsOriginTables.sql) }
        migrator.registerMigration("v7 change history") { db in try db.execute(sql: ChangeHistoryTables.sql) }
        migrator.registerMigration("v8 drop located_ward_id") { db in try db.execute(sql: LocatedWardColumnDrop.sql) }
        migrator.registerMigration("v9 reference layers") { db in try db.execute(sql: ReferenceLayerTables.sql) }
        migrator.registerMigration("v10 seal and follow-up lookups") { db in try db.execute(sql: DueLookupIndexes.sql) }
        migrator.registerMigration("v11 city-scale indexes") { db in try db.execute(sql: CityScaleIndexes.sql) }
        migrator.registerMigration("v12 unit box cells") { db in try db.execute(sql: UnitBoxCellTables.sql) }
        migrator.registerMigration("v13 unit stretch wards") { db in try db.execute(sql: UnitStretchWards.sql) }
        migrator.registerMigration("v14 ward unit counts") { db in try db.execute(sql: WardUnitCounts.sql) }
        migrator.registerMigration("v15 goods origin entries by province") { db in
            // Two deliveries of one good by one supplier on one day from two provinces (a wholesaler's chickens from
            // Vĩnh Long and from Bình Dương) are two entries: keyed without the province, the second replaced the first.
            try db.execute(sql: """
                DROP INDEX goods_origin_key;
                CREATE UNIQUE INDEX goods_origin_key ON goods_origin_entries(unit_id, received_on, goods, coalesce(supplier, ''),
                                                                             coalesce(origin_province, ''));
                """)
        }
        migrator.registerMigration("v16 unit checks without IN lists") { db in try UnitCheckRewrite.apply(db) }
        migrator.registerMigration("v17 flagged units index") { db in try db.execute(sql: FlaggedUnitIndex.sql) }
        migrator.registerMigration("v18 unit name keys") { db in try UnitNameKeys.apply(db) }
        return migrator
    }
}
