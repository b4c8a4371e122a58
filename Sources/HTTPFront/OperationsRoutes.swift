import Actors
import Hummingbird
import Prometheus

/// `/health` (per-tenant events and newest event) and `/metrics` (Prometheus text format).
struct OperationsRoutes {
    let registry: TenantRegistry
    let prometheus: PrometheusCollectorRegistry?

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/health", use: health)
        router.get("/metrics", use: metrics)
    }

    struct TenantHealth: Encodable { var id: String; var name: String; var status: String; var eventsIngested: Int; var eventsRetained: Int; var users: Int; var newestEvent: String?; var memoryBytes: Int }
    struct HealthAnswer: Encodable { var status: String; var tenants: [TenantHealth] }

    @Sendable func health(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        var tenants: [TenantHealth] = []
        for tenant in registry.tenants {
            let s = await tenant.status()
            tenants.append(TenantHealth(id: s.id, name: s.name, status: s.phase.rawValue, eventsIngested: s.eventsIngested, eventsRetained: s.eventsRetained,
                                        users: s.users, newestEvent: s.newestTimestampMs.map(ISOText.timestamp), memoryBytes: s.memoryBytes))
        }
        let recovering = tenants.contains { $0.status != TenantActor.Readiness.ready.rawValue }
        return try JSONResponse.make(HealthAnswer(status: recovering ? "recovering" : "ok", tenants: tenants))
    }

    @Sendable func metrics(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        await GaugeSampler.sample(registry)
        let text = prometheus?.emitToBuffer() ?? []
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}
