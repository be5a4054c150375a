import CSpatial
import Foundation

/// Transforms coordinates to WGS 84 (lon, lat) through PROJ. Not thread-safe: one per task.
public final class CoordinateTransform {
    /// Ho Chi Minh City's VN-2000 local transverse Mercator (FACTS.md §8): central meridian 105°45',
    /// k 0.9999, false easting 500 km, with the national 7-parameter shift to WGS 84.
    public static let hcmcVN2000 = "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
        + "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278 "
        + "+units=m +no_defs +type=crs"

    /// Names users may give for the HCMC local system.
    public static let hcmcAliases: Set<String> = ["vn2000-hcm", "vn2000-hcmc", "vn2000_hcm", "vn2000:hcm", "hcm-vn2000"]

    /// Turns what a user typed (`3405`, `EPSG:3405`, `VN2000-HCM`, a PROJ string or WKT) into a PROJ definition.
    public static func definition(of srs: String) -> String {
        let trimmed = srs.trimmingCharacters(in: .whitespaces)
        if hcmcAliases.contains(trimmed.lowercased()) { return hcmcVN2000 }
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit) { return "EPSG:\(trimmed)" }
        return trimmed
    }

    public let source: String
    private let context: OpaquePointer
    private let pj: OpaquePointer

    public init(from srs: String, to target: String = "EPSG:4326") throws {
        source = srs
        guard let ctx = proj_context_create() else { throw RegistryError.database("PROJ: cannot create a context") }
        context = ctx
        // Keep PROJ quiet; errors are read back through proj_context_errno.
        proj_log_level(ctx, PJ_LOG_NONE)
        let def = CoordinateTransform.definition(of: srs)
        guard let raw = proj_create_crs_to_crs(ctx, def, target, nil) else {
            let reason = String(cString: proj_context_errno_string(ctx, proj_context_errno(ctx)))
            proj_context_destroy(ctx)
            throw RegistryError.invalidArgument(
                field: "srs", value: srs,
                expected: "a coordinate system PROJ knows (EPSG:3405, 4326, VN2000-HCM, a PROJ string): \(reason)")
        }
        guard let normalised = proj_normalize_for_visualization(ctx, raw) else {
            proj_destroy(raw)
            proj_context_destroy(ctx)
            throw RegistryError.invalidArgument(field: "srs", value: srs, expected: "a coordinate system with a usable axis order")
        }
        proj_destroy(raw)
        pj = normalised
    }

    deinit {
        proj_destroy(pj)
        proj_context_destroy(context)
    }

    /// (x, y) in the source system to (x, y) in the target, both in visualisation order (easting before
    /// northing, longitude before latitude); nil when PROJ cannot transform the point.
    public func transform(x: Double, y: Double) -> (x: Double, y: Double)? {
        var coord = PJ_COORD()
        coord.xyzt = PJ_XYZT(x: x, y: y, z: 0, t: .infinity)
        let out = proj_trans(pj, PJ_FWD, coord)
        proj_errno_reset(pj)
        guard out.xy.x.isFinite, out.xy.y.isFinite else { return nil }
        return (out.xy.x, out.xy.y)
    }

    /// (x, y) in the source system (easting/northing or lon/lat) to (lon, lat) in WGS 84;
    /// nil when PROJ cannot transform the point.
    public func toWGS84(x: Double, y: Double) -> (lon: Double, lat: Double)? {
        var coord = PJ_COORD()
        coord.xyzt = PJ_XYZT(x: x, y: y, z: 0, t: .infinity)
        let out = proj_trans(pj, PJ_FWD, coord)
        proj_errno_reset(pj)
        let lon = out.xy.x, lat = out.xy.y
        guard lon.isFinite, lat.isFinite, abs(lon) <= 180, abs(lat) <= 90 else { return nil }
        return (lon, lat)
    }
}
