import Foundation

/// Runs an import on two threads: one reads and validates records (CSV or GeoJSON parsing, Unicode
/// normalisation, check digits, reprojection, ward lookup: pure work on values), the other writes
/// them in the database transaction, in file order. Batches of records pass through a queue of
/// bounded length, so memory stays flat whatever the file's size. About half of a bulk import's time
/// is the reading side, so on two cores the two halves overlap.
///
/// Only the reading thread touches the file, the validation context and the coordinate transform
/// (PROJ contexts are not shared between threads); only the writing thread touches the database and
/// the import session.
final class ImportPipeline<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [[Item]] = []
    /// Batches the writing side is done with, freed by the reading thread (see `recycle`).
    private var spent: [[Item]] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)
    private let batchSize: Int
    private let maxBatches: Int

    init(batchSize: Int = 256, maxBatches: Int = 8) {
        self.batchSize = batchSize
        self.maxBatches = maxBatches
    }

    /// Starts `produce` on a new thread. It gets a `send` function to pass each item on; `send`
    /// returns false once the writing side has stopped, and `produce` should then return.
    func start(_ produce: @escaping @Sendable (_ send: (Item) -> Bool) throws -> Void) {
        let thread = Thread { [self] in
            var batch: [Item] = []
            batch.reserveCapacity(batchSize)
            do {
                try produce { item in
                    batch.append(item)
                    guard batch.count >= self.batchSize else { return true }
                    defer { batch.removeAll(keepingCapacity: true) }
                    return self.put(batch)
                }
                if !batch.isEmpty { _ = put(batch) }
                close(nil)
            } catch {
                close(error)
            }
            done.signal()
        }
        thread.name = "econgis-read"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next batch in order; nil after the last. Rethrows the reading side's error.
    func next() throws -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && !finished { condition.wait() }
        if head < queue.count {
            let batch = queue[head]
            queue[head] = []
            head += 1
            if head > 64 { queue.removeFirst(head); head = 0 }
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the reading side (if it still runs) and waits until its thread has ended. Call once,
    /// on every path out of the writing side.
    func finish() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }

    /// Hands a batch the writing side is done with back to the reading thread, which frees it the next time
    /// it passes a batch on: freeing a batch's records (strings, arrays, blobs) is then off the writing thread,
    /// the import's slower one. The caller must hold no other copy of the records it wants freed there.
    func recycle(_ batch: [Item]) {
        guard !batch.isEmpty else { return }
        condition.lock()
        spent.append(batch)
        condition.unlock()
    }

    private func put(_ batch: [Item]) -> Bool {
        condition.lock()
        var freed = spent
        spent = []
        defer {
            condition.unlock()
            freed.removeAll()  // after the unlock: the writing side need not wait for the frees
        }
        while queue.count - head >= maxBatches && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    private func close(_ error: Error?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }
}

/// Values handed to the reading thread. They are not Sendable (a PROJ transform, regular
/// expressions, caller closures), but after the hand-over only that thread uses them.
struct ReadingSide<Prepared>: @unchecked Sendable {
    var path: String
    var aliases: [String: [String]]
    var context: ValidationContext
    var transform: CoordinateTransform?
    var progress: ((Int, Int) -> Void)?
    var prepare: (ImportRecord, ValidationContext, CoordinateTransform?) -> Prepared
}
