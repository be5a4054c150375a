import Foundation
import GRDB
import GeoJSON
import Registry
import Planning

/// Makes the demo data set of geodata/ from DemoFacts, deterministically: the same seed gives
/// byte-identical files. Geometry (Voronoi, unions, the P8 split) is computed by SpatiaLite/GEOS.
public enum DemoGenerator {
    public static let referenceDate = LocalDate(year: 2026, month: 11, day: 15)!
    public static let jurisdictionName = "Quận 11 (cũ), TP. Hồ Chí Minh"
    public static let defaultSeed: UInt64 = 11

    /// Writes jurisdiction.geojson, admin_units.geojson, successions.csv, markets.geojson, units.csv
    /// instruments.csv and inspections.csv into `directory`.
    public static func generate(into directory: String, seed: UInt64 = defaultSeed) throws {
        let files = try makeFiles(seed: seed)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            try text.write(toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    /// The files' contents by name.
    public static func makeFiles(seed: UInt64 = defaultSeed) throws -> [String: String] {
        let geo = try WardGeometry.make()
        var rng = SplitMix64(seed: seed)
        var units = UnitMaker(geo: geo, rng: rng)
        units.makeAll()
        rng = units.rng
        return [
            "jurisdiction.geojson": GeoJSONWriter.string([Feature(geometry: geo.outline, properties: [("name", .string(jurisdictionName))])], name: "jurisdiction"),
            "admin_units.geojson": GeoJSONWriter.string(geo.adminFeatures(), name: "admin_units"),
            "successions.csv": geo.successionsCSV(),
            "markets.geojson": GeoJSONWriter.string(units.marketFeatures, name: "markets"),
            "units.csv": units.unitsCSV(),
            "instruments.csv": units.instrumentsCSV(),
            "inspections.csv": units.inspectionsCSV(seed: seed),
        ]
    }
}

/// Draws for the generator, on Planning's seedable SplitMix64 so output does not depend on the platform's RNG.
extension SplitMix64 {
    /// Uniform in [0, 1).
    mutating func unit() -> Double { nextDouble() }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    mutating func chance(_ p: Double) -> Bool { unit() < p }
    /// Standard normal (Box-Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// The schematic ward polygons of the three periods.
struct WardGeometry {
    struct Ward {
        var code: String
        var name: String
        var validFrom: String
        var validTo: String?
        var parent: String
        var geometry: Geometry
        var polygons: [[[Position]]] { geometry.polygons!.map { $0.map(\.positions) } }
    }

    var outline: Geometry
    var pre2025: [Int: Ward] = [:]
    var h1: [String: Ward] = [:]
    var current: [String: Ward] = [:]

    static func make() throws -> WardGeometry {
        let db = try DatabaseQueue(configuration: SpatiaLite.configuration())
        return try db.read { db in
            let facts = DemoFacts.wards2024
            let multipoint = "MULTIPOINT(" + facts.map { "\($0.lon) \($0.lat)" }.joined(separator: ", ") + ")"
            let e = DemoFacts.extent
            func geometry(_ sql: String, _ args: StatementArguments) throws -> Geometry {
                guard let text = try String.fetchOne(db, sql: "SELECT AsGeoJSON(CastToMultiPolygon(\(sql)), 9)", arguments: args) else {
                    throw RegistryError.database("demo geometry: \(sql) gave nothing")
                }
                return try GeoJSONDecoding.geometry(JSONText.decode(Array(text.utf8)))
            }
            func wkt(_ g: Geometry) -> String { GeoJSONWriter(precision: 9) { _ in }.geometryText(g) }
            let outlineSQL = "ST_Intersection(ST_Buffer(ST_ConvexHull(GeomFromText(?1, 4326)), ?2), BuildMbr(?3, ?4, ?5, ?6, 4326))"
            let outline = try geometry(outlineSQL, [multipoint, DemoFacts.outlineBufferDegrees, e.minLon, e.minLat, e.maxLon, e.maxLat])
            var result = WardGeometry(outline: outline)
            let p = DemoFacts.periods
            for w in facts {
                let cell = try geometry("""
                    (SELECT ST_Intersection(GeometryN(v, n), GeomFromGeoJSON(?4)) FROM
                       (SELECT ST_VoronojDiagram(GeomFromText(?1, 4326), 0, 50) AS v),
                       (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 16) SELECT n FROM s)
                     WHERE ST_Contains(GeometryN(v, n), MakePoint(?2, ?3, 4326)))
                    """, [multipoint, w.lon, w.lat, wkt(outline)])
                result.pre2025[w.number] = Ward(code: w.code, name: "Phường \(w.number)", validFrom: p.pre2025.from, validTo: p.pre2025.to,
                                                parent: "772", geometry: cell)
            }
            func union(_ parts: [Geometry]) throws -> Geometry {
                var acc = parts[0]
                for g in parts.dropFirst() {
                    acc = try geometry("ST_Union(SetSRID(GeomFromGeoJSON(?1), 4326), SetSRID(GeomFromGeoJSON(?2), 4326))", [wkt(acc), wkt(g)])
                }
                return acc
            }
            // The district is exactly the union of its wards, so wards and jurisdiction tile without slivers.
            result.outline = try union(facts.map { result.pre2025[$0.number]!.geometry })
            for (name, code, members) in DemoFacts.wards2025H1 {
                result.h1[name] = Ward(code: code, name: name, validFrom: p.h1.from, validTo: p.h1.to, parent: "772",
                                       geometry: try union(members.map { result.pre2025[$0]!.geometry }))
            }
            let p8 = result.h1["Phường 8"]!.geometry
            let west = try geometry("ST_Intersection(SetSRID(GeomFromGeoJSON(?1), 4326), BuildMbr(?2, ?3, ?4, ?5, 4326))",
                                    [wkt(p8), e.minLon - 0.01, e.minLat - 0.01, DemoFacts.p8SplitLongitude, e.maxLat + 0.01])
            let east = try geometry("ST_Difference(SetSRID(GeomFromGeoJSON(?1), 4326), SetSRID(GeomFromGeoJSON(?2), 4326))", [wkt(p8), wkt(west)])
            for (name, code, members, part) in DemoFacts.wards2025 {
                var parts = members.map { result.h1[$0]!.geometry }
                if let part { parts.append(part == .west ? west : east) }
                result.current[name] = Ward(code: code, name: name, validFrom: p.current.from, validTo: nil, parent: "79", geometry: try union(parts))
            }
            return result
        }
    }

    func adminFeatures() -> [Feature] {
        var features: [Feature] = [
            Feature(geometry: nil, properties: [("code", "79"), ("name", "Thành phố Hồ Chí Minh"), ("level", "province"),
                                                ("valid_from", "2000-01-01"), ("valid_to", "2025-06-30")]),
            Feature(geometry: nil, properties: [("code", "79"), ("name", "Thành phố Hồ Chí Minh"), ("level", "province"),
                                                ("valid_from", "2025-07-01"), ("valid_to", nil)]),
            Feature(geometry: outline, properties: [("code", "772"), ("name", "Quận 11"), ("level", "district"), ("parent", "79"),
                                                    ("valid_from", "2000-01-01"), ("valid_to", "2025-06-30")]),
        ]
        let wards = pre2025.keys.sorted().map { pre2025[$0]! }
            + DemoFacts.wards2025H1.map { h1[$0.0]! }
            + DemoFacts.wards2025.map { current[$0.0]! }
        for w in wards {
            features.append(Feature(geometry: w.geometry, properties: [
                ("code", .string(w.code)), ("name", .string(w.name)), ("level", "ward"), ("parent", .string(w.parent)),
                ("valid_from", .string(w.validFrom)), ("valid_to", .from(w.validTo)),
            ]))
        }
        return features
    }

    func successionsCSV() -> String {
        var out = ""
        let writer = CSVWriter { out += $0 }
        writer.write(["predecessor_code", "predecessor_valid_from", "successor_code", "successor_valid_from", "effective_on", "extent", "note"])
        let p = DemoFacts.periods
        for (name, code, members) in DemoFacts.wards2025H1 {
            for m in members {
                writer.write([pre2025[m]!.code, p.pre2025.from, code, p.h1.from, p.h1.from, "whole",
                              members.count == 1 ? "continues as \(name)" : "Phường \(m) into \(name)"])
            }
        }
        for (name, code, members, part) in DemoFacts.wards2025 {
            for m in members {
                writer.write([h1[m]!.code, p.h1.from, code, p.current.from, p.current.from, "whole", "\(m) into \(name) (NQ 1685/NQ-UBTVQH15)"])
            }
            if let part {
                writer.write([h1["Phường 8"]!.code, p.h1.from, code, p.current.from, p.current.from, "part",
                              "\(part == .west ? "part" : "rest") of Phường 8 into \(name); split line schematic (\(DemoFacts.p8SplitLongitude)° E)"])
            }
        }
        return out
    }

    /// The ward of `period` containing the point.
    func ward(at lon: Double, _ lat: Double, on date: String) -> Ward? {
        let set: [Ward]
        if date < DemoFacts.periods.h1.from { set = Array(pre2025.values) } else if date < DemoFacts.periods.current.from { set = Array(h1.values) } else { set = Array(current.values) }
        return set.sorted { $0.code < $1.code }.first { WardIndex.contains($0.polygons, lon, lat) }
    }
}
