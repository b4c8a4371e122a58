import Foundation
import Snapshot

/// Where and how tenants keep their write-ahead logs.
public struct StorageSettings: Sendable {
    public var dataDirectory: URL
    public var fsync: FsyncPolicy
    public var fsyncIntervalMs: Int
    /// Start even when a WAL is damaged in the middle, keeping what precedes the damage.
    public var forceRecover: Bool

    public init(dataDirectory: URL, fsync: FsyncPolicy = .interval, fsyncIntervalMs: Int = 100, forceRecover: Bool = false) {
        self.dataDirectory = dataDirectory; self.fsync = fsync; self.fsyncIntervalMs = fsyncIntervalMs; self.forceRecover = forceRecover
    }

    func walDirectory(tenant: String) -> URL {
        dataDirectory.appendingPathComponent(tenant).appendingPathComponent("wal")
    }
}

/// The tenant cannot take the request now: still recovering, or its storage failed.
public struct TenantUnavailable: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
