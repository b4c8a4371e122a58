import Hummingbird

/// A public key (config.json `public_keys`) sits in web pages for anyone to read, so it may only
/// send events (native and SDK ingest) and ask for and report nudges; anything else is a 403.
struct PublicKeyMiddleware: RouterMiddleware {
    typealias Context = BeaconRequestContext

    static let ingestPosts: Set<String> = ["/ingest", "/ingest/merge", "/ingest/error"]

    static func allows(_ request: Request) -> Bool {
        let path = request.uri.path
        switch request.method {
        case .get:
            return path == "/api/nudges/eligible"
        case .post:
            if ingestPosts.contains(path) || SDKDialect.of(path: path) != nil { return true }
            // POST /api/nudges/:id/track: the tracker's impressions, clicks and dismissals.
            let parts = path.split(separator: "/")
            return parts.count == 4 && parts[0] == "api" && parts[1] == "nudges" && parts[3] == "track"
        default:
            return false
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if context.isPublicKey, !Self.allows(request) {
            throw APIError.forbidden("\(request.method.rawValue) \(request.uri.path) is not open to a public key: it may send events and read /api/nudges/eligible only", field: "x-api-key")
        }
        return try await next(request, context)
    }
}
