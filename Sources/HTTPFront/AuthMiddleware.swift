import Actors
import Foundation
import Hummingbird

/// Resolves the tenant from `x-api-key` or `Authorization: Bearer KEY`; an `X-Workspace-ID`
/// header, if sent, must name the key's tenant. Paths in `openPaths` need no key. The key's
/// grant gives the role and member; a key without one (a bare string in config.json) is an admin.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = BeaconRequestContext
    let registry: TenantRegistry
    let grants: [String: APIKeyGrant]
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if openPaths.contains(request.uri.path) || StaticAssets.isStatic(request.uri.path) { return try await next(request, context) }
        guard let key = Self.apiKey(in: request) ?? context.sdkKey ?? queryKey(request) else {
            throw APIError.unauthorized("missing API key: send it in the x-api-key header")
        }
        guard var tenant = registry.tenant(forKey: key) else { throw APIError.unauthorized("unknown API key") }
        if let workspace = request.headers[.init("x-workspace-id")!], workspace != tenant.id {
            // A key switched to another product may still name its own workspace, and reaches it.
            guard let own = registry.configuredTenant(forKey: key), own.id == workspace else {
                throw APIError(.forbidden, code: "forbidden", message: "X-Workspace-ID: the API key does not belong to workspace '\(workspace)'", field: "X-Workspace-ID")
            }
            tenant = own
        }
        // Answered before waiting for the actor, which a long recovery holds.
        if tenant.phase == .recovering {
            throw TenantUnavailable(reason: "tenant '\(tenant.id)' is recovering its data; retry shortly")
        }
        var context = context
        context.tenant = tenant
        context.apiKey = key
        let grant = grants[key] ?? .bare(key)
        context.role = grant.role
        context.member = grant.member
        context.isPublicKey = grant.isPublic
        return try await next(request, context)
    }

    /// `?key=` where a browser cannot send a header: EventSource (the live stream) and
    /// sendBeacon (the tracker's last events, with a public key only, so that no key that reads
    /// data travels in URLs and logs).
    func queryKey(_ request: Request) -> String? {
        guard let key = request.uri.queryParameters.get("key").map({ String($0) }), !key.isEmpty else { return nil }
        if request.uri.path == "/api/live/stream" { return key }
        return grants[key]?.isPublic == true && PublicKeyMiddleware.ingestPosts.contains(request.uri.path) ? key : nil
    }

    static func apiKey(in request: Request) -> String? {
        if let key = request.headers[.init("x-api-key")!], !key.isEmpty { return key }
        // The Pendo-compatible API's header (docs/pendo.md); header names match in any case.
        if let key = request.headers[.init("x-pendo-integration-key")!], !key.isEmpty { return key }
        guard let authorization = request.headers[.authorization] else { return nil }
        if authorization.lowercased().hasPrefix("bearer ") {
            let key = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
            return key.isEmpty ? nil : key
        }
        // HTTP Basic with the user `api` and the key as the password (the Personyze-compatible
        // API's auth, docs/personyze.md); any other user name is no key.
        if authorization.lowercased().hasPrefix("basic "),
           let decoded = Data(base64Encoded: authorization.dropFirst(6).trimmingCharacters(in: .whitespaces)).flatMap({ String(data: $0, encoding: .utf8) }),
           decoded.hasPrefix("api:") {
            let key = String(decoded.dropFirst(4))
            return key.isEmpty ? nil : key
        }
        return nil
    }
}

import Foundation
