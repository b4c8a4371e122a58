import Synchronization

/// Fixed-window request limits per API key and route class (the native API's table:
/// `/ingest` 500 a minute, `/api/*` 100 a minute by default).
public final class RateLimiter: Sendable {
    public struct Limit: Sendable, Equatable {
        public var requests: Int
        public var windowSeconds: Int
        public init(requests: Int, windowSeconds: Int) { self.requests = requests; self.windowSeconds = windowSeconds }
    }

    private struct Window { var start: Int64; var used: Int }
    private let limits: [String: Limit]
    private let windows = Mutex<[String: Window]>([:])

    public init(limits: [String: Limit]) { self.limits = limits }

    /// Counts one request; returns nil when allowed, or the seconds to wait when over the limit.
    public func acquire(key: String, routeClass: String, nowMs: Int64) -> Int? {
        guard let limit = limits[routeClass] else { return nil }
        let windowMs = Int64(limit.windowSeconds) * 1000
        let start = nowMs - nowMs % windowMs
        return windows.withLock { windows in
            let id = routeClass + "\u{0}" + key
            var window = windows[id] ?? Window(start: start, used: 0)
            if window.start != start { window = Window(start: start, used: 0) }
            if window.used >= limit.requests {
                return Int((window.start + windowMs - nowMs + 999) / 1000)
            }
            window.used += 1
            windows[id] = window
            return nil
        }
    }

    /// The route class of a path: "ingest", "api", "auth", or nil for unlimited paths.
    public static func routeClass(of path: String) -> String? {
        if path == "/ingest" || path.hasPrefix("/ingest/") { return "ingest" }
        if path.hasPrefix("/api/") { return "api" }
        if path.hasPrefix("/auth/") { return "auth" }
        return nil
    }
}
