/// The located units packed by grid cell, for box pages (UnitBoxCells): migration "v12 unit box cells".
/// Triggers only mark the cells a write touches (any writer, the sqlite3 shell included, keeps them right);
/// RegistryStore packs marked cells again at the end of its own writes. Readers read marked cells from the units.
enum UnitBoxCellTables {
    static let sql = """
        -- Each located unit's cell of a fixed grid of 0.00025 degrees (about 27 m; a 300 m box covers about
        -- 13 x 13 cells), row by row: cell = row * 4194304 + column. The one definition of a unit's cell.
        CREATE VIEW unit_box_points AS
        SELECT CAST((ST_Y(geom) + 90) / 0.00025 AS INTEGER) * 4194304 + CAST((ST_X(geom) + 180) / 0.00025 AS INTEGER) AS cell,
               id, ST_X(geom) AS x, ST_Y(geom) AS y, registered_on, kind, status
        FROM economic_units WHERE ST_X(geom) IS NOT NULL;

        -- A cell's units (id, point, registration day, kind and status) packed in id order (UnitBoxCells.pack).
        CREATE TABLE unit_box_cells (cell INTEGER PRIMARY KEY, points BLOB NOT NULL);
        -- Cells whose packed units are stale: written by the triggers, emptied when packed again.
        CREATE TABLE unit_box_stale (cell INTEGER PRIMARY KEY);

        CREATE TRIGGER unit_box_insert AFTER INSERT ON economic_units WHEN ST_X(new.geom) IS NOT NULL BEGIN
          INSERT OR IGNORE INTO unit_box_stale (cell)
          VALUES (CAST((ST_Y(new.geom) + 90) / 0.00025 AS INTEGER) * 4194304 + CAST((ST_X(new.geom) + 180) / 0.00025 AS INTEGER));
        END;
        CREATE TRIGGER unit_box_delete AFTER DELETE ON economic_units WHEN ST_X(old.geom) IS NOT NULL BEGIN
          INSERT OR IGNORE INTO unit_box_stale (cell)
          VALUES (CAST((ST_Y(old.geom) + 90) / 0.00025 AS INTEGER) * 4194304 + CAST((ST_X(old.geom) + 180) / 0.00025 AS INTEGER));
        END;
        CREATE TRIGGER unit_box_update AFTER UPDATE OF id, geom, registered_on, kind, status ON economic_units BEGIN
          INSERT OR IGNORE INTO unit_box_stale (cell)
          SELECT CAST((ST_Y(old.geom) + 90) / 0.00025 AS INTEGER) * 4194304 + CAST((ST_X(old.geom) + 180) / 0.00025 AS INTEGER)
          WHERE ST_X(old.geom) IS NOT NULL;
          INSERT OR IGNORE INTO unit_box_stale (cell)
          SELECT CAST((ST_Y(new.geom) + 90) / 0.00025 AS INTEGER) * 4194304 + CAST((ST_X(new.geom) + 180) / 0.00025 AS INTEGER)
          WHERE ST_X(new.geom) IS NOT NULL;
        END;

        -- An existing registry: every cell with units is stale; the store packs them once migrated.
        INSERT INTO unit_box_stale (cell) SELECT DISTINCT cell FROM unit_box_points;
        """
}
