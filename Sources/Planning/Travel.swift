import Foundation

/// A point on the map, WGS 84 degrees.
public struct Coordinate: Hashable, Sendable, Codable {
    public var lon: Double
    public var lat: Double

    public init(lon: Double, lat: Double) {
        self.lon = lon
        self.lat = lat
    }

    /// Parses "LON,LAT" as the CLI takes it.
    public init?(text: String) {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lon = parts[0], let lat = parts[1], (-180...180).contains(lon), (-90...90).contains(lat) else {
            return nil
        }
        self.init(lon: lon, lat: lat)
    }
}

/// How long and how far it is from one place to another. The solver only asks for pairs, so a road
/// network (OSRM, Valhalla, a SpatiaLite routing graph) can replace the straight-line model later.
public protocol TravelModel: Sendable {
    /// Metres travelled.
    func distance(from a: Coordinate, to b: Coordinate) -> Double
    /// Seconds travelled.
    func duration(from a: Coordinate, to b: Coordinate) -> Double
}

/// Great-circle distance times a detour factor, at a constant speed.
public struct StraightLineTravel: TravelModel {
    /// Mean Earth radius (IUGG), the sphere other solvers' haversine examples use.
    public static let earthRadius = 6_371_008.8

    /// Road distance over straight-line distance. 1.35 is a common figure for dense street grids;
    /// 1 gives plain great-circle distance.
    public var detourFactor: Double
    /// Average speed in km/h including junctions: 18 km/h for a motorbike in the inner city.
    public var speedKmh: Double

    public init(detourFactor: Double = 1.35, speedKmh: Double = 18) {
        self.detourFactor = detourFactor
        self.speedKmh = speedKmh
    }

    /// Plain great-circle distance, as `--metric haversine` compares with other solvers.
    public static let haversine = StraightLineTravel(detourFactor: 1, speedKmh: 18)

    public static func greatCircle(_ a: Coordinate, _ b: Coordinate) -> Double {
        let rad = Double.pi / 180
        let dLat = (b.lat - a.lat) * rad
        let dLon = (b.lon - a.lon) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * rad) * cos(b.lat * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadius * asin(min(1, sqrt(h)))
    }

    public func distance(from a: Coordinate, to b: Coordinate) -> Double {
        StraightLineTravel.greatCircle(a, b) * detourFactor
    }

    public func duration(from a: Coordinate, to b: Coordinate) -> Double {
        distance(from: a, to: b) / (speedKmh / 3.6)
    }
}
