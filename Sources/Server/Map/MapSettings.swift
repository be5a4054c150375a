import Foundation

/// What the office configures for `/map`: an optional base map and where the browser library's files are.
public struct MapSettings: Sendable {
    /// A tile URL template with {z}, {x} and {y} (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png); without
    /// one the ward polygons are the base map and the page asks nothing of any other host.
    public var tiles: String?
    /// Shown on the map whenever tiles are; OpenStreetMap's (ODbL asks for it) unless the office says otherwise.
    public var tilesAttribution: String?
    /// Where Debian's libjs-leaflet and libjs-leaflet.markercluster put their files (both in one folder).
    public var leafletDirectory: String

    public static let osmAttribution = "© OpenStreetMap contributors"
    public static let debianLeafletDirectory = "/usr/share/javascript/leaflet"

    public init(tiles: String? = nil, tilesAttribution: String? = nil, leafletDirectory: String = MapSettings.debianLeafletDirectory) {
        self.tiles = tiles
        self.tilesAttribution = tilesAttribution
        self.leafletDirectory = leafletDirectory
    }

    /// The attribution the page shows: the office's text, else OpenStreetMap's; none without tiles.
    var attribution: String? { tiles == nil ? nil : (tilesAttribution ?? MapSettings.osmAttribution) }

    /// Nil when `template` is a usable tile URL, else what is wrong with it.
    public static func problem(tiles template: String) -> String? {
        guard template.hasPrefix("http://") || template.hasPrefix("https://") else { return "expected an http:// or https:// URL" }
        for part in ["{z}", "{x}", "{y}"] where !template.contains(part) {
            return "expected a tile URL template with {z}, {x} and {y} (missing \(part))"
        }
        return nil
    }
}
