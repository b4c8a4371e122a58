import Dispatch
import Runtime
import Snapshot

/// Writes a tenant's snapshots: numbers them, encodes, compresses and writes each off the actor
/// (streamed to the store's temporary file), then deletes the WAL segments that two snapshots cover.
struct Snapshotter: Sendable {
    let tenant: String
    let store: SnapshotStore
    let log: WriteAheadLog
    /// The sequence of the newest snapshot taken.
    private(set) var sequence: UInt64

    /// The header of the next snapshot, numbered after the last.
    mutating func nextHeader(walPosition: UInt64, createdMs: Int64) -> SnapshotFile.Header {
        sequence += 1
        return SnapshotFile.Header(tenant: tenant, sequence: sequence, walPosition: walPosition, createdMs: createdMs)
    }

    /// Writes `state` on a utility-priority task, so the actor takes writes meanwhile.
    /// - Returns: the file's size and the seconds spent encoding, compressing and writing.
    func write(_ state: TenantState, header: SnapshotFile.Header) async throws -> (bytes: Int, seconds: Double) {
        let store = store, log = log
        return try await Task.detached(priority: .utility) {
            let start = DispatchTime.now().uptimeNanoseconds
            let written = try store.write(state, header: header)
            if let safe = store.safeWALTruncation() { log.deleteSegments(upTo: safe) }
            return (written.bytes, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }.value
    }
}
