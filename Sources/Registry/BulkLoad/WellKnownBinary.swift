import Foundation
import GeoJSON

/// Polygons as OGC Well-Known Binary (little-endian), for SpatiaLite's `GeomFromWKB`. Unlike
/// `GeomFromGeoJSON`, whose generated parser has a fixed stack ("Parser stack overflow" at a million
/// vertices) and slows down faster than the ring grows, reading WKB is one pass over the bytes.
enum WellKnownBinary {
    static func multiPolygon(_ polygons: [[LinearRing]]) -> Data {
        let vertices = polygons.reduce(0) { $0 + $1.reduce(0) { $0 + $1.positions.count } }
        var out = Data()
        out.reserveCapacity(9 + polygons.count * 9 + vertices * 16 + polygons.count * 8)
        func byte(_ b: UInt8) { out.append(b) }
        func uint32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        func double(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        byte(1); uint32(6); uint32(polygons.count)  // MultiPolygon
        for polygon in polygons {
            byte(1); uint32(3); uint32(polygon.count)  // Polygon
            for ring in polygon {
                uint32(ring.positions.count)
                for p in ring.positions { double(p.x); double(p.y) }
            }
        }
        return out
    }
}
