import NATS

/// The lease and node records in a JetStream key-value bucket: a compare-and-set that loses
/// (`wrongLastSequence`) is a `RecordConflict`.
public struct KeyValueRecords: OwnershipRecords {
    public let bucket: KeyValue

    public init(bucket: KeyValue) { self.bucket = bucket }

    public func read(_ key: String) async throws -> (value: [UInt8]?, revision: UInt64)? {
        guard let entry = try await bucket.entry(key) else { return nil }
        return (entry.value, entry.revision)
    }

    public func write(_ key: String, _ value: [UInt8], expectingRevision revision: UInt64) async throws -> UInt64 {
        do {
            return revision == 0 ? try await bucket.create(key, value) : try await bucket.update(key, value, revision: revision)
        } catch JetStreamError.wrongLastSequence {
            throw RecordConflict(key: key)
        }
    }

    public func keys(prefix: String) async throws -> [String] {
        try await bucket.keys().filter { $0.hasPrefix(prefix) }.sorted()
    }
}
