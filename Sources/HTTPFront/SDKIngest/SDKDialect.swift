/// The analytics SDKs whose HTTP APIs Beacon speaks (docs/ingest-compat.md), and where each puts
/// its key.
enum SDKDialect: String, Sendable {
    case segment, posthog, amplitude, mixpanel

    /// The routes of each dialect. `/batch` is PostHog's `/batch/` and Amplitude's `/batch` at
    /// once (the router does not tell a trailing slash apart); the body's shape decides.
    static let paths: [String: SDKDialect] = [
        "/v1/batch": .segment, "/v1/track": .segment, "/v1/identify": .segment, "/v1/page": .segment,
        "/v1/screen": .segment, "/v1/group": .segment, "/v1/alias": .segment,
        "/batch": .posthog, "/capture": .posthog, "/e": .posthog, "/i/v0/e": .posthog,
        "/2/httpapi": .amplitude,
        "/track": .mixpanel, "/import": .mixpanel, "/engage": .mixpanel, "/groups": .mixpanel,
    ]

    static func of(path: String) -> SDKDialect? { paths[normalized(path)] }

    /// The path without trailing slashes (PostHog's `/batch/` is `/batch`).
    static func normalized(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    /// The key a body carries: Segment's `writeKey`, PostHog's `api_key` or `token`, Amplitude's
    /// `api_key`, Mixpanel's `token` in each event's properties (`$token` in profile updates).
    static func key(in body: JSONValue) -> String? {
        if let fields = body.object {
            for name in ["writeKey", "api_key", "token", "$token"] {
                if let key = fields[name]?.string, !key.isEmpty { return key }
            }
            if let key = fields["properties"]?.object?["token"]?.string, !key.isEmpty { return key }
            if let first = fields["batch"]?.array?.first ?? fields["events"]?.array?.first { return key(in: first) }
            return nil
        }
        return body.array?.first.flatMap(key(in:))
    }
}
