import Foundation
import GRDB
import GeoJSON
import Registry

/// Intersections by GEOS, through SpatiaLite in an in-memory database: a convex power cell cut by a non-convex
/// ward can fall into several pieces, which a hand-written polygon clipper would join by a seam.
struct PlaneClipper {
    let db: DatabaseQueue

    init() throws { db = try DatabaseQueue(configuration: SpatiaLite.configuration()) }

    /// The pieces of `a` ∩ `b` (open rings, counter-clockwise), largest first.
    func intersection(_ a: [PlanePoint], _ b: [PlanePoint]) throws -> [[PlanePoint]] {
        func wkt(_ r: [PlanePoint]) -> String { "POLYGON((" + (r + [r[0]]).map { "\($0.x) \($0.y)" }.joined(separator: ", ") + "))" }
        let text = try db.read { db in
            try String.fetchOne(db, sql: "SELECT AsGeoJSON(CastToMultiPolygon(ST_Intersection(GeomFromText(?), GeomFromText(?))), 12)",
                                arguments: [wkt(a), wkt(b)])
        }
        guard let text, let polygons = try GeoJSONDecoding.geometry(JSONText.decode(Array(text.utf8))).polygons else { return [] }
        let pieces = polygons.map { rings -> [PlanePoint] in
            var r = rings[0].positions.dropLast().map { PlanePoint(x: $0.x, y: $0.y) }
            if PlaneRing.signedArea(r) < 0 { r.reverse() }
            return r
        }
        return pieces.sorted { PlaneRing.signedArea($0) > PlaneRing.signedArea($1) }
    }
}
