import Foundation

/// The threads that run database reads and write their rows into response channels. They block (on a reader
/// connection, or while a client has not taken the last chunks), so they are threads of their own: blocking
/// Dispatch's global queues would starve Swift's cooperative pool, which runs on them on Linux, and with it the
/// very tasks that drain the chunks (seen as a deadlock under 32 concurrent 10 000-feature pages). Jobs past
/// `count` wait in order.
final class ReaderThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    /// `lowPriority` threads run at the lowest scheduling priority (nice 19), for work that may wait for idle cores:
    /// the map's counts made as the server starts took 3 s of CPU at 1 000 000 units, and at normal priority the
    /// first seconds of requests ran at two thirds of their rate.
    init(count: Int, name: String = "econgis-reader", lowPriority: Bool = false) {
        for i in 0..<count {
            let thread = Thread { [self] in
                // On Linux the nice value is the calling thread's own, not the process's.
                if lowPriority { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19) }
                work()
            }
            thread.name = "\(name)-\(i)"
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
