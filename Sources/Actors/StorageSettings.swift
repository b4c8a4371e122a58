import Foundation
import Snapshot
#if canImport(Glibc)
import Glibc
#endif

/// Where and how tenants keep their write-ahead logs.
public struct StorageSettings: Sendable {
    public var dataDirectory: URL
    public var fsync: FsyncPolicy
    public var fsyncIntervalMs: Int
    /// Start even when a WAL is damaged in the middle, keeping what precedes the damage.
    public var forceRecover: Bool
    /// A snapshot is taken this often (0: never by time)...
    public var snapshotIntervalSeconds: Int
    /// ...and after this many events since the last one (0: never by count).
    public var snapshotEveryEvents: Int
    /// Snapshot files kept per tenant (at least 2).
    public var snapshotKeep: Int
    /// fdatasync(2) for the WALs; tests put a failing one here.
    var syncFile: @Sendable (Int32) -> Int32 = { fdatasync($0) == 0 ? 0 : errno }

    public init(dataDirectory: URL, fsync: FsyncPolicy = .interval, fsyncIntervalMs: Int = 100, forceRecover: Bool = false,
                snapshotIntervalSeconds: Int = 300, snapshotEveryEvents: Int = 5_000_000, snapshotKeep: Int = 3) {
        self.dataDirectory = dataDirectory; self.fsync = fsync; self.fsyncIntervalMs = fsyncIntervalMs; self.forceRecover = forceRecover
        self.snapshotIntervalSeconds = snapshotIntervalSeconds; self.snapshotEveryEvents = snapshotEveryEvents; self.snapshotKeep = snapshotKeep
    }

    func snapshotStore(tenant: String) -> SnapshotStore {
        SnapshotStore(directory: dataDirectory.appendingPathComponent(tenant).appendingPathComponent("snapshots"), keep: snapshotKeep)
    }

    func walDirectory(tenant: String) -> URL {
        dataDirectory.appendingPathComponent(tenant).appendingPathComponent("wal")
    }
}

/// The tenant cannot take the request now: still recovering, or its storage failed.
public struct TenantUnavailable: Error, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The tenant has no room for the write (its memory budget, or the 4 GiB its interned strings
/// may take): it was not logged or applied; reads go on.
public struct TenantFull: Error, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
