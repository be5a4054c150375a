import CSpatial

/// `econgis_distance_m(point, lon, lat)`: metres from a SpatiaLite POINT blob to a longitude/latitude on the
/// WGS 84 ellipsoid, by PROJ's geodesic (Karney), the computation SpatiaLite's `ST_Distance(a, b, 1)` makes.
/// SpatiaLite looks the ellipsoid up in spatial_ref_sys with a new statement on every call, which GRDB's
/// authorizer then inspects: 50 µs a unit, minutes for a list "within 500 m" at city scale. NULL for
/// anything but a point.
enum GeodesicDistance {
    static let name = "econgis_distance_m"

    private static let wgs84: geod_geodesic = {
        var g = geod_geodesic()
        geod_init(&g, 6_378_137, 1 / 298.257223563)
        return g
    }()

    /// Registers the function on a connection (SpatiaLite.initialise).
    static func register(_ handle: OpaquePointer) {
        _ = wgs84
        sqlite3_create_function_v2(handle, name, 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, _, arguments in
            guard let arguments, let blob = sqlite3_value_blob(arguments[0]),
                  let point = RawRow.point(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_value_bytes(arguments[0])))),
                  sqlite3_value_type(arguments[1]) != SQLITE_NULL, sqlite3_value_type(arguments[2]) != SQLITE_NULL else {
                return sqlite3_result_null(context)
            }
            var metres = 0.0
            withUnsafePointer(to: GeodesicDistance.wgs84) { g in
                geod_inverse(g, point.y, point.x, sqlite3_value_double(arguments[2]), sqlite3_value_double(arguments[1]), &metres, nil, nil)
            }
            sqlite3_result_double(context, metres)
        }, nil, nil, nil)
    }
}
