import Foundation
import Registry

/// Buffered bytes to a file descriptor (standard output, or a file being written): one system call per
/// 256 KiB, so streaming millions of rows costs the formatting, not the writes.
public final class ByteSink {
    private var buffer: [UInt8] = []
    private let drain: ([UInt8]) throws -> Void
    private let capacity: Int

    public init(_ handle: FileHandle) {
        capacity = 1 << 18
        drain = { try handle.write(contentsOf: $0) }
        buffer.reserveCapacity(capacity + 4096)
    }

    /// A sink that hands each full buffer of about `capacity` bytes to `drain` (an HTTP response body).
    public init(capacity: Int, drain: @escaping ([UInt8]) throws -> Void) {
        self.capacity = capacity
        self.drain = drain
        buffer.reserveCapacity(capacity + 4096)
    }

    @inline(__always) public func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    @inline(__always) public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    public func append(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }

    /// Flushes when the buffer is full; call between records.
    @inline(__always) public func recordDone() throws {
        if buffer.count >= capacity { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try drain(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Where a command's output goes: standard output, or a file that appears only when complete
/// (written beside it, then renamed), so a failed export leaves no half file behind.
public final class OutputTarget {
    public let sink: ByteSink
    private let path: String?
    private let temporary: String?
    private let handle: FileHandle

    /// - Parameter overwrite: replace an existing file at `path`; without it an existing file is an error.
    public init(path: String?, overwrite: Bool) throws {
        self.path = path
        guard let path else {
            handle = FileHandle.standardOutput
            temporary = nil
            sink = ByteSink(handle)
            return
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw RegistryError.invalidArgument(field: "output", value: path, expected: "a file name, not a directory") }
            if !overwrite { throw RegistryError.invalidArgument(field: "output", value: path, expected: "a file that does not exist yet (or allow replacing it)") }
        }
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).\(getpid()).partial"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let h = FileHandle(forWritingAtPath: tmp) else {
            throw RegistryError.invalidArgument(field: "output", value: path, expected: "a path in an existing folder that can be written")
        }
        handle = h
        temporary = tmp
        sink = ByteSink(h)
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
