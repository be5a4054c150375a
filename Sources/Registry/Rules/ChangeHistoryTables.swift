/// Migration "v7 change history": every change to a unit, an instrument (and its seals) or an inspection (and its
/// tests and violations) is kept by triggers with when, what, before and after, whoever makes it (the CLI, an
/// import, the server, sqlite3). A unit's creation is its created_at and first status: bulk imports insert
/// too many units for a row each.
enum ChangeHistoryTables {
    static let sql = """
        CREATE TABLE change_history (
          id INTEGER PRIMARY KEY,
          table_name TEXT NOT NULL,
          row_id INTEGER NOT NULL,
          -- What the change is part of: a unit (its row, instruments and seals) or an inspection (its row, tests, violations).
          subject TEXT NOT NULL CHECK (subject IN ('unit', 'inspection')),
          subject_id INTEGER,
          action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
          changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
          -- Who, where known: the server will set it for its users; NULL for the CLI and imports.
          changed_by TEXT,
          before TEXT,
          after TEXT
        );
        CREATE INDEX change_history_subject ON change_history(subject, subject_id, id);

        CREATE TRIGGER history_economic_units_update AFTER UPDATE ON economic_units
        WHEN json_object('code', old.code, 'kind', old.kind, 'name', old.name, 'owner', old.owner, 'address', old.address,
                'vsic_codes', old.vsic_codes, 'market_id', old.market_id, 'stall_no', old.stall_no, 'zone', old.zone,
                'registration_no', old.registration_no, 'declared_ward_code', old.declared_ward_code,
                'declared_ward_id', old.declared_ward_id, 'ward_flag', old.ward_flag, 'status', old.status,
                'status_since', old.status_since, 'registered_on', old.registered_on, 'lon', ST_X(old.geom),
                'lat', ST_Y(old.geom))
          IS NOT json_object('code', new.code, 'kind', new.kind, 'name', new.name, 'owner', new.owner, 'address', new.address,
                'vsic_codes', new.vsic_codes, 'market_id', new.market_id, 'stall_no', new.stall_no, 'zone', new.zone,
                'registration_no', new.registration_no, 'declared_ward_code', new.declared_ward_code,
                'declared_ward_id', new.declared_ward_id, 'ward_flag', new.ward_flag, 'status', new.status,
                'status_since', new.status_since, 'registered_on', new.registered_on, 'lon', ST_X(new.geom),
                'lat', ST_Y(new.geom))
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('economic_units', new.id, 'unit', new.id, 'update',
            json_object('code', old.code, 'kind', old.kind, 'name', old.name, 'owner', old.owner, 'address', old.address,
                'vsic_codes', old.vsic_codes, 'market_id', old.market_id, 'stall_no', old.stall_no, 'zone', old.zone,
                'registration_no', old.registration_no, 'declared_ward_code', old.declared_ward_code,
                'declared_ward_id', old.declared_ward_id, 'ward_flag', old.ward_flag, 'status', old.status,
                'status_since', old.status_since, 'registered_on', old.registered_on, 'lon', ST_X(old.geom),
                'lat', ST_Y(old.geom)),
            json_object('code', new.code, 'kind', new.kind, 'name', new.name, 'owner', new.owner, 'address', new.address,
                'vsic_codes', new.vsic_codes, 'market_id', new.market_id, 'stall_no', new.stall_no, 'zone', new.zone,
                'registration_no', new.registration_no, 'declared_ward_code', new.declared_ward_code,
                'declared_ward_id', new.declared_ward_id, 'ward_flag', new.ward_flag, 'status', new.status,
                'status_since', new.status_since, 'registered_on', new.registered_on, 'lon', ST_X(new.geom),
                'lat', ST_Y(new.geom)));
        END;
        CREATE TRIGGER history_economic_units_delete AFTER DELETE ON economic_units
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('economic_units', old.id, 'unit', old.id, 'delete',
            json_object('code', old.code, 'kind', old.kind, 'name', old.name, 'owner', old.owner, 'address', old.address,
                'vsic_codes', old.vsic_codes, 'market_id', old.market_id, 'stall_no', old.stall_no, 'zone', old.zone,
                'registration_no', old.registration_no, 'declared_ward_code', old.declared_ward_code,
                'declared_ward_id', old.declared_ward_id, 'ward_flag', old.ward_flag, 'status', old.status,
                'status_since', old.status_since, 'registered_on', old.registered_on, 'lon', ST_X(old.geom),
                'lat', ST_Y(old.geom)),
            NULL);
        END;
        CREATE TRIGGER history_measuring_instruments_insert AFTER INSERT ON measuring_instruments
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('measuring_instruments', new.id, 'unit', new.unit_id, 'insert',
            NULL,
            json_object('unit_id', new.unit_id, 'instrument_type', new.instrument_type, 'serial_no', new.serial_no,
                'manufacturer', new.manufacturer, 'model', new.model, 'accuracy_class', new.accuracy_class,
                'max_capacity', new.max_capacity, 'scale_interval', new.scale_interval, 'measure_unit', new.measure_unit,
                'last_verified_on', new.last_verified_on, 'certificate_no', new.certificate_no, 'stamp_no', new.stamp_no,
                'verified_by', new.verified_by, 'is_reference', new.is_reference));
        END;
        CREATE TRIGGER history_measuring_instruments_update AFTER UPDATE ON measuring_instruments
        WHEN json_object('unit_id', old.unit_id, 'instrument_type', old.instrument_type, 'serial_no', old.serial_no,
                'manufacturer', old.manufacturer, 'model', old.model, 'accuracy_class', old.accuracy_class,
                'max_capacity', old.max_capacity, 'scale_interval', old.scale_interval, 'measure_unit', old.measure_unit,
                'last_verified_on', old.last_verified_on, 'certificate_no', old.certificate_no, 'stamp_no', old.stamp_no,
                'verified_by', old.verified_by, 'is_reference', old.is_reference)
          IS NOT json_object('unit_id', new.unit_id, 'instrument_type', new.instrument_type, 'serial_no', new.serial_no,
                'manufacturer', new.manufacturer, 'model', new.model, 'accuracy_class', new.accuracy_class,
                'max_capacity', new.max_capacity, 'scale_interval', new.scale_interval, 'measure_unit', new.measure_unit,
                'last_verified_on', new.last_verified_on, 'certificate_no', new.certificate_no, 'stamp_no', new.stamp_no,
                'verified_by', new.verified_by, 'is_reference', new.is_reference)
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('measuring_instruments', new.id, 'unit', new.unit_id, 'update',
            json_object('unit_id', old.unit_id, 'instrument_type', old.instrument_type, 'serial_no', old.serial_no,
                'manufacturer', old.manufacturer, 'model', old.model, 'accuracy_class', old.accuracy_class,
                'max_capacity', old.max_capacity, 'scale_interval', old.scale_interval, 'measure_unit', old.measure_unit,
                'last_verified_on', old.last_verified_on, 'certificate_no', old.certificate_no, 'stamp_no', old.stamp_no,
                'verified_by', old.verified_by, 'is_reference', old.is_reference),
            json_object('unit_id', new.unit_id, 'instrument_type', new.instrument_type, 'serial_no', new.serial_no,
                'manufacturer', new.manufacturer, 'model', new.model, 'accuracy_class', new.accuracy_class,
                'max_capacity', new.max_capacity, 'scale_interval', new.scale_interval, 'measure_unit', new.measure_unit,
                'last_verified_on', new.last_verified_on, 'certificate_no', new.certificate_no, 'stamp_no', new.stamp_no,
                'verified_by', new.verified_by, 'is_reference', new.is_reference));
        END;
        CREATE TRIGGER history_measuring_instruments_delete AFTER DELETE ON measuring_instruments
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('measuring_instruments', old.id, 'unit', old.unit_id, 'delete',
            json_object('unit_id', old.unit_id, 'instrument_type', old.instrument_type, 'serial_no', old.serial_no,
                'manufacturer', old.manufacturer, 'model', old.model, 'accuracy_class', old.accuracy_class,
                'max_capacity', old.max_capacity, 'scale_interval', old.scale_interval, 'measure_unit', old.measure_unit,
                'last_verified_on', old.last_verified_on, 'certificate_no', old.certificate_no, 'stamp_no', old.stamp_no,
                'verified_by', old.verified_by, 'is_reference', old.is_reference),
            NULL);
        END;
        CREATE TRIGGER history_instrument_seals_insert AFTER INSERT ON instrument_seals
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('instrument_seals', new.id, 'unit', (SELECT m.unit_id FROM measuring_instruments m WHERE m.id = new.instrument_id), 'insert',
            NULL,
            json_object('instrument_id', new.instrument_id, 'inspection_id', new.inspection_id,
                'sealed_on', new.sealed_on, 'reason', new.reason, 'released_on', new.released_on,
                'release_note', new.release_note));
        END;
        CREATE TRIGGER history_instrument_seals_update AFTER UPDATE ON instrument_seals
        WHEN json_object('instrument_id', old.instrument_id, 'inspection_id', old.inspection_id,
                'sealed_on', old.sealed_on, 'reason', old.reason, 'released_on', old.released_on,
                'release_note', old.release_note)
          IS NOT json_object('instrument_id', new.instrument_id, 'inspection_id', new.inspection_id,
                'sealed_on', new.sealed_on, 'reason', new.reason, 'released_on', new.released_on,
                'release_note', new.release_note)
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('instrument_seals', new.id, 'unit', (SELECT m.unit_id FROM measuring_instruments m WHERE m.id = new.instrument_id), 'update',
            json_object('instrument_id', old.instrument_id, 'inspection_id', old.inspection_id,
                'sealed_on', old.sealed_on, 'reason', old.reason, 'released_on', old.released_on,
                'release_note', old.release_note),
            json_object('instrument_id', new.instrument_id, 'inspection_id', new.inspection_id,
                'sealed_on', new.sealed_on, 'reason', new.reason, 'released_on', new.released_on,
                'release_note', new.release_note));
        END;
        CREATE TRIGGER history_instrument_seals_delete AFTER DELETE ON instrument_seals
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('instrument_seals', old.id, 'unit', (SELECT m.unit_id FROM measuring_instruments m WHERE m.id = old.instrument_id), 'delete',
            json_object('instrument_id', old.instrument_id, 'inspection_id', old.inspection_id,
                'sealed_on', old.sealed_on, 'reason', old.reason, 'released_on', old.released_on,
                'release_note', old.release_note),
            NULL);
        END;
        CREATE TRIGGER history_inspections_insert AFTER INSERT ON inspections
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('inspections', new.id, 'inspection', new.id, 'insert',
            NULL,
            json_object('unit_id', new.unit_id, 'inspected_on', new.inspected_on, 'scope', new.scope,
                'status', new.status, 'outcome', new.outcome, 'team', new.team, 'note', new.note,
                'started_on', new.started_on, 'finished_on', new.finished_on, 'closed_on', new.closed_on,
                'cancelled_on', new.cancelled_on, 'cancel_reason', new.cancel_reason));
        END;
        CREATE TRIGGER history_inspections_update AFTER UPDATE ON inspections
        WHEN json_object('unit_id', old.unit_id, 'inspected_on', old.inspected_on, 'scope', old.scope,
                'status', old.status, 'outcome', old.outcome, 'team', old.team, 'note', old.note,
                'started_on', old.started_on, 'finished_on', old.finished_on, 'closed_on', old.closed_on,
                'cancelled_on', old.cancelled_on, 'cancel_reason', old.cancel_reason)
          IS NOT json_object('unit_id', new.unit_id, 'inspected_on', new.inspected_on, 'scope', new.scope,
                'status', new.status, 'outcome', new.outcome, 'team', new.team, 'note', new.note,
                'started_on', new.started_on, 'finished_on', new.finished_on, 'closed_on', new.closed_on,
                'cancelled_on', new.cancelled_on, 'cancel_reason', new.cancel_reason)
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('inspections', new.id, 'inspection', new.id, 'update',
            json_object('unit_id', old.unit_id, 'inspected_on', old.inspected_on, 'scope', old.scope,
                'status', old.status, 'outcome', old.outcome, 'team', old.team, 'note', old.note,
                'started_on', old.started_on, 'finished_on', old.finished_on, 'closed_on', old.closed_on,
                'cancelled_on', old.cancelled_on, 'cancel_reason', old.cancel_reason),
            json_object('unit_id', new.unit_id, 'inspected_on', new.inspected_on, 'scope', new.scope,
                'status', new.status, 'outcome', new.outcome, 'team', new.team, 'note', new.note,
                'started_on', new.started_on, 'finished_on', new.finished_on, 'closed_on', new.closed_on,
                'cancelled_on', new.cancelled_on, 'cancel_reason', new.cancel_reason));
        END;
        CREATE TRIGGER history_inspections_delete AFTER DELETE ON inspections
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('inspections', old.id, 'inspection', old.id, 'delete',
            json_object('unit_id', old.unit_id, 'inspected_on', old.inspected_on, 'scope', old.scope,
                'status', old.status, 'outcome', old.outcome, 'team', old.team, 'note', old.note,
                'started_on', old.started_on, 'finished_on', old.finished_on, 'closed_on', old.closed_on,
                'cancelled_on', old.cancelled_on, 'cancel_reason', old.cancel_reason),
            NULL);
        END;
        CREATE TRIGGER history_inspection_tests_insert AFTER INSERT ON inspection_tests
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('inspection_tests', new.id, 'inspection', new.inspection_id, 'insert',
            NULL,
            json_object('instrument_id', new.instrument_id, 'kind', new.kind, 'measurement', new.measurement,
                'verdict', new.verdict, 'error', new.error, 'limit_value', new.limit_value, 'unit', new.unit,
                'rule_code', new.rule_code, 'note', new.note));
        END;
        CREATE TRIGGER history_inspection_tests_delete AFTER DELETE ON inspection_tests
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('inspection_tests', old.id, 'inspection', old.inspection_id, 'delete',
            json_object('instrument_id', old.instrument_id, 'kind', old.kind, 'measurement', old.measurement,
                'verdict', old.verdict, 'error', old.error, 'limit_value', old.limit_value, 'unit', old.unit,
                'rule_code', old.rule_code, 'note', old.note),
            NULL);
        END;
        CREATE TRIGGER history_violations_insert AFTER INSERT ON violations
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('violations', new.id, 'inspection', new.inspection_id, 'insert',
            NULL,
            json_object('category', new.category, 'description', new.description, 'legal_basis', new.legal_basis,
                'fine_vnd', new.fine_vnd, 'fine_min_vnd', new.fine_min_vnd, 'fine_max_vnd', new.fine_max_vnd,
                'follow_up', new.follow_up, 'follow_up_due', new.follow_up_due, 'resolved_on', new.resolved_on));
        END;
        CREATE TRIGGER history_violations_update AFTER UPDATE ON violations
        WHEN json_object('category', old.category, 'description', old.description, 'legal_basis', old.legal_basis,
                'fine_vnd', old.fine_vnd, 'fine_min_vnd', old.fine_min_vnd, 'fine_max_vnd', old.fine_max_vnd,
                'follow_up', old.follow_up, 'follow_up_due', old.follow_up_due, 'resolved_on', old.resolved_on)
          IS NOT json_object('category', new.category, 'description', new.description, 'legal_basis', new.legal_basis,
                'fine_vnd', new.fine_vnd, 'fine_min_vnd', new.fine_min_vnd, 'fine_max_vnd', new.fine_max_vnd,
                'follow_up', new.follow_up, 'follow_up_due', new.follow_up_due, 'resolved_on', new.resolved_on)
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('violations', new.id, 'inspection', new.inspection_id, 'update',
            json_object('category', old.category, 'description', old.description, 'legal_basis', old.legal_basis,
                'fine_vnd', old.fine_vnd, 'fine_min_vnd', old.fine_min_vnd, 'fine_max_vnd', old.fine_max_vnd,
                'follow_up', old.follow_up, 'follow_up_due', old.follow_up_due, 'resolved_on', old.resolved_on),
            json_object('category', new.category, 'description', new.description, 'legal_basis', new.legal_basis,
                'fine_vnd', new.fine_vnd, 'fine_min_vnd', new.fine_min_vnd, 'fine_max_vnd', new.fine_max_vnd,
                'follow_up', new.follow_up, 'follow_up_due', new.follow_up_due, 'resolved_on', new.resolved_on));
        END;
        CREATE TRIGGER history_violations_delete AFTER DELETE ON violations
        BEGIN
          INSERT INTO change_history (table_name, row_id, subject, subject_id, action, before, after)
          VALUES ('violations', old.id, 'inspection', old.inspection_id, 'delete',
            json_object('category', old.category, 'description', old.description, 'legal_basis', old.legal_basis,
                'fine_vnd', old.fine_vnd, 'fine_min_vnd', old.fine_min_vnd, 'fine_max_vnd', old.fine_max_vnd,
                'follow_up', old.follow_up, 'follow_up_due', old.follow_up_due, 'resolved_on', old.resolved_on),
            NULL);
        END;
        """
}
