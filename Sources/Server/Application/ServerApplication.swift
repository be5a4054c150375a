import Foundation
import Hummingbird
import Logging
import Registry

/// What every controller reads: the registry (read-only), the clock that says which day "today" is, the area.
public struct ServiceState: Sendable {
    let reader: RegistryReader
    let today: @Sendable () -> LocalDate
    let extent: BoundingBox?
    let timeLimit: Double
    /// Seconds a page's reader thread waits for a client that takes none of its bytes before it drops the page.
    let clientTimeout: Double
    let counts = CountCache()
    let catalogue = CollectionCatalogue()
    let anchors = OffsetAnchors()
    let layerQueries = LayerQueryMemo()
    /// As many as the pool has reader connections: more would only wait for one.
    let threads = ReaderThreads(count: RegistryReader.readerCount)
    /// For reads no request waits for (counts kept ready for later requests): they take the cores only when requests leave them idle.
    let background = ReaderThreads(count: RegistryReader.backgroundCount, name: "econgis-background", lowPriority: true)
    var layers: FeatureLayers { FeatureLayers(store: reader.store) }
}

/// Where to listen and what to serve.
public struct ServerSettings: Sendable {
    public var databasePath: String
    public var host: String
    public var port: Int
    public var today: @Sendable () -> LocalDate
    /// Seconds a page's database work may take before the request is refused.
    public var timeLimit: Double
    /// Seconds a client may send nothing of its request, or take nothing of its answer, before it is dropped: without
    /// it, a few clients that asked for large pages and read nothing held every reader thread, and every other page
    /// waited for them.
    public var clientTimeout: Double = 30
    /// The `/map` page's base map and Leaflet files.
    public var map = MapSettings()

    public init(databasePath: String, host: String = "127.0.0.1", port: Int = 8080, timeLimit: Double = 20,
                today: @escaping @Sendable () -> LocalDate = { .today() }) {
        self.databasePath = databasePath
        self.host = host
        self.port = port
        self.timeLimit = timeLimit
        self.today = today
    }
}

/// The OGC API – Features application over the registry at `settings.databasePath`. `onServerRunning` gets the port
/// actually bound (port 0 picks a free one, as the tests do).
public func buildApplication(_ settings: ServerSettings, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
    throws -> some ApplicationProtocol {
    let reader = try RegistryReader(path: settings.databasePath)
    let service = ServiceState(reader: reader, today: settings.today, extent: try FeatureLayers(store: reader.store).extent(),
                               timeLimit: settings.timeLimit, clientTimeout: settings.clientTimeout)
    let router = Router(options: .autoGenerateHeadEndpoints)
    // CORS outermost: it answers a browser's preflight (OPTIONS) itself, and the error middleware inside it turns every
    // error into a response that CORS then marks, where an error thrown through it came out as a 500.
    router.add(middleware: CORSMiddleware(allowOrigin: .all, allowHeaders: [.accept, .contentType, .ifNoneMatch],
                                          allowMethods: [.get, .head, .options], exposedHeaders: CrossOrigin.exposedHeaders))
    router.add(middleware: CommonHeaders())
    router.add(middleware: OGCErrorMiddleware())
    LandingController(service: service).addRoutes(to: router)
    CollectionsController(service: service).addRoutes(to: router)
    ItemsController(service: service).addRoutes(to: router)
    MapController(service: service, settings: settings.map).addRoutes(to: router)
    var logger = Logger(label: "econgis-serve")
    logger.logLevel = .warning
    return Application(
        router: router,
        server: .framedHTTP1(idleTimeout: .nanoseconds(Int64(settings.clientTimeout * 1e9))),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "econgis"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
        logger: logger)
}

/// Runs the server until SIGINT or SIGTERM.
public func runServer(_ settings: ServerSettings, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
    HeapRetention.keepFreedMemory()
    let app = try buildApplication(settings, onServerRunning: onServerRunning)
    try await app.runService()
}
