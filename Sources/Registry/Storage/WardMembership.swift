import GRDB

/// The stored answer to "which ward of each period is this unit's point in" (`unit_wards`), and the
/// flag for a declared ward that disagrees. SpatiaLite decides (ST_Covers, ST_Intersects, through the
/// spatial indexes), set-based, when units or wards are written; reads are then indexed joins.
enum WardMembership {
    /// Cells per side of the grid each ward is cut into (see `ward_cells` in the migrations); fewer for
    /// boundaries of many thousand vertices.
    static let gridSide = 64

    /// Finds again the memberships of the units that `units` selects (a condition on
    /// `economic_units` aliased `u`), then their flags. `many` says the selection is a large part of
    /// the registry: then every unit is placed ward by ward through the cells (unchanged memberships
    /// stay), which costs less than one lookup per unit. `stale` narrows which of them may have
    /// memberships to drop (a bulk import's new units have none). Returns how many of them are flagged.
    @discardableResult
    static func place(_ db: Database, units: SQL, stale: SQL? = nil, many: Bool, today: LocalDate) throws -> Int {
        try db.execute(literal: "DELETE FROM unit_wards WHERE unit_id IN (SELECT u.id FROM economic_units u WHERE \(stale ?? units))")
        if many {
            try insertByCells(db, cells: "1")
        } else {
            // Unit by unit: the wards whose box holds the point (index), then SpatiaLite's test.
            try db.execute(literal: """
                INSERT OR IGNORE INTO unit_wards (unit_id, admin_unit_id)
                SELECT u.id, w.id FROM economic_units u CROSS JOIN admin_units w
                WHERE \(units) AND u.geom IS NOT NULL
                  AND w.id IN (SELECT pkid FROM idx_admin_units_geom
                               WHERE xmin <= ST_X(u.geom) AND xmax >= ST_X(u.geom) AND ymin <= ST_Y(u.geom) AND ymax >= ST_Y(u.geom))
                  AND w.level = 'ward' AND ST_Intersects(w.geom, u.geom) = 1
                """)
        }
        try UnitStretchWards.refill(db, units: units)
        return try flag(db, units: units, today: today)
    }

    /// After the wards that `wards` selects (a condition on `admin_units` aliased `w`) were written:
    /// their cells and memberships from scratch, and the flags of the units registered in their
    /// periods. Returns how many units are flagged in all.
    @discardableResult
    static func rebuild(_ db: Database, wards: SQL, today: LocalDate) throws -> Int {
        try WardUnitCounts.recounting(db, wards: wards) { try placeAll(db, wards: wards) }
        try UnitStretchWards.rebuild(db)
        let registered: SQL = "coalesce(u.registered_on, \(today.description))"
        try flag(db, units: "EXISTS (SELECT 1 FROM admin_units w WHERE \(wards) AND \(Period.contains("w", on: registered)))", today: today)
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM economic_units WHERE ward_flag IS NOT NULL") ?? 0
    }

    /// The cells and memberships of the wards that `wards` selects, from scratch.
    private static func placeAll(_ db: Database, wards: SQL) throws {
        try db.execute(literal: "DELETE FROM unit_wards WHERE admin_unit_id IN (SELECT w.id FROM admin_units w WHERE \(wards))")
        try db.execute(literal: "DELETE FROM ward_cells WHERE admin_unit_id IN (SELECT w.id FROM admin_units w WHERE \(wards))")
        let side = gridSide
        // The grid of each ward's box, cells outside it dropped, ward by ward (so SpatiaLite keeps the
        // ward's polygon prepared between cells).
        try db.execute(literal: """
            WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < \(side - 1)),
            g AS (SELECT w.id, MbrMinX(w.geom) AS x0, MbrMinY(w.geom) AS y0, MbrMaxX(w.geom) AS x9, MbrMaxY(w.geom) AS y9,
                         -- Each cell costs SpatiaLite a reading of the whole polygon: fewer cells for
                         -- longer boundaries keep the work near side² x vertices = 8 million.
                         CASE WHEN ST_NPoints(w.geom) <= 2000 THEN \(side) WHEN ST_NPoints(w.geom) <= 8000 THEN \(side / 2)
                              WHEN ST_NPoints(w.geom) <= 32000 THEN \(side / 4) WHEN ST_NPoints(w.geom) <= 128000 THEN \(side / 8)
                              WHEN ST_NPoints(w.geom) <= 512000 THEN \(side / 16) ELSE \(side / 32) END AS s
                  FROM admin_units w WHERE \(wards) AND w.level = 'ward' AND w.geom IS NOT NULL),
            c AS (SELECT g.id, g.x0 + i.k * (g.x9 - g.x0) / g.s AS x0, g.y0 + j.k * (g.y9 - g.y0) / g.s AS y0,
                         CASE WHEN i.k = g.s - 1 THEN g.x9 ELSE g.x0 + (i.k + 1) * (g.x9 - g.x0) / g.s END AS x1,
                         CASE WHEN j.k = g.s - 1 THEN g.y9 ELSE g.y0 + (j.k + 1) * (g.y9 - g.y0) / g.s END AS y1
                  FROM g, n i, n j WHERE i.k < g.s AND j.k < g.s)
            INSERT INTO ward_cells (admin_unit_id, minx, miny, maxx, maxy, inside)
            SELECT c.id, c.x0, c.y0, c.x1, c.y1, ST_Covers(w.geom, BuildMbr(c.x0, c.y0, c.x1, c.y1, 4326)) = 1
            FROM c JOIN admin_units w ON w.id = c.id
            WHERE ST_Intersects(w.geom, BuildMbr(c.x0, c.y0, c.x1, c.y1, 4326)) = 1
            ORDER BY c.id
            """)
        try insertByCells(db, cells: "c.admin_unit_id IN (SELECT w.id FROM admin_units w WHERE \(wards))")
    }

    /// Memberships through the cells that `cells` selects (aliased `c`): a point whose index box lies
    /// in an inside cell is in its ward; any other point the cell's index query returns is tested by
    /// SpatiaLite. Sorted before the insert, so the rows go in in key order.
    static func insertByCells(_ db: Database, cells: SQL) throws {
        try db.execute(literal: """
            INSERT OR IGNORE INTO unit_wards (unit_id, admin_unit_id)
            SELECT r.pkid, c.admin_unit_id FROM ward_cells c CROSS JOIN idx_economic_units_geom r
            WHERE \(cells) AND r.xmin <= c.maxx AND r.xmax >= c.minx AND r.ymin <= c.maxy AND r.ymax >= c.miny
              AND ((c.inside AND r.xmin >= c.minx AND r.xmax <= c.maxx AND r.ymin >= c.miny AND r.ymax <= c.maxy)
                   OR (SELECT ST_Intersects(w.geom, u.geom) FROM economic_units u, admin_units w
                       WHERE u.id = r.pkid AND w.id = c.admin_unit_id) = 1)
            ORDER BY 1, 2
            """)
    }

    /// Stores memberships found before the write (`WardLocator`, on a bulk import's reading thread) of
    /// units that had none: (unit id, ward id) pairs, in unit id order.
    static func insert(_ db: Database, _ pairs: some Collection<(unit: Int64, ward: Int64)>) throws {
        try db.insertPairs(into: "unit_wards", columns: "unit_id, admin_unit_id", pairs.lazy.map { ($0.unit, $0.ward) })
    }

    /// Sets the flag of the units that `units` selects, on their registration date (or today): their
    /// point lies in no ward loaded for that date, or in another ward than the one they declare.
    /// Rows whose flag does not change are not written. Returns how many of them are flagged.
    @discardableResult
    static func flag(_ db: Database, units: SQL, today: LocalDate) throws -> Int {
        let on: SQL = "coalesce(u.registered_on, \(today.description))"
        let located: SQL = """
            (SELECT m.admin_unit_id FROM unit_wards m CROSS JOIN admin_units a ON a.id = m.admin_unit_id
             WHERE m.unit_id = u.id AND a.level = 'ward' AND \(Period.contains("a", on: on)) ORDER BY a.code LIMIT 1)
            """
        let flag: SQL = """
            CASE
              WHEN u.geom IS NULL THEN NULL
              WHEN \(located) IS NULL THEN
                CASE WHEN EXISTS (SELECT 1 FROM admin_units w WHERE w.level = 'ward' AND w.geom IS NOT NULL AND \(Period.contains("w", on: on)))
                     THEN 'the location lies in no ward loaded for ' || \(on) END
              WHEN u.declared_ward_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM unit_wards m WHERE m.unit_id = u.id AND m.admin_unit_id = u.declared_ward_id)
                THEN (SELECT 'declared ward ' || d.code || ' (' || d.name || ') but the location is in ' || l.code || ' (' || l.name
                             || ') on ' || \(on)
                      FROM admin_units d, admin_units l WHERE d.id = u.declared_ward_id AND l.id = \(located))
            END
            """
        try db.execute(literal: "UPDATE economic_units AS u SET ward_flag = \(flag) WHERE (\(units)) AND u.ward_flag IS NOT \(flag)")
        return try Int.fetchOne(db, SQLRequest(literal: "SELECT count(*) FROM economic_units u WHERE (\(units)) AND u.ward_flag IS NOT NULL")) ?? 0
    }
}
