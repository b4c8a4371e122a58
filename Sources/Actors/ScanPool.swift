import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Threads that run long scans (paths, funnels, retention, trends, user detail) on an immutable
/// view of a tenant, apart from the cooperative pool that runs the actors and the HTTP handlers:
/// a heavy read then never holds a tenant's actor, and never takes every cooperative thread.
/// Bounded: at most `threads` scans run at once; more wait their turn in arrival order.
public final class ScanPool: @unchecked Sendable {
    /// Half the cores: the other half stays with ingest and the short reads whatever the scans do.
    public static let shared = ScanPool(threads: max(1, ProcessInfo.processInfo.activeProcessorCount / 2))

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var first = 0

    public init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [unowned self] in
                Self.yieldToWrites()
                self.work()
            }
            thread.name = "scan-\(i)"
            thread.start()
        }
    }

    /// Runs `body` on one of the pool's threads and returns what it returns.
    public func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            enqueue { continuation.resume(with: Swift.Result { try body() }) }
        }
    }

    /// Scans run at a lower priority (nice 10, per thread on Linux): when the cores are busy,
    /// ingest and the short reads on the cooperative pool go first.
    private static func yieldToWrites() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)   // 0: the calling thread
        #endif
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while first == jobs.count { condition.wait() }
            let job = jobs[first]
            first += 1
            // Drop finished jobs now and then, so the queue does not only grow.
            if first == jobs.count || first >= 1024 { jobs.removeFirst(first); first = 0 }
            condition.unlock()
            job()
        }
    }
}
