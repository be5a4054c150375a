import Foundation
import GeoJSON
import Registry

/// The real inputs of the demo's ward geometry, committed in geodata/sources/: the four wards of 2025-07-01
/// from OpenStreetMap (ODbL 1.0) and the facts about the 16 pre-2025 wards (area, census, neighbours).
struct DemoSources {
    /// A ward of 2025-07-01 as OpenStreetMap draws it.
    struct CurrentWard {
        var code: String
        var name: String
        /// The outer ring, counter-clockwise, closed (first position repeated last), as in the file.
        var ring: [Position]
    }

    /// What the facts CSV says about one pre-2025 ward.
    struct OldWardFacts {
        var number: Int
        var code: String
        var areaKm2: Double
        var population2019: Int
        var centroid: (lon: Double, lat: Double)
        /// Neighbour ward number → length of the shared edge in metres (inside the district).
        var neighbours: [Int: Double]
        /// The 2025 ward that absorbed it (old Phường 8 → Bình Thới, old Phường 12 → Phú Thọ: FACTS.md §1).
        var currentWardName: String
    }

    static let osmFile = "q11_wards_2025-07-01_osm.geojson"
    static let factsFile = "quan11_pre2025_ward_facts.csv"

    var currentWards: [CurrentWard]
    var oldWards: [OldWardFacts]
    /// The OSM file's own licence member, carried into every file made from its geometry.
    var osmLicence: String

    /// Reads both files from `directory` (geodata/sources).
    static func read(from directory: String) throws -> DemoSources {
        let osmPath = (directory as NSString).appendingPathComponent(osmFile)
        guard let data = FileManager.default.contents(atPath: osmPath) else {
            throw RegistryError.unreadable(file: osmPath, reason: "no such file or not readable (the OSM wards the demo is made from)")
        }
        let collection = try JSONText.decode(data)
        var wards: [CurrentWard] = []
        for item in try GeoJSONReader(data: data) {
            let f = try item.result.get()
            guard let code = f[property: "code"].flatMap({ $0.doubleValue.map { String(Int($0)) } ?? $0.text }),
                  let name = f[property: "name"]?.text, case .polygon(let rings)? = f.geometry else {
                throw RegistryError.unreadable(file: osmPath, reason: "feature \(item.index): expected code, name and a Polygon")
            }
            wards.append(CurrentWard(code: code, name: name, ring: rings[0].positions))
        }
        let factsPath = (directory as NSString).appendingPathComponent(factsFile)
        let reader = try CSVReader(path: factsPath)
        func column(_ name: String) throws -> Int {
            guard let i = reader.header.firstIndex(of: name) else {
                throw RegistryError.unreadable(file: factsPath, reason: "no column \(name) in the header")
            }
            return i
        }
        let (ward, code, area, pop, lon, lat, neighbours, share) = try (
            column("ward_pre2025"), column("gso_code"), column("area_km2_csl"), column("pop_2019_census"),
            column("centroid_lon_csl"), column("centroid_lat_csl"), column("neighbours_in_q11(shared_m)"), column("share_in_2025_wards_osm"))
        var old: [OldWardFacts] = []
        while let r = try reader.next() {
            func number(_ text: String, _ field: String) throws -> Double {
                guard let v = Double(text.trimmingCharacters(in: .whitespaces)) else {
                    throw RegistryError.unreadable(file: factsPath, reason: "line \(r.line), \(field): '\(text)' is not a number")
                }
                return v
            }
            func wardNumber(_ text: Substring) throws -> Int {
                guard let n = Int(text.drop { !$0.isNumber }.prefix { $0.isNumber }) else {
                    throw RegistryError.unreadable(file: factsPath, reason: "line \(r.line): '\(text)' names no ward number")
                }
                return n
            }
            var near: [Int: Double] = [:]
            for part in r.fields[neighbours].split(separator: ";") {
                let pieces = part.split(separator: "(")
                near[try wardNumber(pieces[0])] = try number(String(pieces[1].dropLast()), "neighbours")
            }
            // "Bình Thới:0.999": the 2025 ward holding (nearly) all of the old ward, also for the split Phường 8 and 12.
            let absorbing = String(r.fields[share].split(separator: ":")[0])
            old.append(OldWardFacts(
                number: try wardNumber(Substring(r.fields[ward])), code: r.fields[code], areaKm2: try number(r.fields[area], "area_km2_csl"),
                population2019: Int(try number(r.fields[pop], "pop_2019_census")),
                centroid: (try number(r.fields[lon], "centroid_lon_csl"), try number(r.fields[lat], "centroid_lat_csl")),
                neighbours: near, currentWardName: "Phường " + absorbing))
        }
        return DemoSources(currentWards: wards, oldWards: old.sorted { $0.number < $1.number },
                           osmLicence: collection["license"]?.text ?? "ODbL-1.0; © OpenStreetMap contributors")
    }
}
