/// A position: longitude, latitude (and optional height), in that order (RFC 7946 §3.1.1).
public struct Position: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var z: Double?

    public init(_ x: Double, _ y: Double, _ z: Double? = nil) {
        self.x = x
        self.y = y
        self.z = z
    }
}

/// A closed ring of at least four positions. A ring that is not closed cannot be built.
public struct LinearRing: Hashable, Sendable {
    public let positions: [Position]

    public init(_ positions: [Position]) throws(GeoJSONError) {
        guard positions.count >= 4 else {
            throw GeoJSONError("a linear ring needs at least 4 positions, got \(positions.count)")
        }
        guard positions.first!.x == positions.last!.x, positions.first!.y == positions.last!.y else {
            throw GeoJSONError("a linear ring must be closed (first position equal to last)")
        }
        self.positions = positions
    }

    /// A ring mapped from a valid one: a transform that fails (NaN) must be reported by its caller, not trap here.
    init(mapped positions: [Position]) { self.positions = positions }
}

/// A GeoJSON geometry, one case per type (RFC 7946 §3.1).
public indirect enum Geometry: Hashable, Sendable {
    case point(Position)
    case multiPoint([Position])
    case lineString([Position])
    case multiLineString([[Position]])
    /// Exterior ring first, then holes.
    case polygon([LinearRing])
    case multiPolygon([[LinearRing]])
    case geometryCollection([Geometry])

    public var typeName: String {
        switch self {
        case .point: "Point"
        case .multiPoint: "MultiPoint"
        case .lineString: "LineString"
        case .multiLineString: "MultiLineString"
        case .polygon: "Polygon"
        case .multiPolygon: "MultiPolygon"
        case .geometryCollection: "GeometryCollection"
        }
    }

    /// Every position of the geometry, in order.
    public var positions: [Position] {
        switch self {
        case .point(let p): [p]
        case .multiPoint(let ps), .lineString(let ps): ps
        case .multiLineString(let lines): lines.flatMap { $0 }
        case .polygon(let rings): rings.flatMap(\.positions)
        case .multiPolygon(let polys): polys.flatMap { $0.flatMap(\.positions) }
        case .geometryCollection(let gs): gs.flatMap(\.positions)
        }
    }

    /// The polygons of a Polygon or MultiPolygon, nil for any other type.
    public var polygons: [[LinearRing]]? {
        switch self {
        case .polygon(let rings): [rings]
        case .multiPolygon(let polys): polys
        default: nil
        }
    }

    /// Applies `transform` to every position, keeping the structure.
    public func mapPositions(_ transform: (Position) throws -> Position) rethrows -> Geometry {
        func ring(_ r: LinearRing) throws -> LinearRing {
            // A transform maps the closing position like the first, so the ring stays closed.
            LinearRing(mapped: try r.positions.map(transform))
        }
        switch self {
        case .point(let p): return .point(try transform(p))
        case .multiPoint(let ps): return .multiPoint(try ps.map(transform))
        case .lineString(let ps): return .lineString(try ps.map(transform))
        case .multiLineString(let ls): return .multiLineString(try ls.map { try $0.map(transform) })
        case .polygon(let rs): return .polygon(try rs.map(ring))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map { try $0.map(ring) })
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try $0.mapPositions(transform) })
        }
    }
}

/// A problem with GeoJSON text, with where it was found when known.
public struct GeoJSONError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
