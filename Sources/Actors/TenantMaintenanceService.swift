import Foundation
import Logging
import ServiceLifecycle

/// The server's background work as a swift-service-lifecycle service: first every tenant's
/// recovery (a tenant that cannot recover ends the service with `TenantRecoveryFailure`, which
/// stops the server), then `TenantActor.maintain` for every tenant each `tick`, until shutdown.
public struct TenantMaintenanceService: Service {
    let registry: TenantRegistry
    let storage: StorageSettings?
    let logger: Logger
    let tick: Duration

    public init(registry: TenantRegistry, storage: StorageSettings?, logger: Logger, tick: Duration = .milliseconds(50)) {
        self.registry = registry; self.storage = storage; self.logger = logger; self.tick = tick
    }

    public func run() async throws {
        if let storage {
            for tenant in registry.tenants {
                do { _ = try await tenant.recover(storage: storage, logger: logger) } catch {
                    logger.critical("cannot recover tenant", metadata: ["tenant": "\(tenant.id)", "error": "\(error)"])
                    throw TenantRecoveryFailure(tenant: tenant.id, cause: error)
                }
            }
        }
        while !Task.isShuttingDownGracefully {
            do { try await Task.sleep(for: tick) } catch { return }   // cancelled: the server stops
            for tenant in registry.tenants { await tenant.maintain() }
        }
    }
}

/// A tenant's snapshot or WAL could not be recovered; the start stops.
public struct TenantRecoveryFailure: Error, CustomStringConvertible {
    public var tenant: String
    public var cause: any Error
    public var description: String { "cannot recover tenant '\(tenant)': \(cause)" }
}
