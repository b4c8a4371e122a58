import Hummingbird

/// Refuses every write of a viewer key with 403 before it reaches a route (or an idempotency
/// key): a viewer changes nothing, ingest included (docs/metrics-api.md, Roles).
struct RoleMiddleware: RouterMiddleware {
    typealias Context = BeaconRequestContext

    /// POST routes that only read: they take a body because their question does not fit a query string.
    static let readingPosts: Set<String> = Set([
        "/api/events/query", "/api/funnels", "/api/segments/estimate",
        "/api/v1/funnels", "/api/v1/funnels/trend", "/api/v1/retention", "/api/v1/metrics/formula", "/api/v1/metrics/grouped",
        PendoAggregationRoutes.path,
    ]).union(SQLRoutes.paths)

    static func isWrite(_ request: Request) -> Bool {
        switch request.method {
        case .post: !readingPosts.contains(request.uri.path) && !PendoSegmentRoutes.isExportStart(request.uri.path)
        case .put, .patch, .delete: true
        default: false
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Paths open without a key (operations) have no tenant and guard themselves.
        if context.tenant != nil, context.role < .editor, Self.isWrite(request) {
            throw APIError.forbidden("\(request.method.rawValue) \(request.uri.path) needs the editor role or above; this API key is a \(context.role.name)")
        }
        return try await next(request, context)
    }
}
