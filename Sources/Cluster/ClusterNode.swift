import Actors
import Foundation
import Logging
import NATS
import Runtime

/// One Beacon node of a cluster (docs/cluster.md): every lease period/3 it renews its node
/// record, takes a turn of the lease keeper, loads the units it gained (newest snapshot, the
/// stream after it, its fence) into their actors and drops the ones it lost or whose log failed.
public actor ClusterNode {
    public let settings: ClusterSettings
    let connection: NATSConnection
    public let store: UnitStore
    let keeper: LeaseKeeper
    let directory: NodeDirectory
    /// The units this node may own, each with the actor that serves it here.
    let actors: [String: TenantActor]
    private var logs: [String: JetStreamLog] = [:]
    private var loop: Task<Void, Never>?
    let clock: @Sendable () -> Int64
    let logger: Logger

    public static let ownersBucket = "beacon_owners"
    public static let nodesBucket = "beacon_nodes"

    /// Connects to the first NATS server that answers and opens the cluster's buckets. The
    /// actors stay recovering until this node owns their units.
    public static func connect(settings: ClusterSettings, actors: [String: TenantActor], clock: @escaping @Sendable () -> Int64 = TenantActor.systemClock,
                               logger: Logger = Logger(label: "beacon.cluster")) async throws -> ClusterNode {
        var failures: [String] = []
        for server in settings.servers {
            do {
                let connection = try await NATSConnection.connect(host: server.host, port: server.port, name: "beacon-\(settings.node)")
                return try await ClusterNode(settings: settings, connection: connection, actors: actors, clock: clock, logger: logger)
            } catch {
                failures.append("\(server.host):\(server.port): \(error)")
            }
        }
        throw NATSError.connectionFailed("no NATS server of the cluster answered (\(failures.joined(separator: "; ")))")
    }

    init(settings: ClusterSettings, connection: NATSConnection, actors: [String: TenantActor], clock: @escaping @Sendable () -> Int64, logger: Logger) async throws {
        let js = JetStream(connection: connection)
        let policy = LeasePolicy(leaseMs: settings.leaseMs)
        let owners = KeyValueRecords(bucket: try await KeyValue.create(js, bucket: Self.ownersBucket, replicas: settings.replicas))
        let nodes = KeyValueRecords(bucket: try await KeyValue.create(js, bucket: Self.nodesBucket, replicas: settings.replicas))
        let snapshots = try await ObjectStore.create(js, bucket: UnitStore.snapshotBucket, replicas: settings.replicas)
        self.settings = settings
        self.connection = connection
        self.store = UnitStore(jetStream: js, snapshots: snapshots, replicas: settings.replicas, logger: logger)
        self.keeper = LeaseKeeper(node: settings.node, url: settings.url, policy: policy, records: owners)
        self.directory = NodeDirectory(node: settings.node, url: settings.url, policy: policy, records: nodes)
        self.actors = actors
        self.clock = clock
        self.logger = logger
        for actor in actors.values { actor.markRecovering() }
    }

    /// Starts the ownership loop.
    public func start() {
        guard loop == nil else { return }
        let period = Duration.milliseconds(LeasePolicy(leaseMs: settings.leaseMs).renewEveryMs)
        loop = Task { [weak self] in
            while !Task.isCancelled {
                await self?.turn()
                try? await Task.sleep(for: period)
            }
        }
    }

    /// Stops the loop without giving anything up: what a paused or partitioned node looks like
    /// to the others (tests), and the first step of a shutdown.
    public func stopTurns() {
        loop?.cancel()
        loop = nil
    }

    /// Stops the loop, drops every unit and closes the connection.
    public func shutdown() async {
        stopTurns()
        for unit in logs.keys { await drop(unit) }
        await connection.close()
    }

    /// The units this node serves now.
    public var servedUnits: Set<String> { Set(logs.keys) }

    /// The unit's recorded owner (where a request for it is forwarded).
    public func owner(of unit: String) async -> Lease? { try? await keeper.recordedOwner(of: unit) }

    /// One turn: the heartbeat, failed logs dropped, the keeper's turn, its changes carried out.
    public func turn() async {
        let now = clock()
        do { try await directory.heartbeat(nowMs: now) } catch {
            logger.warning("node heartbeat failed", metadata: ["node": "\(settings.node)", "error": "\(error)"])
        }
        let live = (try? await directory.live(nowMs: now).map(\.node)) ?? [settings.node]
        for (unit, log) in logs where log.storageFailure != nil {
            logger.warning("stepping down: the unit's log failed", metadata: ["unit": "\(unit)", "reason": "\(log.storageFailure!)"])
            await drop(unit)
            await keeper.release(unit)
        }
        for change in await keeper.turn(units: Array(actors.keys), live: live.contains(settings.node) ? live : live + [settings.node], nowMs: now) {
            switch change {
            case .acquired(let unit, let term): await take(unit, term: term)
            case .lost(let unit):
                logger.notice("lost the unit's lease", metadata: ["unit": "\(unit)", "node": "\(settings.node)"])
                await drop(unit)
            }
        }
    }

    /// Loads a unit just claimed and fences it; on failure the lease is let go here and claimed
    /// again on a later turn.
    private func take(_ unit: String, term: UInt64) async {
        guard let actor = actors[unit] else { return }
        let started = ContinuousClock.now
        do {
            let loaded = try await store.load(unit, settings: actor.settings)
            let log = try JetStreamLog(connection: connection, unit: unit, after: loaded.lastSequence)
            try await log.fence(node: settings.node, term: term)
            await actor.adopt(loaded.state, log: log)
            logs[unit] = log
            logger.info("serving unit", metadata: ["unit": "\(unit)", "node": "\(settings.node)", "term": "\(term)",
                                                   "snapshot": "\(loaded.snapshotSequence)", "replayed": "\(loaded.replayed)",
                                                   "seconds": "\(ContinuousClock.now - started)"])
        } catch {
            logger.error("could not take the unit", metadata: ["unit": "\(unit)", "node": "\(settings.node)", "error": "\(error)"])
            await keeper.release(unit)
        }
    }

    private func drop(_ unit: String) async {
        await actors[unit]?.stepDown()
        logs[unit] = nil
    }

    /// Writes a snapshot of a unit this node serves, once what it covers is durable.
    /// - Returns: its size in bytes; nil when this node does not serve the unit.
    public func snapshot(_ unit: String) async throws -> Int? {
        guard let log = logs[unit], let actor = actors[unit], let captured = await actor.capture() else { return nil }
        try await log.waitUntilDurable(captured.sequence)
        return try await store.save(unit, state: captured.state, covering: captured.sequence, createdMs: clock())
    }
}
