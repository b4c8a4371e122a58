import Actors
import Hummingbird
import Prometheus

/// `/health` (per-tenant events and newest event) and `/metrics` (Prometheus text format).
struct OperationsRoutes {
    let registry: TenantRegistry
    let prometheus: PrometheusCollectorRegistry?
    let adminKeys: Set<String>

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/health", use: health)
        router.get("/metrics", use: metrics)
        router.post("/admin/snapshot", use: snapshot)
    }

    struct SnapshotRow: Encodable { var tenant: String; var file: String; var bytes: Int; var events: Int; var walPosition: UInt64; var captureMs: Double; var writeSeconds: Double }
    struct SnapshotAnswer: Encodable { var snapshots: [SnapshotRow] }

    /// Takes a snapshot of every tenant now (or of `?tenant=ID`); needs an admin key.
    @Sendable func snapshot(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        guard QueryParameters.hasAdminKey(request, in: adminKeys) else {
            throw APIError.unauthorized("x-admin-key: missing or not an admin key")
        }
        let only = QueryParameters(request).string("tenant")
        let tenants = registry.tenants.filter { only == nil || $0.id == only }
        if let only, tenants.isEmpty { throw APIError.badRequest(field: "tenant", "no tenant '\(only)'") }
        var rows: [SnapshotRow] = []
        for tenant in tenants {
            guard let report = try await tenant.snapshot() else {
                throw APIError(.conflict, code: "unavailable", message: "tenant '\(tenant.id)' has no storage or a snapshot is already running")
            }
            rows.append(SnapshotRow(tenant: report.tenant, file: report.file, bytes: report.bytes, events: report.events,
                                    walPosition: report.walPosition, captureMs: report.captureSeconds * 1000, writeSeconds: report.writeSeconds))
        }
        return try JSONResponse.make(SnapshotAnswer(snapshots: rows))
    }

    struct TenantHealth: Encodable { var id: String; var name: String; var status: String; var writes: String; var eventsIngested: Int; var eventsRetained: Int; var users: Int; var newestEvent: String?; var memoryBytes: Int }
    struct HealthAnswer: Encodable { var status: String; var tenants: [TenantHealth] }

    @Sendable func health(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        var tenants: [TenantHealth] = []
        for tenant in registry.tenants {
            // A recovering tenant's actor is busy replaying: answer from what is known without it.
            if tenant.phase == .recovering {
                tenants.append(TenantHealth(id: tenant.id, name: tenant.settings.name, status: TenantActor.Readiness.recovering.rawValue, writes: "not yet",
                                            eventsIngested: 0, eventsRetained: 0, users: 0, newestEvent: nil, memoryBytes: 0))
                continue
            }
            let s = await tenant.status()
            tenants.append(TenantHealth(id: s.id, name: s.name, status: s.phase.rawValue, writes: s.writeState.description, eventsIngested: s.eventsIngested, eventsRetained: s.eventsRetained,
                                        users: s.users, newestEvent: s.newestTimestampMs.map(ISOText.timestamp), memoryBytes: s.memoryBytes))
        }
        let recovering = tenants.contains { $0.status != TenantActor.Readiness.ready.rawValue }
        // A tenant whose storage failed answers reads but takes no writes until a restart.
        let readOnly = registry.tenants.contains { $0.writeState != .accepting }
        return try JSONResponse.make(HealthAnswer(status: recovering ? "recovering" : readOnly ? "degraded" : "ok", tenants: tenants))
    }

    @Sendable func metrics(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        await GaugeSampler.sample(registry)
        let text = prometheus?.emitToBuffer() ?? []
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}
