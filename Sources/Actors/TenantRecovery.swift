import Foundation
import Logging
import Runtime
import Snapshot

/// Rebuilds a tenant from disk: the newest snapshot that verifies, then the WAL after it. Runs on a
/// thread of its own, not on the tenant's actor nor the cooperative pool, so while a large WAL
/// replays the server answers `/health` and the tenant's requests (503, Retry-After) at once.
public struct TenantRecovery: Sendable {
    public struct Recovered: Sendable {
        public var state: TenantState
        public var walPosition: UInt64
        public var snapshotSequence: UInt64
        public var report: WALReader.Report
    }

    let settings: TenantSettings
    let storage: StorageSettings
    let logger: Logger

    /// Runs `load` on a new thread and returns what it built.
    func run() async throws -> Recovered {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Recovered, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try load() }) }
            thread.name = "recover-\(settings.id)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func load() throws -> Recovered {
        let directory = storage.walDirectory(tenant: settings.id)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let started = Date()
        let store = storage.snapshotStore(tenant: settings.id)
        store.removeTemporaryFiles()
        let (loaded, skipped) = store.loadNewest(settings: settings)
        for damage in skipped {
            logger.error("skipped a damaged snapshot", metadata: ["tenant": "\(settings.id)", "reason": "\(damage)"])
        }
        var state = TenantState(settings: settings)
        var walPosition: UInt64 = 0
        if let loaded {
            state = loaded.state
            walPosition = loaded.header.walPosition
            logger.info("loaded snapshot", metadata: ["tenant": "\(settings.id)", "file": "\(loaded.file)", "mb": "\(loaded.bytes >> 20)",
                                                      "events": "\(state.eventsIngested)", "wal_position": "\(walPosition)",
                                                      "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))"])
        }
        let parser = FastIngestParser()
        var lastProgress = started
        var replayed = 0
        var skippedRecords = 0
        let report = try WALReader.scan(directory, afterSequence: walPosition, force: storage.forceRecover) { record in
            // Every record was accepted and acknowledged: one that does not apply stops the start.
            do {
                try state.replay(try Mutation.decoded(type: record.type, payload: record.payload), parser: parser)
            } catch {
                let failure = WALReplayFailure(tenant: settings.id, sequence: record.sequence, reason: "\(error)")
                guard storage.forceRecover else { throw failure }
                skippedRecords += 1
                logger.error("skipped a WAL record that cannot be applied (--force-recover)",
                             metadata: ["tenant": "\(settings.id)", "sequence": "\(record.sequence)", "reason": "\(error)"])
            }
            replayed += 1
            if Date().timeIntervalSince(lastProgress) >= 1 {
                lastProgress = Date()
                logger.info("recovering", metadata: ["tenant": "\(settings.id)", "records": "\(replayed)", "events": "\(state.eventsIngested)",
                                                     "events_per_s": "\(Int(Double(state.eventsIngested) / lastProgress.timeIntervalSince(started)))"])
            }
        }
        if let torn = report.tornTail {
            logger.warning("dropped a torn WAL record", metadata: ["tenant": "\(settings.id)", "segment": "\(torn.segment)", "offset": "\(torn.offset)"])
        }
        if skippedRecords > 0 {
            logger.error("skipped WAL records", metadata: ["tenant": "\(settings.id)", "count": "\(skippedRecords)"])
        }
        logger.info("recovered", metadata: ["tenant": "\(settings.id)", "records": "\(report.records)", "events": "\(state.eventsIngested)",
                                            "mb": "\(report.bytes >> 20)", "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))"])
        return Recovered(state: state, walPosition: walPosition, snapshotSequence: store.files().first?.sequence ?? 0, report: report)
    }
}
