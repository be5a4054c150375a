import Foundation
import GeoJSON
import GRDB

extension ReferenceLayerSource {
    /// A GeoJSON file as one layer, read twice by the streaming reader: first to type the properties (the first
    /// value of each decides, integers widen to numbers, dates to text; a later value of another kind is an error),
    /// then to hand out the features, numbered in file order, their geometries as WKB.
    static func geoJSON(_ file: String) throws -> ReferenceLayerSource {
        let reader: GeoJSONReader
        do { reader = try GeoJSONReader(path: file) } catch { throw RegistryError.unreadable(file: file, reason: error.message) }
        // RFC 7946 has no crs member: longitude/latitude. Files of GeoJSON's 2008 form may name an EPSG CRS (VN-2000 …).
        var srid = 4326
        if let crs = reader.declaredCRS, crs != "OGC:CRS84" {
            guard crs.hasPrefix("EPSG:"), let code = Int(crs.dropFirst(5)), code > 0 else {
                throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file), field: "crs", value: crs,
                    expected: "longitude/latitude (RFC 7946, CRS84) or an EPSG CRS (EPSG:3405); reproject the file first, e.g. ogr2ogr -t_srs EPSG:4326")], file: file)
            }
            srid = code
        }
        var columns: [ReferenceLayer.Column] = []
        var firstSeen: [String: (feature: Int, value: JSONValue)] = [:]
        var geometryTypes: Set<String> = []
        for item in reader {
            let feature = try item.result.mapError { RegistryError.invalidInput([ValidationIssue(
                SourceLocation(file: file, line: item.line, feature: item.index), field: "feature", value: nil, expected: $0.message)], file: file) }.get()
            if let g = feature.geometry { geometryTypes.insert(g.typeName.uppercased()) }
            for (name, value) in feature.properties where value != .null {
                guard let i = columns.firstIndex(where: { $0.name == name }) else {
                    try checkColumnName(name, file: file, feature: item.index)
                    if let clash = columns.first(where: { $0.name.lowercased() == name.lowercased() }) {
                        throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file, feature: item.index), field: name, value: name,
                            expected: "property names that differ in more than case (\"\(clash.name)\" is there too)")], file: file)
                    }
                    columns.append(.init(name: name, type: kind(of: value)))
                    firstSeen[name] = (item.index, value)
                    continue
                }
                guard let widened = widen(columns[i].type, kind(of: value)) else {
                    let first = firstSeen[name]!
                    throw RegistryError.invalidInput([ValidationIssue(SourceLocation(file: file, line: item.line, feature: item.index), field: name,
                        value: value.text ?? "", expected: "a \(columns[i].type.rawValue) value like the property's first one (feature \(first.feature): \(first.value.text ?? ""))")], file: file)
                }
                columns[i] = .init(name: name, type: widened)
            }
        }
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let geometryType = geometryTypes.count == 1 ? geometryTypes.first! : "GEOMETRY"
        return ReferenceLayerSource(sourceLayer: nil, defaultName: name, geometryField: "geometry", geometryType: geometryType, columns: columns, srid: srid) { body in
            for item in reader {
                guard case .success(let feature) = item.result else { continue }
                let values = columns.map { c in databaseValue(feature[property: c.name] ?? .null, c.type) }
                let geometry = feature.geometry.map { ReferenceFeature.Geometry.wkb(WellKnownBinary.geometry($0)) } ?? .none
                try body(ReferenceFeature(number: item.index, id: Int64(item.index), geometry: geometry, values: values))
            }
        }
    }

    static func kind(of value: JSONValue) -> FeatureLayer.PropertyType {
        switch value {
        case .bool: .boolean
        case .int: .integer
        case .double: .real
        case .string(let s): LocalDate(iso: s) != nil ? .date : isTimestamp(s) ? .timestamp : .text
        case .null, .array, .object: .text
        }
    }

    /// The type that holds both, or nil when a number meets text, or a boolean anything else.
    static func widen(_ a: FeatureLayer.PropertyType, _ b: FeatureLayer.PropertyType) -> FeatureLayer.PropertyType? {
        if a == b { return a }
        let numbers: Set<FeatureLayer.PropertyType> = [.integer, .real], texts: Set<FeatureLayer.PropertyType> = [.text, .date, .timestamp]
        if numbers.contains(a) && numbers.contains(b) { return .real }
        if texts.contains(a) && texts.contains(b) { return .text }
        return nil
    }

    static func databaseValue(_ value: JSONValue, _ type: FeatureLayer.PropertyType) -> DatabaseValue {
        switch value {
        case .null: .null
        case .bool(let b): (b ? 1 : 0).databaseValue
        case .int(let i): type == .real ? Double(i).databaseValue : i.databaseValue
        case .double(let d): d.databaseValue
        case .string(let s): s.databaseValue
        case .array, .object: JSONText.encode(value).databaseValue
        }
    }
}

extension WellKnownBinary {
    /// Any GeoJSON geometry as 2D WKB (heights dropped: the registry's geometries are XY).
    static func geometry(_ g: Geometry) -> Data {
        var out = Data()
        func uint32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        func xy(_ p: Position) {
            withUnsafeBytes(of: p.x.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: p.y.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        func positions(_ ps: [Position]) {
            uint32(ps.count)
            ps.forEach(xy)
        }
        func write(_ g: Geometry) {
            out.append(1)
            switch g {
            case .point(let p): uint32(1); xy(p)
            case .lineString(let ps): uint32(2); positions(ps)
            case .polygon(let rings): uint32(3); uint32(rings.count); rings.forEach { positions($0.positions) }
            case .multiPoint(let ps): uint32(4); uint32(ps.count); ps.forEach { write(.point($0)) }
            case .multiLineString(let ls): uint32(5); uint32(ls.count); ls.forEach { write(.lineString($0)) }
            case .multiPolygon(let polys): uint32(6); uint32(polys.count); polys.forEach { write(.polygon($0)) }
            case .geometryCollection(let gs): uint32(7); uint32(gs.count); gs.forEach { write($0) }
            }
        }
        write(g)
        return out
    }
}
