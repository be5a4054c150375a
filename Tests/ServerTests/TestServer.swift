import DemoData
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Registry
import Server

let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The demo registry in a temporary directory, served by the real application on a free loopback port, for the suite.
final class TestServer: @unchecked Sendable {
    static let shared = Task { try await TestServer() }

    let directory: URL
    let databasePath: String
    let port: Int
    /// The day the server reads the registry on (the demo's reference date), so counts do not move with the calendar.
    static let today = DemoLoader.referenceDate
    var base: String { "http://127.0.0.1:\(port)" }

    init() async throws {
        directory = try TemporaryDirectories.make("econgis-serve")
        databasePath = directory.appendingPathComponent("demo.sqlite").path
        do {
            let store = try RegistryStore(path: databasePath)
            _ = try DemoLoader(store: store, directory: checkout.appendingPathComponent("geodata").path).load(today: TestServer.today, now: Date())
            try store.close()
        }
        port = try await TestServer.start(databasePath: databasePath)
    }

    /// Starts the real application over `databasePath` on a free loopback port (for the rest of the run) and returns it.
    static func start(databasePath: String) async throws -> Int {
        let ready = AsyncStream<Int>.makeStream()
        let settings = ServerSettings(databasePath: databasePath, host: "127.0.0.1", port: 0, today: { TestServer.today })
        let app = try buildApplication(settings) { port in ready.continuation.yield(port) }
        Task { try await app.run() }
        for await port in ready.stream { return port }
        return 0
    }

    /// Starts another application with `settings` (a test's own clock or time limit) on a free loopback port; cancel the
    /// task to stop it.
    static func startOwn(_ settings: ServerSettings) async throws -> (port: Int, task: Task<Void, any Error>) {
        let ready = AsyncStream<Int>.makeStream()
        let app = try buildApplication(settings) { ready.continuation.yield($0) }
        let task = Task { try await app.run() }
        for await port in ready.stream { return (port, task) }
        return (0, task)
    }

    /// Opens the database the server reads, read-only, for independent counts.
    func database() throws -> DatabaseQueue {
        try DatabaseQueue(path: databasePath, configuration: SpatiaLite.configuration(readonly: true))
    }

    /// The database file's bytes, to show a request changed nothing.
    func fileDigest() throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 8)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for suffix in ["", "-wal"] {
            guard let data = FileManager.default.contents(atPath: databasePath + suffix) else { continue }
            for b in data { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        withUnsafeBytes(of: h) { for (i, b) in $0.enumerated() { digest[i] = b } }
        return digest
    }
}

/// One HTTP exchange with the live server through URLSession.
struct HTTPResult {
    let status: Int
    let headers: [String: String]
    let body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
}

func get(_ url: String, headers: [String: String] = [:]) async throws -> HTTPResult {
    var request = URLRequest(url: URL(string: url)!)
    for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
    request.timeoutInterval = 60
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var fields: [String: String] = [:]
    for (k, v) in http.allHeaderFields { fields["\(k)"] = "\(v)" }
    return HTTPResult(status: http.statusCode, headers: fields, body: data)
}

/// Runs a program on a dispatch thread, not the cooperative pool (which the in-process server needs: on two cores
/// two waiting tests would starve it).
func run(_ program: String, _ arguments: [String], in directory: URL? = nil) async throws -> (status: Int32, output: String) {
    try await offThePool { try runBlocking(program, arguments, in: directory) }
}

/// `work`'s result, worked out on a dispatch thread: a test blocked in a read or a wait on the cooperative pool would
/// starve the in-process server of its threads.
func offThePool<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// Runs a program to its end, returning its exit status and output (standard error appended).
func runBlocking(_ program: String, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    if let directory { p.currentDirectoryURL = directory }
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The path of a program on PATH, nil when absent.
func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// The status line's code for a request sent byte for byte as given (URLSession would refuse or re-encode a
/// malformed target): a plain HTTP/1.1 GET over a loopback socket.
func rawStatus(port: Int, target: String) async throws -> Int {
    let head = try await rawExchange(port: port, "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").head
    return Int(head.prefix(12).dropFirst(9)) ?? -1  // "HTTP/1.1 400"
}

/// Sends a GET, reads the first bytes of the answer and hangs up: a client that leaves mid-stream.
func hangUpAfterFirstBytes(port: Int, target: String) throws {
    let fd = try connectLoopback(port: port)
    defer { close(fd) }
    let request = Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var buffer = [UInt8](repeating: 0, count: 1024)
    _ = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
}

/// A TCP connection to 127.0.0.1:`port`, as a file descriptor the caller closes.
func connectLoopback(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        throw POSIXError(.ECONNREFUSED)
    }
    return fd
}

/// A whole exchange over a raw loopback socket: `request`'s bytes as given, then all the server sends until it ends
/// its side of the connection (`closed`), or until nothing has come for `wait` seconds (`closed` false). The head is
/// what comes before the first blank line, the body everything after it, as sent (chunk sizes included, if chunked).
/// Off the cooperative pool, as `run`.
func rawExchange(port: Int, _ request: String, wait: Int = 30) async throws -> (head: String, body: [UInt8], closed: Bool) {
    try await offThePool { try rawExchangeBlocking(port: port, request, wait: wait) }
}

private func rawExchangeBlocking(port: Int, _ request: String, wait: Int) throws -> (head: String, body: [UInt8], closed: Bool) {
    let fd = try connectLoopback(port: port)
    defer { close(fd) }
    var timeout = timeval(tv_sec: wait, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    // No SIGPIPE if the server stops reading (a request it refuses before its end).
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { break }
        sent += n
    }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var closed = false
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 { closed = true }
        if n <= 0 { break }
        response += buffer[0..<n]
    }
    let blank: [UInt8] = [13, 10, 13, 10]
    guard let end = (0..<max(0, response.count - 3)).first(where: { Array(response[$0..<$0 + 4]) == blank }) else {
        return (String(decoding: response, as: UTF8.self), [], closed)
    }
    return (String(decoding: response[..<end], as: UTF8.self), Array(response[(end + 4)...]), closed)
}
