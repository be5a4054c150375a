import CompressNIO
import Foundation
import NIOCore

/// Bytes made by a blocking producer (a GRDB read stepping rows on its own thread) and written to a response by
/// an async consumer, a few chunks at a time: memory stays at `capacity` chunks whatever the page size, and a
/// client that goes away stops the read at its next chunk.
final class ByteChannel: @unchecked Sendable {
    enum Message {
        /// The producer checked the request and is about to stream.
        case started
        case chunk(ByteBuffer)
        case finished
        case failed(any Error)
    }

    struct Cancelled: Error {}

    private let lock = NSLock()
    private var queue: [Message] = []
    private var waiting: CheckedContinuation<Message, Never>?
    /// Chunks sent and not yet written, under `room`; a condition rather than a DispatchSemaphore, which traps
    /// when freed below its initial count (as it would be when a client leaves mid-stream).
    private let room = NSCondition()
    private var unwritten = 0
    private var cancelled = false
    private let capacity: Int

    /// Compresses the stream on the producer's thread when the client accepts gzip.
    private let gzip: ZlibCompressor?

    init(capacity: Int = 4, gzip: Bool = false) throws {
        self.capacity = capacity
        self.gzip = gzip ? try ZlibCompressor(algorithm: .gzip, configuration: .init(compressionLevel: .fastestCompression)) : nil
    }

    // MARK: Producer (blocking)

    /// Queues a chunk, waiting while `capacity` chunks are unread; throws once the consumer has gone.
    func send(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        try send(ByteBuffer(bytes: bytes), flush: .sync)
    }

    private func send(_ buffer: ByteBuffer, flush: CompressNIOFlush) throws {
        var buffer = buffer
        if let gzip {
            var out = ByteBufferAllocator().buffer(capacity: gzip.maxSize(from: buffer) + 64)
            try gzip.deflate(from: &buffer, to: &out, flush: flush)
            buffer = out
        }
        room.lock()
        while unwritten >= capacity && !cancelled { room.wait() }
        if cancelled {
            room.unlock()
            throw Cancelled()
        }
        unwritten += 1
        room.unlock()
        deliver(.chunk(buffer))
    }

    /// Ends the stream (with gzip's trailer when compressing).
    func close() throws {
        if gzip != nil { try send(ByteBuffer(), flush: .finish) }
        deliver(.finished)
    }

    func deliver(_ message: Message) {
        lock.lock()
        if let w = waiting {
            waiting = nil
            lock.unlock()
            w.resume(returning: message)
        } else {
            queue.append(message)
            lock.unlock()
        }
    }

    // MARK: Consumer (async)

    func next() async -> Message {
        await withCheckedContinuation { (c: CheckedContinuation<Message, Never>) in
            lock.lock()
            if queue.isEmpty {
                waiting = c
                lock.unlock()
            } else {
                let m = queue.removeFirst()
                lock.unlock()
                c.resume(returning: m)
            }
        }
    }

    /// Frees the room a written chunk took.
    func consumed() {
        room.lock()
        unwritten -= 1
        room.signal()
        room.unlock()
    }

    /// The consumer stops: the producer's next `send` throws.
    func cancel() {
        room.lock()
        cancelled = true
        room.broadcast()
        room.unlock()
    }
}
