import Foundation
import GRDB
import GeoJSON
import Registry

/// Intersections and validity by GEOS, through SpatiaLite in an in-memory database: a convex power cell cut by a
/// non-convex ward can fall into several pieces, which a hand-written polygon clipper would join by a seam.
struct PlaneClipper {
    let db: DatabaseQueue

    init() throws { db = try DatabaseQueue(configuration: SpatiaLite.configuration()) }

    private func wkt(_ r: [PlanePoint]) -> String { "POLYGON((" + (r + [r[0]]).map { "\($0.x) \($0.y)" }.joined(separator: ", ") + "))" }

    /// The pieces of `a` ∩ `b` (open rings, counter-clockwise), largest first.
    func intersection(_ a: [PlanePoint], _ b: [PlanePoint]) throws -> [[PlanePoint]] {
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

    /// Throws unless every cell is a valid polygon (GEOS) and the cells of each 2025 ward cover it with no gap or
    /// overlap above 0.01 m²: the check on the partition after its vertices were moved.
    func checkTiling(_ partition: WardPartition) throws {
        for (w, ward) in partition.wardRings.indices.map({ ($0, partition.wardRing($0)) }) {
            let members = partition.cells.indices.filter { partition.cellWard[$0] == w }
            for c in members {
                let reason = try db.read { try String.fetchOne($0, sql: "SELECT ST_IsValidReason(GeomFromText(?))", arguments: [wkt(partition.ring(partition.cells[c]))]) }
                guard reason == "Valid Geometry" else { throw RegistryError.database("demo geometry: cell \(c) of ward \(w) is not valid: \(reason ?? "?")") }
            }
            let sum = members.map { PlaneRing.signedArea(partition.ring(partition.cells[$0])) }.reduce(0, +)
            let union = "ST_UnaryUnion(GeomFromText(?))"
            let rings = members.map { wkt(partition.ring(partition.cells[$0])) }
            let collection = "GEOMETRYCOLLECTION(" + rings.joined(separator: ", ") + ")"
            let (covered, difference) = try db.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT ST_Area(\(union)), ST_Area(ST_SymDifference(\(union), GeomFromText(?)))",
                                           arguments: [collection, collection, wkt(ward)])!
                return (row[0] as Double, row[1] as Double? ?? 0)
            }
            guard abs(covered - sum) < 0.01, difference < 0.01 else {
                throw RegistryError.database("demo geometry: the cells of ward \(w) overlap by \(sum - covered) m² and miss \(difference) m² of it")
            }
        }
    }
}
