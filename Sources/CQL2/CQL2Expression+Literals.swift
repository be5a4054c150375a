import GeoJSON

extension CQL2Expression {
    /// The same expression with each geometry literal through `geometry` and each `BBOX(…)` literal replaced by what
    /// `bbox` makes of its numbers: how a filter given in another CRS (`filter-crs`) is brought to the stored one.
    public func mappingSpatialLiterals(geometry: (Geometry) throws -> Geometry,
                                       bbox: ([Double]) throws -> CQL2Expression) rethrows -> CQL2Expression {
        func map(_ e: CQL2Expression) throws -> CQL2Expression {
            try e.mappingSpatialLiterals(geometry: geometry, bbox: bbox)
        }
        switch self {
        case .boolean, .number, .string, .date, .timestamp, .unbounded, .property: return self
        case .geometry(let g): return .geometry(try geometry(g))
        case .bbox(let numbers): return try bbox(numbers)
        case .interval(let a, let b): return .interval(try map(a), try map(b))
        case .array(let items): return .array(try items.map(map))
        case .function(let name, let args): return .function(name, try args.map(map))
        case .casei(let e): return .casei(try map(e))
        case .accenti(let e): return .accenti(try map(e))
        case .and(let items): return .and(try items.map(map))
        case .or(let items): return .or(try items.map(map))
        case .not(let e): return .not(try map(e))
        case .comparison(let op, let a, let b): return .comparison(op, try map(a), try map(b))
        case .like(let a, let pattern): return .like(try map(a), pattern: try map(pattern))
        case .between(let a, let low, let high): return .between(try map(a), low: try map(low), high: try map(high))
        case .inList(let a, let items): return .inList(try map(a), try items.map(map))
        case .isNull(let e): return .isNull(try map(e))
        case .spatial(let op, let a, let b): return .spatial(op, try map(a), try map(b))
        case .temporal(let op, let a, let b): return .temporal(op, try map(a), try map(b))
        case .arrayPredicate(let op, let a, let b): return .arrayPredicate(op, try map(a), try map(b))
        case .arithmetic(let op, let a, let b): return .arithmetic(op, try map(a), try map(b))
        }
    }
}
