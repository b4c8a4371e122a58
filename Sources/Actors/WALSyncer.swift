import Foundation
import Snapshot
import Synchronization

/// The thread that fsyncs a tenant's WAL: for `always`, as soon as writers wait (they share one
/// fsync: group commit); for `interval`, every interval. fsync blocks, so it stays off the
/// cooperative pool that runs the actors and the HTTP handlers.
final class WALSyncer: Sendable {
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    init(log: WriteAheadLog, intervalMs: Int) {
        let policy = log.policy
        let thread = Thread { [self] in
            defer { self.finished.signal() }
            while !self.stopped.withLock({ $0 }) {
                switch policy {
                case .always:
                    if log.hasWaiters { log.syncIfDirty() } else { usleep(100) }
                case .interval:
                    usleep(useconds_t(max(1, intervalMs) * 1000))
                    log.syncIfDirty()
                case .none:
                    usleep(200_000)
                }
            }
            log.syncIfDirty()
        }
        thread.name = "wal-sync"
        thread.start()
    }

    /// Stops the thread after a last fsync.
    func stop() {
        stopped.withLock { $0 = true }
        finished.wait()
    }
}
