import Actors
import Hummingbird

/// Answers 429 with `Retry-After` once a key has used up its route class's window.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = BeaconRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let key = context.apiKey, let routeClass = RateLimiter.routeClass(of: request.uri.path),
           let retryAfter = limiter.acquire(key: key, routeClass: routeClass, nowMs: TenantActor.systemClock()) {
            var error = APIError(.tooManyRequests, code: "rate_limited",
                                 message: "rate limit for \(routeClass) requests exceeded; retry in \(retryAfter) s")
            error.headers[.retryAfter] = String(retryAfter)
            throw error
        }
        return try await next(request, context)
    }
}
