import GeoJSON

/// S_* predicates through SpatiaLite (GEOS), T_* predicates as interval comparisons on julianday() values.
extension CQL2SQLiteTranslator {
    static let spatialFunctions: [CQL2SpatialOperator: String] = [
        .intersects: "ST_Intersects", .equals: "ST_Equals", .disjoint: "ST_Disjoint", .touches: "ST_Touches",
        .within: "ST_Within", .overlaps: "ST_Overlaps", .crosses: "ST_Crosses", .contains: "ST_Contains",
    ]

    /// SpatiaLite answers 1, 0, or -1 when an argument is NULL or invalid; the CASE maps -1 to NULL (unknown),
    /// so `NOT S_INTERSECTS(…)` does not pick rows without a geometry.
    func spatial(_ op: CQL2SpatialOperator, _ a: CQL2Expression, _ b: CQL2Expression) throws(CQL2Error) -> Fragment {
        let l = try geometryOperand(a, other: b), r = try geometryOperand(b, other: a)
        let test = "(CASE \(CQL2SQLiteTranslator.spatialFunctions[op]!)(\(l.sql), \(r.sql)) WHEN 1 THEN 1 WHEN 0 THEN 0 END)"
        var fragment = Fragment(sql: test, args: l.args + r.args)
        if op != .disjoint, let prefilter = prefilter(a, b) ?? prefilter(b, a) {
            fragment = Fragment(sql: "(\(prefilter.sql) AND \(test))", args: prefilter.args + fragment.args)
        }
        return fragment
    }

    func geometryOperand(_ e: CQL2Expression, other: CQL2Expression) throws(CQL2Error) -> Fragment {
        var otherSRID: Int?
        if case .property(let name) = other, case .geometry(let s)? = queryables[name]?.type { otherSRID = s }
        switch e {
        case .geometry(let g):
            return Fragment(sql: "GeomFromText(?, \(srid(otherSRID)))", args: [.text(g.wkt)], type: .geometry(srid: otherSRID))
        case .bbox(let values):
            return try bbox(values, srid: otherSRID)
        default:
            let f = try value(e)
            guard case .geometry = f.type else {
                throw invalid("a spatial predicate needs geometries, but an operand is \(f.type.name)", expected: "a geometry property, a geometry or a BBOX")
            }
            return f
        }
    }

    /// BBOX as a polygon; a box whose west edge is east of its east edge crosses the antimeridian and becomes two.
    func bbox(_ values: [Double], srid other: Int?) throws(CQL2Error) -> Fragment {
        let (w, s, e, n) = values.count == 6 ? (values[0], values[1], values[3], values[4]) : (values[0], values[1], values[2], values[3])
        guard s <= n else { throw invalid("BBOX south \(s) is north of north \(n)", expected: "south ≤ north") }
        func ring(_ w: Double, _ e: Double) -> String { "((\(w) \(s), \(e) \(s), \(e) \(n), \(w) \(n), \(w) \(s)))" }
        let wkt = w <= e ? "POLYGON" + ring(w, e) : "MULTIPOLYGON(" + ring(w, 180) + ", " + ring(-180, e) + ")"
        return Fragment(sql: "GeomFromText(?, \(srid(other)))", args: [.text(wkt)], type: .geometry(srid: other))
    }

    /// `key IN (SELECT id FROM rtree WHERE boxes overlap)` when `indexed` is an indexed geometry property and `literal` a literal.
    func prefilter(_ indexed: CQL2Expression, _ literal: CQL2Expression) -> Fragment? {
        guard case .property(let name) = indexed, let index = queryables.spatialIndexes[name] else { return nil }
        let box: (minX: Double, minY: Double, maxX: Double, maxY: Double)
        switch literal {
        case .geometry(let g): box = g.envelope
        case .bbox(let v):
            let (w, s, e, n) = v.count == 6 ? (v[0], v[1], v[3], v[4]) : (v[0], v[1], v[2], v[3])
            box = w <= e ? (w, s, e, n) : (-180, s, 180, n)
        default: return nil
        }
        let q = quotedIdentifier
        let sql = "\(index.rowKey) IN (SELECT \(q(index.idColumn)) FROM \(q(index.table)) WHERE \(q(index.minX)) <= ? AND \(q(index.maxX)) >= ? AND \(q(index.minY)) <= ? AND \(q(index.maxY)) >= ?)"
        return Fragment(sql: sql, args: [.real(box.maxX), .real(box.minX), .real(box.maxY), .real(box.minY)])
    }

    // MARK: Temporal

    /// Start and end of a temporal operand as julianday() SQL; an instant is an interval whose ends coincide, and a
    /// DATE is the instant of its day's start (UTC), so dates compare with dates day by day.
    struct Period {
        var start: Fragment
        var end: Fragment
    }

    func temporal(_ op: CQL2TemporalOperator, _ a: CQL2Expression, _ b: CQL2Expression) throws(CQL2Error) -> Fragment {
        let x = try period(a), y = try period(b)
        func cmp(_ l: Fragment, _ o: String, _ r: Fragment) -> Fragment {
            Fragment(sql: "\(l.sql) \(o) \(r.sql)", args: l.args + r.args)
        }
        // Allen's relations as OGC 21-065r2 §7.9 defines them on closed intervals.
        let parts: [Fragment]
        var joiner = "AND"
        switch op {
        case .after: parts = [cmp(x.start, ">", y.end)]
        case .before: parts = [cmp(x.end, "<", y.start)]
        case .contains: parts = [cmp(x.start, "<", y.start), cmp(x.end, ">", y.end)]
        case .disjoint: parts = [cmp(x.start, ">", y.end), cmp(x.end, "<", y.start)]; joiner = "OR"
        case .during: parts = [cmp(x.start, ">", y.start), cmp(x.end, "<", y.end)]
        case .equals: parts = [cmp(x.start, "=", y.start), cmp(x.end, "=", y.end)]
        case .finishedBy: parts = [cmp(x.start, "<", y.start), cmp(x.end, "=", y.end)]
        case .finishes: parts = [cmp(x.start, ">", y.start), cmp(x.end, "=", y.end)]
        case .intersects: parts = [cmp(x.start, "<=", y.end), cmp(x.end, ">=", y.start)]
        case .meets: parts = [cmp(x.end, "=", y.start)]
        case .metBy: parts = [cmp(x.start, "=", y.end)]
        case .overlappedBy: parts = [cmp(x.start, ">", y.start), cmp(x.start, "<", y.end), cmp(x.end, ">", y.end)]
        case .overlaps: parts = [cmp(x.start, "<", y.start), cmp(x.end, ">", y.start), cmp(x.end, "<", y.end)]
        case .startedBy: parts = [cmp(x.start, "=", y.start), cmp(x.end, ">", y.end)]
        case .starts: parts = [cmp(x.start, "=", y.start), cmp(x.end, "<", y.end)]
        }
        return Fragment(sql: "(" + parts.map(\.sql).joined(separator: " \(joiner) ") + ")", args: parts.flatMap(\.args))
    }

    func period(_ e: CQL2Expression) throws(CQL2Error) -> Period {
        if case .interval(let s, let t) = e {
            return Period(start: try bound(s, unbounded: -Double.greatestFiniteMagnitude),
                          end: try bound(t, unbounded: Double.greatestFiniteMagnitude))
        }
        let instant = try bound(e, unbounded: nil)
        return Period(start: instant, end: instant)
    }

    /// One instant as julianday(); `'..'` becomes the most negative or positive double.
    func bound(_ e: CQL2Expression, unbounded: Double?) throws(CQL2Error) -> Fragment {
        if case .unbounded = e, let unbounded { return Fragment(sql: "?", args: [.real(unbounded)], type: .number) }
        let f = try value(e)
        guard f.type == .date || f.type == .timestamp else {
            throw invalid("a temporal predicate needs dates or timestamps, but an operand is \(f.type.name)",
                          expected: "a date or timestamp property, DATE, TIMESTAMP or INTERVAL")
        }
        return julian(f)
    }
}
