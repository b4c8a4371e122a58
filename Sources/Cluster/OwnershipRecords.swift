/// A key-value bucket with compare-and-set, as the lease and node records need it: JetStream's
/// key-value store in a cluster, a dictionary in tests.
public protocol OwnershipRecords: Sendable {
    /// The key's value and revision; a deleted key reads as a nil value with the delete's
    /// revision, and a key never written as nil.
    func read(_ key: String) async throws -> (value: [UInt8]?, revision: UInt64)?
    /// Writes the value if the key's last revision is `revision` (0: never written). Returns the
    /// new revision; throws `RecordConflict` when another write came first.
    func write(_ key: String, _ value: [UInt8], expectingRevision revision: UInt64) async throws -> UInt64
    /// The keys that start with `prefix` and are not deleted.
    func keys(prefix: String) async throws -> [String]
}

/// A compare-and-set found another revision than the one expected.
public struct RecordConflict: Error, Sendable, Equatable {
    public var key: String
    public init(key: String) { self.key = key }
}

/// Records kept in memory, for tests and for a cluster of one process.
public actor MemoryRecords: OwnershipRecords {
    private var entries: [String: (value: [UInt8]?, revision: UInt64)] = [:]
    private var revision: UInt64 = 0

    public init() {}

    public func read(_ key: String) -> (value: [UInt8]?, revision: UInt64)? { entries[key] }

    public func write(_ key: String, _ value: [UInt8], expectingRevision expected: UInt64) throws -> UInt64 {
        guard (entries[key]?.revision ?? 0) == expected else { throw RecordConflict(key: key) }
        revision += 1
        entries[key] = (value, revision)
        return revision
    }

    public func delete(_ key: String) {
        revision += 1
        entries[key] = (nil, revision)
    }

    public func keys(prefix: String) -> [String] {
        entries.filter { $0.key.hasPrefix(prefix) && $0.value.value != nil }.map(\.key).sorted()
    }
}
