import Actors
import ArgumentParser
import Foundation
import HTTPFront
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Snapshot

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the HTTP API.")

    @Option(help: "Configuration file (default: the embedded configuration, the same as config.json).")
    var config: String?

    @Option(help: "Address to listen on (overrides server.host).")
    var host: String?

    @Option(help: "Port to listen on (overrides server.port; 0 picks a free port).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Directory of the tenants' WALs (overrides storage.data_dir).")
    var dataDir: String?

    @Flag(name: .customLong("force-recover"), help: "Start even if a WAL is damaged in the middle, keeping what precedes the damage.")
    var forceRecover = false

    @Option(name: .customLong("demo-events"), help: "Fill the first tenant with this many generated events (a month of them) once it is ready, unless it holds events already.")
    var demoEvents: Int?

    func validate() throws {
        if let demoEvents { guard (1...50_000_000).contains(demoEvents) else { throw ValidationError("--demo-events must be between 1 and 50000000") } }
    }

    func run() async throws {
        // A file-size limit must fail the write (EFBIG, answered 503), not kill the server.
        signal(SIGXFSZ, SIG_IGN)
        AllocatorTuning.apply()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let logger = Logger(label: "beacon")
        var configuration: BeaconConfiguration
        do {
            configuration = try config.map(BeaconConfiguration.load(path:)) ?? BeaconConfiguration.parse(Data(EmbeddedConfiguration.json.utf8))
        } catch {
            FileHandle.standardError.write(Data("beacon: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let host { configuration.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            configuration.port = port
        }
        if let dataDir {
            var storage = configuration.storage ?? StorageSettings(dataDirectory: URL(fileURLWithPath: dataDir))
            storage.dataDirectory = URL(fileURLWithPath: dataDir)
            configuration.storage = storage
        }
        configuration.storage?.forceRecover = forceRecover
        if let cluster = configuration.cluster {
            // A tenant's data lives in its JetStream stream in cluster mode, never in a local WAL.
            guard configuration.storage == nil else {
                FileHandle.standardError.write(Data("beacon: config: storage: cluster mode keeps data in JetStream; remove storage (or --data-dir)\n".utf8))
                throw ExitCode(2)
            }
            if let split = cluster.partitions.first(where: { $0.value.count > 1 }) {
                FileHandle.standardError.write(Data("beacon: config: tenant '\(split.key)': partitions above 1 are not served yet (docs/cluster.md)\n".utf8))
                throw ExitCode(2)
            }
        }
        let prometheus = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: prometheus))
        let registry = TenantRegistry(configuration.tenants, organisationFile: configuration.storage?.dataDirectory.appendingPathComponent("organisation.json"))
        logger.info("starting", metadata: ["tenants": "\(configuration.tenants.map(\.settings.id))"])
        if configuration.storage != nil || configuration.cluster != nil {
            // Nothing is served before recovery, or before this node owns the tenant in a cluster.
            for tenant in registry.tenants { tenant.markRecovering() }
        } else {
            logger.warning("no storage configured: data lives in memory only and is lost on restart")
        }
        let maintenance = TenantMaintenanceService(registry: registry, storage: configuration.storage, logger: logger)
        let app = BeaconApplication.make(
            configuration: configuration, registry: registry, prometheus: prometheus, logger: logger,
            onListening: { host, port in
                // Written straight to fd 1 so the line is out before anyone waits on it.
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
            })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app), .init(service: maintenance)]
        if let cluster = configuration.cluster {
            services.append(.init(service: ClusterService(settings: cluster, registry: registry, logger: logger)))
        }
        if let demoEvents, let tenant = registry.tenants.first {
            // Done once loaded: the other services go on.
            services.append(.init(service: DemoLoader(tenant: tenant, events: demoEvents, logger: logger), successTerminationBehavior: .ignore))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let failure as TenantRecoveryFailure {
            FileHandle.standardError.write(Data("beacon: \(failure)\n(--force-recover starts anyway: it keeps what precedes damage in a WAL and skips records that cannot be applied)\n".utf8))
            throw ExitCode(3)
        }
        for tenant in registry.tenants { await tenant.close() }
        logger.info("stopped")
    }
}
