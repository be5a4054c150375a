import Foundation
import Registry

/// Buffered bytes to a file descriptor (standard output, or a file being written): one system call per
/// 256 KiB, so streaming millions of rows costs the formatting, not the writes. The buffer is raw memory:
/// an exporter appends a few bytes at a time, billions of times, and an array's checks per append were
/// a third of an export's time.
public final class ByteSink {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var allocated: Int
    private let capacity: Int
    private let drain: (UnsafeBufferPointer<UInt8>) throws -> Void
    /// For a sink that fills memory it is given and hands it over whole (`init(capacity:fresh:handOver:)`).
    private let fresh: ((Int) -> UnsafeMutablePointer<UInt8>)?
    /// A hand-over that failed while making room in a record, for the next flush to throw.
    private var failure: (any Error)?
    /// Bytes a buffer holds beyond `capacity`: room for the record that crosses it. A buffer is `capacity + slack`.
    public static let slack = 4096

    public init(_ handle: FileHandle) {
        capacity = 1 << 18
        allocated = capacity + ByteSink.slack
        base = .allocate(capacity: allocated)
        fresh = nil
        let fd = handle.fileDescriptor
        drain = { bytes in
            var done = 0
            while done < bytes.count {
                let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                done += n
            }
        }
    }

    /// A sink that hands each full buffer of about `capacity` bytes to `drain` (an HTTP response body), in place:
    /// `drain` copies what it keeps.
    public init(capacity: Int, drain: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void) {
        self.capacity = capacity
        allocated = capacity + ByteSink.slack
        base = .allocate(capacity: allocated)
        self.drain = drain
        fresh = nil
    }

    /// A sink that fills buffers of at least `capacity` bytes that `fresh` gives (an HTTP response's own) and
    /// hands each over whole to `handOver`, with the count of bytes put, when full or when a record needs more
    /// room than is left: no copy on the way out (one per chunk was 2 % of a 10 000-feature page's server CPU).
    /// A buffer is asked for only when there are bytes to put.
    public init(capacity: Int, fresh: @escaping (Int) -> UnsafeMutablePointer<UInt8>, handOver: @escaping (Int) throws -> Void) {
        self.capacity = capacity
        allocated = 0
        base = ByteSink.none
        self.fresh = fresh
        drain = { try handOver($0.count) }
    }

    /// The address of a sink with no buffer yet (`allocated` 0: the first bytes ask for one).
    nonisolated(unsafe) private static let none = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    deinit { if fresh == nil { base.deallocate() } }

    @inline(__always) public func append(_ byte: UInt8) {
        if count == allocated { grow(1) }
        base[count] = byte
        count += 1
    }

    @inline(__always) public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        if count + bytes.count > allocated { grow(bytes.count) }
        (base + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    public func append(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            var text = text
            text.withUTF8 { append($0) }
        }
    }

    /// A cursor after the bytes there, with room for at least `room` more (the buffer grows for a long record).
    /// Its bytes count once `commit` takes it back; nothing else may be appended in between.
    @inline(__always) public func cursor(room: Int) -> ByteCursor {
        if allocated - count < room { grow(room) }
        return ByteCursor(base + count, end: base + allocated)
    }

    /// `cursor`'s bytes, then room for `room` more after them.
    @inline(__always) public func cursor(_ cursor: ByteCursor, room: Int) -> ByteCursor {
        if cursor.room >= room { return cursor }
        commit(cursor)
        return self.cursor(room: room)
    }

    /// Takes the bytes a cursor put.
    @inline(__always) public func commit(_ cursor: ByteCursor) {
        count = cursor.p - base
    }

    /// Flushes when the buffer is full; call between records.
    @inline(__always) public func recordDone() throws {
        if count >= capacity { try flush() }
    }

    public func flush() throws {
        if let failure { throw failure }
        guard count > 0 else { return }
        let filled = UnsafeBufferPointer(start: base, count: count)
        count = 0
        if fresh != nil { (base, allocated) = (ByteSink.none, 0) }  // handed over: no longer the sink's
        try drain(filled)
    }

    /// Room for `more` bytes after what is there: one record longer than the buffer. A sink of given buffers hands
    /// over what it holds and takes one large enough.
    private func grow(_ more: Int) {
        if let fresh {
            do { try flush() } catch { failure = error }  // thrown by the next flush, between records
            allocated = max(capacity + ByteSink.slack, more)
            base = fresh(allocated)
            return
        }
        let size = max(allocated * 2, count + more)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: base, count: count)
        base.deallocate()
        (base, allocated) = (bigger, size)
    }
}

/// Where a command's output goes: standard output, or a file that appears only when complete
/// (written beside it, then renamed), so a failed export leaves no half file behind.
public final class OutputTarget {
    public let sink: ByteSink
    private let path: String?
    private let temporary: String?
    private let handle: FileHandle

    /// - Parameters:
    ///   - overwrite: replace an existing file at `path`; without it an existing file is an error.
    ///   - protecting: files never replaced, even with `overwrite`: what the command reads (its database, its input).
    public init(path: String?, overwrite: Bool, protecting: [String] = []) throws {
        // "-" is standard output, as for most tools.
        let path = path == "-" ? nil : path
        self.path = path
        guard let path else {
            handle = FileHandle.standardOutput
            temporary = nil
            sink = ByteSink(handle)
            return
        }
        try OutputTarget.check(path, overwrite: overwrite, protecting: protecting)
        let tmp = FileIdentity.folder(of: path) + "/.\(FileIdentity.name(of: path)).\(getpid()).partial"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let h = FileHandle(forWritingAtPath: tmp) else {
            throw RegistryError.invalidArgument(field: "output", value: path, expected: "a path in an existing folder that can be written")
        }
        handle = h
        temporary = tmp
        sink = ByteSink(h)
    }

    /// Refuses `path` as `init` would, without making anything: for a command to call before its work.
    public static func check(_ path: String?, overwrite: Bool, protecting: [String]) throws {
        guard let path, path != "-" else { return }
        try FileIdentity.checkDestination(path, field: "output", protected: protecting.map { ("", $0) }, replacing: overwrite)
    }

    /// Flushes and, for a file, moves it into place.
    public func finish() throws {
        try sink.flush()
        guard let temporary, let path else { return }
        try handle.close()
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw RegistryError.invalidArgument(field: "output", value: path, expected: "a file that can be replaced (\(String(cString: strerror(errno))))")
        }
    }

    /// Removes the partial file after a failure.
    public func abandon() {
        guard let temporary else { return }
        try? handle.close()
        unlink(temporary)
    }

    deinit { if temporary != nil, FileManager.default.fileExists(atPath: temporary!) { abandon() } }
}
