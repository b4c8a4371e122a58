import Synchronization

/// Request limits per API key and route class (the native API's table: `/ingest` 500 a minute,
/// `/api/*` 100 a minute by default), kept with the generic cell rate algorithm: each request
/// moves a key's "theoretical arrival time" on by window/requests, and a request is refused once
/// that time runs more than a window ahead of now. A full window's worth may come at once, and
/// after that requests are admitted at the steady rate, so no window edge admits twice the limit.
public final class RateLimiter: Sendable {
    public struct Limit: Sendable, Equatable {
        public var requests: Int
        public var windowSeconds: Int
        public init(requests: Int, windowSeconds: Int) { self.requests = requests; self.windowSeconds = windowSeconds }
    }

    private let limits: [String: Limit]
    /// Theoretical arrival time (epoch µs) per route class and key; keys are the configured API keys, so it stays small.
    private let arrivals = Mutex<[String: Int64]>([:])

    public init(limits: [String: Limit]) { self.limits = limits }

    /// Counts one request; returns nil when allowed, or the whole seconds to wait when over the limit.
    public func acquire(key: String, routeClass: String, nowMs: Int64) -> Int? {
        guard let limit = limits[routeClass], limit.requests > 0 else { return nil }
        // Microseconds, so even a million requests a second have a whole interval.
        let windowUs = Int64(limit.windowSeconds) * 1_000_000
        let intervalUs = max(1, windowUs / Int64(limit.requests))
        let toleranceUs = windowUs - intervalUs
        let nowUs = nowMs * 1000
        let id = routeClass + "\u{0}" + key
        return arrivals.withLock { arrivals in
            let arrival = max(arrivals[id] ?? nowUs, nowUs)
            let ahead = arrival - nowUs
            if ahead > toleranceUs { return Int((ahead - toleranceUs + 999_999) / 1_000_000) }
            arrivals[id] = arrival + intervalUs
            return nil
        }
    }

    /// The route class of a path: "ingest", "sql", "api", "auth", or nil for unlimited paths.
    public static func routeClass(of path: String) -> String? {
        if path == "/ingest" || path.hasPrefix("/ingest/") || SDKDialect.of(path: path) != nil { return "ingest" }
        if SQLRoutes.paths.contains(path) { return "sql" }
        if path.hasPrefix("/api/") { return "api" }
        if path.hasPrefix("/auth/") { return "auth" }
        return nil
    }
}
