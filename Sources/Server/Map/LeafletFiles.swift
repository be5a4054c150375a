import Foundation
import Hummingbird

/// Leaflet and its marker-cluster plugin as Debian installs them (libjs-leaflet, libjs-leaflet.markercluster),
/// served to the page from the machine itself: the office's browser fetches nothing from the internet, and the
/// library's security updates come with the system's.
struct LeafletFiles: Sendable {
    let directory: String
    static let required = ["leaflet.js", "leaflet.css", "leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"]

    /// Nil when every file the page loads is there, else the message a person needs to fix it.
    var missing: String? {
        let absent = LeafletFiles.required.filter { !FileManager.default.isReadableFile(atPath: directory + "/" + $0) }
        guard !absent.isEmpty else { return nil }
        return "The map needs Leaflet and its marker-cluster plugin from Debian: \(absent.joined(separator: ", ")) "
            + "not found in \(directory). Install them with: sudo apt-get install libjs-leaflet libjs-leaflet.markercluster"
    }

    /// One file by its name (or images/NAME), never a path out of the folder.
    func response(_ name: String) throws -> Response {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        let safe = (parts.count == 1 || (parts.count == 2 && parts[0] == "images"))
            && parts.allSatisfy { p in !p.isEmpty && !p.hasPrefix(".") && p.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) } }
        guard safe else { throw OGCError.notFound("no map file \"\(name.prefix(100))\"") }
        if let missing { throw OGCError(.serviceUnavailable, "ServiceUnavailable", missing) }
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            throw OGCError.notFound("no map file \"\(name)\" in \(directory)")
        }
        let type = name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : name.hasSuffix(".css") ? "text/css; charset=utf-8"
            : name.hasSuffix(".png") ? "image/png" : name.hasSuffix(".svg") ? "image/svg+xml" : "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=86400"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
