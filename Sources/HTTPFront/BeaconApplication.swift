import Actors
import Hummingbird
import Logging
import Prometheus

/// Builds the HTTP front: middleware (errors, metrics, auth, rate limits) and every route family.
public enum BeaconApplication {
    public static func makeRouter(
        configuration: BeaconConfiguration, registry: TenantRegistry, prometheus: PrometheusCollectorRegistry? = nil
    ) -> Router<BeaconRequestContext> {
        let router = Router(context: BeaconRequestContext.self)
        router.add(middleware: CORSMiddleware(originsByTenant: configuration.allowedOrigins, registry: registry))
        router.add(middleware: PersonyzeTextErrors())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SDKRequestMiddleware(bodyLimit: configuration.bodyLimitBytes))
        router.add(middleware: AuthMiddleware(registry: registry, grants: configuration.apiKeyGrants,
                                             openPaths: ["/health", "/metrics", "/admin/snapshot", "/openapi.json", PendoRoutes.verifyPath]))
        router.add(middleware: PublicKeyMiddleware())
        router.add(middleware: RoleMiddleware())
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(limits: configuration.rateLimits)))
        router.add(middleware: IdempotencyMiddleware(bodyLimit: configuration.bodyLimitBytes))
        IngestRoutes(parsers: IngestParserPool(), bodyLimit: configuration.bodyLimitBytes).add(to: router)
        SegmentTrackingRoutes().add(to: router)
        PostHogCaptureRoutes().add(to: router)
        AmplitudeRoutes().add(to: router)
        MixpanelRoutes().add(to: router)
        let activity = ActivityRoutes()
        activity.add(to: router)
        LiveStreamRoutes(liveCache: activity.liveCache, maxSeconds: configuration.streamMaxSeconds).add(to: router)
        StaticRoutes().add(to: router)
        MetricsAPIRoutes().add(to: router)
        MetricsUserRoutes().add(to: router)
        MetricsRetentionRoutes().add(to: router)
        MetricsFunnelRoutes().add(to: router)
        MetricsFormulaRoutes().add(to: router)
        SQLRoutes().add(to: router)
        DataSourceRoutes().add(to: router)
        MetricsGroupedRoutes().add(to: router)
        MetricsEventRoutes().add(to: router)
        MetricsRawRoutes().add(to: router)
        MarkRoutes().add(to: router)
        LogRoutes(bodyLimit: configuration.bodyLimitBytes).add(to: router)
        MetricsLogRoutes().add(to: router)
        AudienceRoutes().add(to: router)
        AnalyticsRoutes().add(to: router)
        EventRoutes().add(to: router)
        UserRoutes().add(to: router)
        AccountRoutes().add(to: router)
        HealthRoutes().add(to: router)
        SettingsRoutes(adminKeys: Set(configuration.adminKeys)).add(to: router)
        WorkspaceRoutes().add(to: router)
        ExportRoutes().add(to: router)
        SignalRoutes().add(to: router)
        ImpactRoutes().add(to: router)
        DiscoveryRoutes().add(to: router)
        DataRoutes().add(to: router)
        PrivacyRoutes().add(to: router)
        BulkRoutes().add(to: router)
        AskRoutes().add(to: router)
        ProductRoutes(registry: registry, storage: configuration.storage).add(to: router)
        PendoRoutes(registry: registry, grants: configuration.apiKeyGrants).add(to: router)
        PendoAggregationRoutes().add(to: router)
        PendoSegmentRoutes(exports: PendoExportJobs(), bodyLimit: configuration.bodyLimitBytes).add(to: router)
        PendoObjectRoutes().add(to: router)
        PendoMetadataRoutes().add(to: router)
        PendoTaggingRoutes().add(to: router)
        PendoGuideRoutes().add(to: router)
        PendoBulkDeleteRoutes().add(to: router)
        PendoReportRoutes().add(to: router)
        PendoUnsupportedRoutes().add(to: router)
        PersonyzeRoutes(bodyLimit: configuration.bodyLimitBytes,
                        trackerCode: PersonyzeTrackerCode(registry: registry, grants: configuration.apiKeyGrants)).add(to: router)
        PathRoutes().add(to: router)
        EventQueryRoutes().add(to: router)
        FunnelRoutes().add(to: router)
        SegmentRoutes().add(to: router)
        NudgeRoutes(adminKeys: Set(configuration.adminKeys)).add(to: router)
        JourneyRoutes(adminKeys: Set(configuration.adminKeys)).add(to: router)
        OperationsRoutes(registry: registry, prometheus: prometheus, adminKeys: Set(configuration.adminKeys)).add(to: router)
        OpenAPIRoutes().add(to: router)
        return router
    }

    /// The application, serving on the configured host and port.
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public static func make(
        configuration: BeaconConfiguration, registry: TenantRegistry, prometheus: PrometheusCollectorRegistry?,
        logger: Logger, onListening: @escaping @Sendable (String, Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = makeRouter(configuration: configuration, registry: registry, prometheus: prometheus)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "beacon"),
            onServerRunning: { channel in await onListening(configuration.host, channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }
}
