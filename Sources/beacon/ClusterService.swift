import Actors
import Cluster
import Logging
import ServiceLifecycle

/// Runs this server as a node of a cluster (docs/cluster.md): connects to NATS (retrying until
/// it answers), runs the ownership loop, and on shutdown drops its units so their leases run out.
struct ClusterService: Service {
    let settings: ClusterSettings
    let registry: TenantRegistry
    let logger: Logger

    func run() async throws {
        let actors = Dictionary(uniqueKeysWithValues: registry.tenants.map { ($0.id, $0) })
        var node: ClusterNode?
        while node == nil, !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                node = try await ClusterNode.connect(settings: settings, actors: actors, logger: logger)
            } catch {
                logger.warning("cluster: cannot reach NATS yet; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        guard let node else { return }
        logger.info("cluster node started", metadata: ["node": "\(settings.node)", "tenants": "\(actors.keys.sorted())"])
        await node.start()
        try? await gracefulShutdown()
        await node.shutdown()
    }
}
