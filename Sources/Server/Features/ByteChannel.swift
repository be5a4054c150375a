import CompressNIO
import Foundation
import NIOCore
import Output

/// Bytes made by a blocking producer (a GRDB read stepping rows on its own thread) and written to a response by
/// an async consumer, a few chunks at a time: memory stays at `capacity` chunks whatever the page size, and a
/// client that goes away stops the read at its next chunk. The first chunk is held until a second one comes: a
/// body that ends within one chunk (most pages) goes as one message and one buffer, with no streaming hand-offs
/// between the threads (they were a tenth of a 100-feature page's CPU), and a failure before then is a whole
/// error response rather than a cut body.
final class ByteChannel: @unchecked Sendable {
    enum Message {
        /// The body is longer than a chunk: chunks follow, then `finished` (or `failed`).
        case started
        case chunk(ByteBuffer)
        case finished
        /// The whole body, which ended within its first chunk.
        case whole(ByteBuffer)
        case failed(any Error)
    }

    struct Cancelled: Error {}
    /// The client took none of the page's unread chunks for `clientTimeout` seconds.
    struct Stalled: Error {}

    private let lock = NSLock()
    private var queue: [Message] = []
    private var waiting: CheckedContinuation<Message, Never>?
    /// Chunks sent and not yet written, under `room`; a condition rather than a DispatchSemaphore, which traps
    /// when freed below its initial count (as it would be when a client leaves mid-stream).
    private let room = NSCondition()
    private var unwritten = 0
    private var cancelled = false
    private let capacity: Int
    /// Seconds the producer waits for room before it gives the page up: a client that reads nothing must not keep a
    /// reader thread (there are four) for ever.
    private let clientTimeout: Double

    /// Compresses the stream on the producer's thread when the client accepts gzip.
    private let gzip: ZlibCompressor?
    /// The producer's first chunk, until it knows whether there is a second; read and written on its thread only.
    private var held: ByteBuffer?
    private var streaming = false
    /// The buffer the producer's sink is filling (`sink(chunk:)`); on its thread only.
    private var filling: ByteBuffer?

    init(capacity: Int = 4, gzip: Bool = false, clientTimeout: Double = 30) throws {
        self.capacity = capacity
        self.clientTimeout = clientTimeout
        self.gzip = gzip ? try ZlibCompressor(algorithm: .gzip, configuration: .init(compressionLevel: .fastestCompression)) : nil
    }

    // MARK: Producer (blocking)

    /// A sink that writes straight into the response's buffers and hands each over whole: `chunk` bytes or so each.
    func sink(chunk: Int) -> ByteSink {
        ByteSink(capacity: chunk, fresh: { [self] size in
            var buffer = ByteBufferAllocator().buffer(capacity: size)
            // Filled through this address until handed over: held only in `filling` till then, so never moved.
            let start = buffer.withUnsafeMutableWritableBytes { $0.baseAddress!.assumingMemoryBound(to: UInt8.self) }
            filling = buffer
            return start
        }, handOver: { [self] count in
            guard var buffer = filling else { return }
            filling = nil
            buffer.moveWriterIndex(forwardBy: count)
            try send(buffer)
        })
    }

    /// Queues a chunk, waiting while `capacity` chunks are unread; throws once the consumer has gone, or when it has
    /// taken no chunk for `clientTimeout` seconds.
    func send(_ chunk: ByteBuffer) throws {
        let buffer = try compressed(chunk, flush: .sync)
        if !streaming {
            guard let first = held else { return held = buffer }
            held = nil
            streaming = true
            deliver(.started)
            try queue(first)
        }
        try queue(buffer)
    }

    private func compressed(_ buffer: ByteBuffer, flush: CompressNIOFlush) throws -> ByteBuffer {
        guard let gzip else { return buffer }
        var buffer = buffer
        var out = ByteBufferAllocator().buffer(capacity: gzip.maxSize(from: buffer) + 64)
        try gzip.deflate(from: &buffer, to: &out, flush: flush)
        return out
    }

    private func queue(_ buffer: ByteBuffer) throws {
        room.lock()
        let deadline = Date(timeIntervalSinceNow: clientTimeout)
        var stalled = false
        while unwritten >= capacity && !cancelled {
            if !room.wait(until: deadline) && unwritten >= capacity && !cancelled {
                stalled = true
                cancelled = true
            }
        }
        if cancelled {
            room.unlock()
            throw stalled ? Stalled() as any Error : Cancelled()
        }
        unwritten += 1
        room.unlock()
        deliver(.chunk(buffer))
    }

    /// Ends the stream (with gzip's trailer when compressing): the held chunk alone is the whole body.
    func close() throws {
        let trailer = gzip == nil ? nil : try compressed(ByteBuffer(), flush: .finish)
        guard streaming else {
            var whole = held ?? ByteBuffer()
            held = nil
            if let trailer { whole.writeImmutableBuffer(trailer) }
            return deliver(.whole(whole))
        }
        if let trailer { try queue(trailer) }
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
