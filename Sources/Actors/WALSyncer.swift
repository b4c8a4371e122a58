import Foundation
import Snapshot

/// The thread that fsyncs a tenant's WAL: for `always`, as soon as a writer waits for a record no
/// fsync covers yet (writers that arrive during an fsync share the next one: group commit); for
/// `interval`, every interval. fsync blocks, so it stays off the cooperative pool that runs the
/// actors and the HTTP handlers.
final class WALSyncer: Sendable {
    private let log: WriteAheadLog
    private let finished = DispatchSemaphore(value: 0)

    init(log: WriteAheadLog, intervalMs: Int) {
        self.log = log
        let policy = log.policy
        let thread = Thread { [log, finished] in
            defer { finished.signal() }
            switch policy {
            case .always:
                while log.awaitSyncDemand(until: nil) { log.syncIfDirty() }
            case .interval:
                let interval = Double(max(1, intervalMs)) / 1000
                while log.awaitSyncDemand(until: Date().addingTimeInterval(interval)) { log.syncIfDirty() }
            case .none:
                // Only woken by `stop` (a far deadline such as distantFuture overflows NSCondition's timespec).
                while log.awaitSyncDemand(until: Date().addingTimeInterval(3600)) {}
            }
            log.syncIfDirty()
        }
        thread.name = "wal-sync"
        thread.start()
    }

    /// Stops the thread after a last fsync.
    func stop() {
        log.stopSyncing()
        finished.wait()
    }
}
