import ArgumentParser
import Registry
import Server

/// `econgis serve`: the registry as OGC API – Features for QGIS, GDAL and browsers, read-only.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the registry as OGC API – Features (Parts 1, 2 and 3) over HTTP, read-only.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Seconds a page's database work may take before the request is refused.") var timeLimit = 20.0
    @Option(help: "Seconds a client may send nothing of its request, or take nothing of its answer, before the server drops it.")
    var clientTimeout = 30.0
    @Option(help: ArgumentHelp("A base map for /map: a tile URL template with {z}, {x} and {y}; without it the ward polygons are the base and the page fetches nothing from other hosts.", valueName: "url"))
    var tiles: String?
    @Option(help: ArgumentHelp("The base map's attribution, shown on the map (default: \(MapSettings.osmAttribution)).", valueName: "text"))
    var tilesAttribution: String?

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port \(port): expected 0 to 65535") }
        if !(timeLimit > 0 && timeLimit <= 3600) { throw ValidationError("--time-limit \(timeLimit): expected seconds above 0, at most 3600") }
        if !(clientTimeout > 0 && clientTimeout <= 3600) { throw ValidationError("--client-timeout \(clientTimeout): expected seconds above 0, at most 3600") }
        if let tiles, let problem = MapSettings.problem(tiles: tiles) { throw ValidationError("--tiles \"\(tiles)\": \(problem)") }
        if tilesAttribution != nil && tiles == nil { throw ValidationError("--tiles-attribution needs --tiles (the attribution of which base map?)") }
    }

    func run() async throws {
        var settings = ServerSettings(databasePath: database.path, host: host, port: port, timeLimit: timeLimit)
        settings.clientTimeout = clientTimeout
        settings.map = MapSettings(tiles: tiles, tilesAttribution: tilesAttribution)
        try await runServer(settings) { bound in
            note("serving \(database.path) at http://\(host):\(bound)/ (OGC API – Features; Ctrl-C stops), the map at http://\(host):\(bound)/map")
        }
    }
}
