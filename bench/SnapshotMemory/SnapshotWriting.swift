import Runtime
import Snapshot

/// The snapshot write the server does, in one place so the measurement follows it.
enum SnapshotWriting {
    static func write(_ state: TenantState, header: SnapshotFile.Header, to store: SnapshotStore) throws -> Int {
        try store.write(state, header: header).bytes
    }
}
