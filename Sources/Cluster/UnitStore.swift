import Foundation
import Logging
import NATS
import Runtime
import Snapshot

/// A unit's durable side in the cluster (docs/cluster.md, "Snapshots" and "Failover"): its
/// stream, and its snapshots in the object store. Loading takes the newest snapshot that
/// verifies and replays the stream after it; saving uploads one and lets old ones and the
/// stream's head go.
public struct UnitStore: Sendable {
    public let jetStream: JetStream
    public let snapshots: ObjectStore
    public let replicas: Int
    let logger: Logger

    public init(jetStream: JetStream, snapshots: ObjectStore, replicas: Int, logger: Logger = Logger(label: "beacon.cluster")) {
        self.jetStream = jetStream; self.snapshots = snapshots; self.replicas = replicas; self.logger = logger
    }

    /// The bucket snapshots go to.
    public static let snapshotBucket = "beacon_snapshots"

    /// Creates the unit's stream when it has none.
    public func ensureStream(_ unit: String) async throws {
        var config = StreamConfig(name: UnitNames.stream(unit), subjects: [UnitNames.subject(unit)], replicas: replicas, storage: .file)
        // Retries of the same write within two minutes store once (`Nats-Msg-Id`).
        config.duplicateWindow = 120_000_000_000
        try await jetStream.addOrGetStream(config)
    }

    public struct Loaded: Sendable {
        public var state: TenantState
        public var lastSequence: UInt64
        public var snapshotSequence: UInt64
        public var replayed: Int
        public var skippedSnapshots: [String]
    }

    /// The newest snapshot that verifies, then every record after it.
    public func load(_ unit: String, settings: TenantSettings) async throws -> Loaded {
        try await ensureStream(unit)
        var state = TenantState(settings: settings)
        var covered: UInt64 = 0
        var skipped: [String] = []
        let stored = try await snapshots.list().compactMap { info in SnapshotRetention.sequence(of: info.name, unit: unit).map { (info.name, $0) } }
        for (name, _) in stored.sorted(by: { $0.1 > $1.1 }) {
            do {
                let bytes = try await snapshots.get(name)
                let read = try SnapshotFile.read(Data(bytes), name: name, settings: settings, decode: true)
                guard let decoded = read.state else { throw UnreadableRecord(reason: "snapshot \(name) did not decode") }
                state = decoded
                covered = read.header.walPosition
                break
            } catch {
                skipped.append("\(name): \(error)")
                logger.error("skipped a damaged snapshot", metadata: ["unit": "\(unit)", "object": "\(name)", "reason": "\(error)"])
            }
        }
        // A stream trimmed past what the snapshot covers has lost records: refuse rather than serve less.
        let info = try await jetStream.streamInfo(UnitNames.stream(unit))
        if info.state.messages > 0, info.state.firstSeq > covered + 1 {
            throw UnitGap(unit: unit, snapshotCovers: covered, streamStartsAt: info.state.firstSeq, skipped: skipped)
        }
        var replay = UnitReplay(state: state, after: covered)
        for try await message in jetStream.messages(stream: UnitNames.stream(unit), subject: UnitNames.subject(unit), from: covered + 1) {
            try replay.apply(sequence: message.sequence, header: { message.headers?[$0] }, payload: message.payload)
        }
        // The stream may hold nothing after the snapshot: its last sequence is then the snapshot's.
        let last = max(replay.lastSequence, info.state.lastSeq)
        return Loaded(state: replay.state, lastSequence: last, snapshotSequence: covered, replayed: replay.applied, skippedSnapshots: skipped)
    }

    /// Uploads a snapshot covering `sequence` (durable: the caller waited for it), then deletes
    /// what retention lets go and purges the stream below the second-newest snapshot.
    /// - Returns: the snapshot's size in bytes.
    public func save(_ unit: String, state: TenantState, covering sequence: UInt64, createdMs: Int64) async throws -> Int {
        let header = SnapshotFile.Header(tenant: state.settings.id, sequence: sequence, walPosition: sequence, createdMs: createdMs)
        let bytes = try SnapshotFile.encode(state, header: header).bytes
        _ = try await snapshots.put(SnapshotRetention.objectName(unit: unit, covering: sequence), bytes)
        let stored = try await snapshots.list().compactMap { SnapshotRetention.sequence(of: $0.name, unit: unit) }
        let plan = SnapshotRetention.plan(snapshots: stored)
        for old in plan.delete { try await snapshots.delete(SnapshotRetention.objectName(unit: unit, covering: old)) }
        if let below = plan.purgeBelow {
            _ = try await jetStream.purge(stream: UnitNames.stream(unit), subject: UnitNames.subject(unit), upToSequence: below)
        }
        return bytes.count
    }
}

/// The newest snapshot that reads covers less than the stream still holds: records between them
/// are gone, so the unit is not served from what is left.
public struct UnitGap: Error, Sendable, CustomStringConvertible {
    public var unit: String
    public var snapshotCovers: UInt64
    public var streamStartsAt: UInt64
    public var skipped: [String]
    public var description: String {
        "unit \(unit): the newest readable snapshot covers sequence \(snapshotCovers) but the stream starts at \(streamStartsAt)"
            + (skipped.isEmpty ? "" : "; skipped: \(skipped.joined(separator: "; "))")
    }
}
