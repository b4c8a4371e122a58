import Actors
import Hummingbird

/// CORS by tenant (config.json `allowed_origins`): a browser page on an allowed origin may call
/// Beacon, the tracker's pages above all. A request's tenant is found from its key header; a
/// preflight carries none, so it is answered for any tenant's origins and the request itself is
/// judged by its own tenant's. Written here rather than Hummingbird's `CORSMiddleware`, which
/// takes one fixed origin rule for the whole server.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = BeaconRequestContext
    let originsByTenant: [String: [String]]
    let registry: TenantRegistry
    private let anyTenantOrigins: Set<String>

    init(originsByTenant: [String: [String]], registry: TenantRegistry) {
        self.originsByTenant = originsByTenant
        self.registry = registry
        anyTenantOrigins = Set(originsByTenant.values.joined())
    }

    static let allowedHeaders = "content-type, x-api-key, authorization, idempotency-key, x-workspace-id, content-encoding"
    static let allowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"

    /// scheme://host[:port], nothing after.
    static func isOrigin(_ text: String) -> Bool {
        guard let schemeEnd = text.range(of: "://") else { return false }
        let scheme = text[..<schemeEnd.lowerBound], rest = text[schemeEnd.upperBound...]
        return !scheme.isEmpty && scheme.allSatisfy({ $0.isLetter }) && !rest.isEmpty && !rest.contains("/") && !rest.contains("?")
    }

    func isAllowed(_ origin: String, _ request: Request) -> Bool {
        let origin = origin.lowercased()
        if request.method != .options, let key = AuthMiddleware.apiKey(in: request) ?? SDKRequestMiddleware.basicUser(request),
           let tenant = registry.tenant(forKey: key) {
            let allowed = originsByTenant[tenant.id] ?? []
            return allowed.contains("*") || allowed.contains(origin)
        }
        return anyTenantOrigins.contains("*") || anyTenantOrigins.contains(origin)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], !originsByTenant.isEmpty else { return try await next(request, context) }
        let allowed = isAllowed(origin, request)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else { throw APIError.forbidden("origin '\(origin.prefix(200))' is not in any tenant's allowed_origins", field: "Origin") }
            var headers = corsHeaders(origin)
            headers[.accessControlAllowMethods] = Self.allowedMethods
            headers[.accessControlAllowHeaders] = Self.allowedHeaders
            headers[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: headers)
        }
        guard allowed else { return try await next(request, context) }
        do {
            var response = try await next(request, context)
            for field in corsHeaders(origin) { response.headers.append(field) }
            return response
        } catch var error as APIError {
            for field in corsHeaders(origin) { error.headers.append(field) }
            throw error
        }
    }

    private func corsHeaders(_ origin: String) -> HTTPFields {
        [.accessControlAllowOrigin: origin, .vary: "Origin", .accessControlExposeHeaders: "Retry-After, Idempotent-Replayed"]
    }
}
