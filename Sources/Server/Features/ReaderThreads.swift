import Foundation

/// The threads that run database reads and write their rows into response channels. They block (on a reader
/// connection, or while a client has not taken the last chunks), so they are threads of their own: blocking
/// Dispatch's global queues would starve Swift's cooperative pool, which runs on them on Linux, and with it the
/// very tasks that drain the chunks (seen as a deadlock under 32 concurrent 10 000-feature pages). Jobs past
/// `count` wait in order.
final class ReaderThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    init(count: Int) {
        for i in 0..<count {
            let thread = Thread { [self] in work() }
            thread.name = "econgis-reader-\(i)"
            thread.start()
        }
    }

    func run(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on a reader thread and returns its result to the awaiting task.
    func value<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            run { continuation.resume(with: Result { try body() }) }
        }
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
