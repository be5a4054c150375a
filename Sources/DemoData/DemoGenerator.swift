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
    /// instruments.csv and inspections.csv into `directory`, from the real inputs in `directory`/sources.
    public static func generate(into directory: String, seed: UInt64 = defaultSeed) throws {
        let files = try makeFiles(sources: (directory as NSString).appendingPathComponent("sources"), seed: seed)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            try text.write(toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    /// The files' contents by name, made from the OSM wards and the ward facts in `sources` (geodata/sources).
    public static func makeFiles(sources: String, seed: UInt64 = defaultSeed) throws -> [String: String] {
        let geo = try WardGeometry.make(sources: DemoSources.read(from: sources))
        var rng = SplitMix64(seed: seed)
        var units = UnitMaker(geo: geo, rng: rng)
        units.makeAll()
        rng = units.rng
        return [
            "jurisdiction.geojson": geo.licensed(GeoJSONWriter.string([Feature(geometry: geo.outline, properties: [("name", .string(jurisdictionName))])],
                                                                      name: "jurisdiction", precision: 9)),
            "admin_units.geojson": geo.licensed(GeoJSONWriter.string(geo.adminFeatures(), name: "admin_units", precision: 9)),
            "successions.csv": geo.successionsCSV(),
            "markets.geojson": GeoJSONWriter.string(units.marketFeatures, name: "markets"),
            "units.csv": units.unitsCSV(),
            "instruments.csv": units.instrumentsCSV(),
            "inspections.csv": units.inspectionsCSV(seed: seed),
            "field_work.csv": units.fieldWorkCSV(seed: seed),
            "origin_log.csv": units.originLogCSV(seed: seed),
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

/// The ward polygons of the three periods: today's four from OpenStreetMap, the 16 older wards shaped from the
/// facts inside them (`WardPartition`), and the ten of 2025-H1 as unions of those.
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
    /// The pre-2025 wards on the local plane, for placing units at a distance from their edges.
    var plane: LocalPlane
    var pre2025Rings: [Int: [PlanePoint]] = [:]
    /// How close the shapes came to the facts: pre-2025 ward → plane area in km².
    var areasKm2: [Int: Double] = [:]
    /// 2019 census population of each pre-2025 ward (facts CSV): units are spread in proportion.
    var populations: [Int: Int] = [:]
    var licence: String

    /// The least overlap of two neighbouring wards along a border of today's wards, in metres.
    static let minimumBorderOverlap = 20.0
    /// The longest piece of an edge inside a 2025 ward when it bends to balance the areas, in metres.
    static let innerEdgePiece = 40.0
    /// How far inside its ward each FACTS.md point must lie, in metres (the points are given to about 50 m).
    static let factsPointMargin = 10.0

    /// Builds the partition, then builds it again with each ward's area target scaled by how far the last
    /// build missed it (moving junctions to make the facts' neighbours changes areas by a few per cent), then
    /// balances what is left by moving the vertices inside the 2025 wards (`balanceAreas`).
    static func make(sources: DemoSources) throws -> WardGeometry {
        let plane = LocalPlane(lon0: 106.648, lat0: 10.765)
        var correction: [Int: Double] = [:]
        var built = try build(sources: sources, plane: plane, correction: correction)
        for _ in 0..<8 {
            let misses = sources.oldWards.map { f in f.areaKm2 / (PlaneRing.signedArea(built.partition.ring(built.partition.cells[built.cellOf[f.number]!])) / 1e6) }
            if misses.allSatisfy({ abs($0 - 1) < 0.01 }) { break }
            var next = correction
            for (f, miss) in zip(sources.oldWards, misses) { next[f.number, default: 1] *= miss.squareRoot() }
            // A correction that loses a neighbour pair of the facts is not taken; the last good build stays.
            guard let better = try? build(sources: sources, plane: plane, correction: next) else { break }
            (correction, built) = (next, better)
        }
        var (partition, cellOf) = built
        let facts = Dictionary(uniqueKeysWithValues: sources.oldWards.map { ($0.number, $0) })
        // The facts' areas scaled to the OSM ward holding them (they differ by under 0.4 %), and the FACTS.md points.
        var targets = Array(repeating: 0.0, count: partition.cells.count)
        var factsPoints = [PlanePoint?](repeating: nil, count: partition.cells.count)
        for (w, ward) in sources.currentWards.enumerated() {
            let members = sources.oldWards.filter { $0.currentWardName == ward.name }
            let scale = PlaneRing.signedArea(partition.wardRing(w)) / 1e6 / members.map(\.areaKm2).reduce(0, +)
            for m in members { targets[cellOf[m.number]!] = m.areaKm2 * scale * 1e6 }
        }
        for w in DemoFacts.wards2024 { factsPoints[cellOf[w.number]!] = plane.point(lon: w.lon, lat: w.lat) }
        // First with straight edges, so that junctions move and edges turn; then edges bend for what is left.
        let slid = try partition.slideJunctionsTowardPoints(factsPoints, margin: factsPointMargin)
        partition.balanceAreas(targets: targets, points: factsPoints.map { _ in nil }, margin: factsPointMargin, fixed: slid, smoothing: false)
        partition.subdivideInnerEdges(maximumLength: innerEdgePiece)
        let left = partition.balanceAreas(targets: targets, points: factsPoints, margin: factsPointMargin, smoothing: true)
        guard left.areaError < 1e-4, left.pointShortfall < 0.01 else {
            throw RegistryError.database("demo geometry: balancing left an area error of \(left.areaError) and a point \(left.pointShortfall) m short of its margin")
        }
        try checkNeighbours(partition, cellOf: cellOf, sources: sources)
        try PlaneClipper().checkTiling(partition)
        func positions(_ ids: [Int]) -> [Position] {
            let open = ids.map { id -> Position in
                if let c = partition.osmLonLat[id] { return Position(c.lon, c.lat) }
                let c = plane.lonLat(partition.points[id])
                return Position(c.lon, c.lat)
            }
            return open + [open[0]]
        }
        func polygon(_ rings: [[Int]], _ what: String) throws -> Geometry {
            guard rings.count == 1 else { throw RegistryError.database("demo geometry: \(what) has \(rings.count) rings: \(rings.map { positions($0) })") }
            return .polygon([try LinearRing(positions(rings[0]))])
        }
        let p = DemoFacts.periods
        var result = WardGeometry(outline: try polygon(WardPartition.outline(of: partition.wardRings), "the district"), plane: plane, licence: sources.osmLicence)
        for (number, cell) in cellOf.sorted(by: { $0.key < $1.key }) {
            let ring = partition.ring(partition.cells[cell])
            result.pre2025Rings[number] = ring
            result.areasKm2[number] = PlaneRing.signedArea(ring) / 1e6
            result.populations[number] = facts[number]!.population2019
            result.pre2025[number] = Ward(code: facts[number]!.code, name: "Phường \(number)", validFrom: p.pre2025.from, validTo: p.pre2025.to,
                                          parent: "772", geometry: try polygon([partition.cells[cell]], "Phường \(number)"))
        }
        for (name, code, members) in DemoFacts.wards2025H1 {
            result.h1[name] = Ward(code: code, name: name, validFrom: p.h1.from, validTo: p.h1.to, parent: "772",
                                   geometry: try polygon(WardPartition.outline(of: members.map { partition.cells[cellOf[$0]!] }), name))
        }
        for ward in sources.currentWards {
            result.current[ward.name] = Ward(code: ward.code, name: ward.name, validFrom: p.current.from, validTo: nil, parent: "79",
                                             geometry: .polygon([try LinearRing(ward.ring)]))
        }
        return result
    }

    /// A FeatureCollection made from OpenStreetMap's geometry carries its licence: ODbL 1.0, © OpenStreetMap contributors.
    func licensed(_ collection: String) -> String {
        var members = ""
        JSONText.writeString(licence, to: &members)
        var attribution = ""
        JSONText.writeString("© OpenStreetMap contributors (ODbL 1.0, https://www.openstreetmap.org/copyright); see geodata/README.md", to: &attribution)
        return collection.replacingOccurrences(of: "\"features\":[", with: "\"license\":\(members),\"attribution\":\(attribution),\"features\":[",
                                               options: [], range: collection.range(of: "\"features\":["))
    }

    /// One build: a fitted power diagram in each 2025 ward, stray pieces given to their neighbours, then the
    /// borders and edges made to match the facts' neighbour graph (or an error naming the difference).
    static func build(sources: DemoSources, plane: LocalPlane, correction: [Int: Double]) throws -> (partition: WardPartition, cellOf: [Int: Int]) {
        var partition = WardPartition(plane: plane, rings: sources.currentWards.map { $0.ring.map { ($0.x, $0.y) } })
        var cellOf: [Int: Int] = [:], numberOf: [Int: Int] = [:]
        let clipper = try PlaneClipper()
        var extra: [(ring: [PlanePoint], ward: Int, cell: Int)] = []
        for (w, ward) in sources.currentWards.enumerated() {
            let members = sources.oldWards.filter { $0.currentWardName == ward.name }
            guard !members.isEmpty else { throw RegistryError.database("demo geometry: no pre-2025 ward lies in \(ward.name) by the facts") }
            let boundary = partition.wardRing(w)
            let wanted = members.map { $0.areaKm2 * (correction[$0.number] ?? 1) }
            let area = PlaneRing.signedArea(boundary), total = wanted.reduce(0, +)
            // One site per old ward, started at the facts' centroid.
            let diagram = PowerDiagram.fit(in: boundary, areas: wanted.map { $0 / total * area },
                                           centroids: members.map { plane.point(lon: $0.centroid.lon, lat: $0.centroid.lat) })
            // Each power cell (convex: a large square cut by the half-planes), then its pieces inside the ward.
            let square = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)].map { PlanePoint(x: $0.0 * 1e5, y: $0.1 * 1e5) }
            for (k, m) in members.enumerated() {
                cellOf[m.number] = partition.cells.count
                numberOf[partition.cells.count] = m.number
                let pieces = try clipper.intersection(diagram.cell(k, in: square), boundary)
                guard let main = pieces.first else { throw RegistryError.database("demo geometry: Phường \(m.number) got no ground in \(ward.name)") }
                partition.addCell(main, ward: w)
                extra += pieces.dropFirst().map { ($0, w, partition.cells.count - 1) }
            }
        }
        // A piece cut off from its cell by a bend of the ward's border goes to the neighbour around it.
        for piece in extra { try partition.absorb(piece.ring, ward: piece.ward, preferring: piece.cell) }
        let facts = Dictionary(uniqueKeysWithValues: sources.oldWards.map { ($0.number, $0) })
        let adjacent = { (a: Int, b: Int) -> Bool in facts[numberOf[a]!]!.neighbours[numberOf[b]!] != nil || facts[numberOf[b]!]!.neighbours[numberOf[a]!] != nil }
        try partition.alignBorders(adjacent: adjacent, minimumOverlap: minimumBorderOverlap)
        partition.insertSharedVertices()
        try partition.removeUnwantedEdges(adjacent: adjacent)
        try checkNeighbours(partition, cellOf: cellOf, sources: sources)
        return (partition, cellOf)
    }

    /// Throws unless two cells share an edge exactly when the facts list their wards as neighbours.
    static func checkNeighbours(_ partition: WardPartition, cellOf: [Int: Int], sources: DemoSources) throws {
        let numberOf = Dictionary(uniqueKeysWithValues: cellOf.map { ($1, $0) })
        let shared = Set(partition.sharedLengths().keys.map { WardPartition.Pair(numberOf[$0.a]!, numberOf[$0.b]!) })
        let wanted = Set(sources.oldWards.flatMap { f in f.neighbours.keys.map { WardPartition.Pair(min(f.number, $0), max(f.number, $0)) } })
        let normalised = Set(shared.map { WardPartition.Pair(min($0.a, $0.b), max($0.a, $0.b)) })
        guard normalised == wanted else {
            throw RegistryError.database("demo geometry: neighbours differ from the facts: extra \(normalised.subtracting(wanted).map { "P\($0.a)-P\($0.b)" }.sorted()), missing \(wanted.subtracting(normalised).map { "P\($0.a)-P\($0.b)" }.sorted())")
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
                              "the ground of old Phường \(part) in Phường 8 into \(name) (split on the old P8/P12 line, as OpenStreetMap shows)"])
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
