import Runtime
import Snapshot

/// The snapshot write the server does, in one place so the measurement follows it.
enum SnapshotWriting {
    static func write(_ state: TenantState, header: SnapshotFile.Header, to store: SnapshotStore) throws -> Int {
        let encoded = try SnapshotFile.encode(state, header: header)
        try store.write(encoded.bytes, sequence: header.sequence)
        return encoded.bytes.count
    }
}
