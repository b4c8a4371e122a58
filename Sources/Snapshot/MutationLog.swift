/// Where a tenant's acknowledged writes are kept before they are answered: the local WAL in
/// single-node mode, a replicated stream in cluster mode (docs/cluster.md). The tenant's actor
/// appends on its own turn and answers once the record is durable.
public protocol MutationLog: AnyObject, Sendable {
    /// The sequence of the last record appended.
    var lastSequence: UInt64 { get }
    /// Why the log takes no more writes, once it does not (a failed fsync, a lost ownership).
    var storageFailure: StorageFault? { get }
    /// Whether a writer waits for `waitUntilDurable` before answering (the WAL under `always`,
    /// every replicated log).
    var waitsForDurability: Bool { get }
    /// Appends one record; returns its sequence.
    func append(_ mutation: Mutation) throws -> UInt64
    /// Returns once `sequence` is durable; throws when it may not be.
    func waitUntilDurable(_ sequence: UInt64) async throws
}

extension WriteAheadLog: MutationLog {
    public var waitsForDurability: Bool { policy == .always }
}
