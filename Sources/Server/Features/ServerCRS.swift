import Foundation
import Registry

/// A coordinate reference system the server offers (OGC API – Features Part 2). Storage is CRS84 (longitude,
/// latitude); EPSG:4326 is the same datum with latitude first, as EPSG defines its axes; the projected systems go
/// through PROJ.
struct ServerCRS: Sendable, Hashable {
    let uri: String
    /// PROJ's name for it; nil for CRS84 and EPSG:4326, which need no transformation.
    let proj: String?
    let latitudeFirst: Bool
    /// Coordinates in metres, written to the millimetre; degrees get 7 decimals (about 1 cm).
    var projected: Bool { proj != nil }
    var decimals: Int { projected ? 3 : 7 }

    static let crs84 = ServerCRS(uri: "http://www.opengis.net/def/crs/OGC/1.3/CRS84", proj: nil, latitudeFirst: false)
    static let epsg4326 = ServerCRS(uri: "http://www.opengis.net/def/crs/EPSG/0/4326", proj: nil, latitudeFirst: true)
    /// VN-2000 / UTM zone 48N, the national grid.
    static let epsg3405 = ServerCRS(uri: "http://www.opengis.net/def/crs/EPSG/0/3405", proj: "EPSG:3405", latitudeFirst: false)
    /// VN-2000 / TM-3 105-45: Ho Chi Minh City's local 3° transverse Mercator (central meridian 105°45', k 0.9999).
    static let epsg9210 = ServerCRS(uri: "http://www.opengis.net/def/crs/EPSG/0/9210", proj: "EPSG:9210", latitudeFirst: false)

    static let all: [ServerCRS] = [.crs84, .epsg4326, .epsg3405, .epsg9210]

    /// A CRS named by its URI, a `[EPSG:4326]` safe CURIE or `EPSG:4326`; anything else is a 400 naming `parameter`.
    static func parse(_ text: String, parameter: String) throws -> ServerCRS {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("["), t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        let lower = t.lowercased()
        for crs in all where crs.uri.lowercased() == lower || crs.uri.replacingOccurrences(of: "http://", with: "https://").lowercased() == lower {
            return crs
        }
        switch lower {
        case "crs84", "ogc:crs84": return .crs84
        case "epsg:4326": return .epsg4326
        case "epsg:3405": return .epsg3405
        case "epsg:9210", "vn2000-hcm": return .epsg9210
        default:
            throw OGCError.invalid(parameter, text, expected: "one of the CRS this server offers: " + all.map(\.uri).joined(separator: ", "))
        }
    }

    /// Longitude/latitude (CRS84) to this CRS's axis order and units, made per request (PROJ objects are not shared).
    func fromCRS84() throws -> (@Sendable (Double, Double) -> (x: Double, y: Double)?)? {
        if latitudeFirst { return { lon, lat in (lat, lon) } }
        guard let proj else { return nil }
        let t = try CoordinateTransform(from: "EPSG:4326", to: proj)
        let box = UncheckedBox(t)
        return { lon, lat in box.value.transform(x: lon, y: lat) }
    }

    /// This CRS's coordinates (in its axis order) to longitude/latitude.
    func toCRS84() throws -> (Double, Double) -> (lon: Double, lat: Double)? {
        if latitudeFirst { return { a, b in (b, a) } }
        guard let proj else { return { x, y in (x, y) } }
        let t = try CoordinateTransform(from: proj, to: "EPSG:4326")
        return { x, y in t.transform(x: x, y: y).map { ($0.x, $0.y) } }
    }
}

/// Holds a PROJ transformation for the one request that made it; the request's writer uses it from one thread at a time.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
