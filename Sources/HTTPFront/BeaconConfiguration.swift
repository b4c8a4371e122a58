import Actors
import Cluster
import Foundation
import Runtime
import Snapshot

/// The server's configuration (config.json), checked at start key by key (unknown keys too), so every
/// problem names its key; read as a `JSONValue` tree because the checks walk it that way.
public struct BeaconConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var bodyLimitBytes = 5 * 1024 * 1024
    /// How long one live stream (`GET /api/live/stream`) lasts before the browser reconnects.
    public var streamMaxSeconds = 300
    /// Keys for the operations routes under /admin (x-admin-key).
    public var adminKeys: [String] = []
    public var rateLimits: [String: RateLimiter.Limit] = [
        "ingest": .init(requests: 500, windowSeconds: 60),
        "api": .init(requests: 100, windowSeconds: 60),
        "auth": .init(requests: 10, windowSeconds: 900),
        "sql": .init(requests: 30, windowSeconds: 60),
    ]
    public var tenants: [TenantRegistry.Entry] = []
    /// Roles and member names of the keys written as objects; a key not here is an admin.
    public var apiKeyGrants: [String: APIKeyGrant] = [:]
    /// Per tenant id, the origins a browser may call from (`"*"`: any); none means no CORS answers.
    public var allowedOrigins: [String: [String]] = [:]
    /// Where tenants' WALs live; nil keeps everything in memory only (nothing survives a restart).
    public var storage: StorageSettings?
    /// Cluster mode (docs/cluster.md); nil runs single-node.
    public var cluster: ClusterSettings?

    public struct Invalid: Error, CustomStringConvertible {
        public var key: String
        public var message: String
        public var description: String { "config: \(key): \(message)" }
    }

    public init() {}

    public static func load(path: String) throws -> BeaconConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(key: "(file)", message: "cannot read \(path)")
        }
        return try parse(data)
    }

    public static func parse(_ data: Data) throws -> BeaconConfiguration {
        guard let root = (try? JSONDecoder().decode(JSONValue.self, from: data))?.object else {
            throw Invalid(key: "(root)", message: "is not a JSON object")
        }
        var config = BeaconConfiguration()
        try checkKeys(root, allowed: ["server", "rate_limits", "tenants", "storage", "cluster"], at: "")
        if let server = root["server"] {
            let server = try object(server, at: "server")
            try checkKeys(server, allowed: ["host", "port", "body_limit_bytes", "admin_keys", "stream_max_seconds"], at: "server")
            if let keys = server["admin_keys"] {
                guard let list = keys.array else { throw Invalid(key: "server.admin_keys", message: "must be an array of strings") }
                config.adminKeys = try list.enumerated().map { try string($0.element, at: "server.admin_keys[\($0.offset)]") }
            }
            if let host = server["host"] { config.host = try string(host, at: "server.host") }
            if let port = server["port"] { config.port = try int(port, at: "server.port", range: 0...65535) }
            if let seconds = server["stream_max_seconds"] { config.streamMaxSeconds = try int(seconds, at: "server.stream_max_seconds", range: 1...86_400) }
            if let limit = server["body_limit_bytes"] { config.bodyLimitBytes = try int(limit, at: "server.body_limit_bytes", range: 1024...(1 << 30)) }
        }
        if let limits = root["rate_limits"] {
            let limits = try object(limits, at: "rate_limits")
            try checkKeys(limits, allowed: ["ingest", "api", "auth", "sql"], at: "rate_limits")
            for (name, value) in limits {
                let key = "rate_limits.\(name)"
                let limit = try object(value, at: key)
                try checkKeys(limit, allowed: ["requests", "window_seconds"], at: key)
                guard let requests = limit["requests"] else { throw Invalid(key: "\(key).requests", message: "is required") }
                config.rateLimits[name] = .init(
                    requests: try int(requests, at: "\(key).requests", range: 1...Int(Int32.max)),
                    windowSeconds: try limit["window_seconds"].map { try int($0, at: "\(key).window_seconds", range: 1...86_400) } ?? 60)
            }
        }
        if let storage = root["storage"] {
            let storage = try object(storage, at: "storage")
            try checkKeys(storage, allowed: ["data_dir", "wal_fsync", "wal_fsync_interval_ms", "snapshot_interval_s", "snapshot_every_events", "snapshot_keep"], at: "storage")
            guard let directory = storage["data_dir"] else { throw Invalid(key: "storage.data_dir", message: "is required") }
            var settings = StorageSettings(dataDirectory: URL(fileURLWithPath: try string(directory, at: "storage.data_dir")))
            if let fsync = storage["wal_fsync"] {
                let text = try string(fsync, at: "storage.wal_fsync")
                guard let policy = FsyncPolicy(rawValue: text) else {
                    throw Invalid(key: "storage.wal_fsync", message: "must be always, interval or none, got '\(text)'")
                }
                settings.fsync = policy
            }
            if let interval = storage["wal_fsync_interval_ms"] {
                settings.fsyncIntervalMs = try int(interval, at: "storage.wal_fsync_interval_ms", range: 1...60_000)
            }
            if let value = storage["snapshot_interval_s"] { settings.snapshotIntervalSeconds = try int(value, at: "storage.snapshot_interval_s", range: 0...86_400) }
            if let value = storage["snapshot_every_events"] { settings.snapshotEveryEvents = try int(value, at: "storage.snapshot_every_events", range: 0...Int(Int32.max)) }
            if let value = storage["snapshot_keep"] { settings.snapshotKeep = try int(value, at: "storage.snapshot_keep", range: 2...100) }
            config.storage = settings
        }
        if let cluster = root["cluster"] { config.cluster = try clusterSettings(cluster) }
        guard let tenants = root["tenants"]?.array, !tenants.isEmpty else {
            throw Invalid(key: "tenants", message: "must be a non-empty array of tenants")
        }
        var ids = Set<String>(), keys = Set<String>()
        for (i, value) in tenants.enumerated() {
            let at = "tenants[\(i)]"
            let tenant = try object(value, at: at)
            try checkKeys(tenant, allowed: ["id", "name", "api_keys", "public_keys", "allowed_origins", "timezone", "retention_days", "memory_budget_mb", "organisation", "partitions"], at: at)
            guard let idValue = tenant["id"] else { throw Invalid(key: "\(at).id", message: "is required") }
            let id = try string(idValue, at: "\(at).id")
            guard ids.insert(id).inserted else { throw Invalid(key: "\(at).id", message: "'\(id)' is used twice") }
            let name = try tenant["name"].map { try string($0, at: "\(at).name") } ?? id
            guard let apiKeys = tenant["api_keys"]?.array, !apiKeys.isEmpty else {
                throw Invalid(key: "\(at).api_keys", message: "must be a non-empty array of keys (strings or {\"key\",\"role\",\"member\"} objects)")
            }
            var tenantKeys: [String] = []
            for (k, keyValue) in apiKeys.enumerated() {
                let keyAt = "\(at).api_keys[\(k)]"
                let (key, grant) = try apiKey(keyValue, at: keyAt)
                guard keys.insert(key).inserted else { throw Invalid(key: keyAt, message: "is used twice") }
                tenantKeys.append(key)
                if let grant { config.apiKeyGrants[key] = grant }
            }
            if let publicKeys = tenant["public_keys"] {
                guard let list = publicKeys.array else { throw Invalid(key: "\(at).public_keys", message: "must be an array of strings") }
                for (k, keyValue) in list.enumerated() {
                    let keyAt = "\(at).public_keys[\(k)]"
                    let key = try string(keyValue, at: keyAt)
                    guard !key.isEmpty else { throw Invalid(key: keyAt, message: "must not be empty") }
                    guard keys.insert(key).inserted else { throw Invalid(key: keyAt, message: "is used twice") }
                    tenantKeys.append(key)
                    config.apiKeyGrants[key] = .publicIngest(key)
                }
            }
            if let origins = tenant["allowed_origins"] {
                guard let list = origins.array else { throw Invalid(key: "\(at).allowed_origins", message: "must be an array of origins (\"https://app.example.com\" or \"*\")") }
                config.allowedOrigins[id] = try list.enumerated().map { k, value in
                    let originAt = "\(at).allowed_origins[\(k)]"
                    let origin = try string(value, at: originAt)
                    guard origin == "*" || CORSMiddleware.isOrigin(origin) else {
                        throw Invalid(key: originAt, message: "must be \"*\" or scheme://host[:port] without a path, got '\(origin)'")
                    }
                    return origin.lowercased()
                }
            }
            let zoneName = try tenant["timezone"].map { try string($0, at: "\(at).timezone") } ?? "UTC"
            guard let zone = TimeZone(identifier: zoneName) else { throw Invalid(key: "\(at).timezone", message: "unknown time zone '\(zoneName)'") }
            let retention = try tenant["retention_days"].map { try int($0, at: "\(at).retention_days", range: 0...36_500) } ?? 365
            let budgetMB = try tenant["memory_budget_mb"].map { try int($0, at: "\(at).memory_budget_mb", range: 0...(1 << 30)) } ?? Self.defaultMemoryBudgetMB
            let organisation = try tenant["organisation"].map { try string($0, at: "\(at).organisation") } ?? TenantRegistry.defaultOrganisation
            guard (1...200).contains(organisation.count) else { throw Invalid(key: "\(at).organisation", message: "must be 1–200 characters") }
            if let value = tenant["partitions"] {
                let count = try int(value, at: "\(at).partitions", range: 1...UserPartitions.maximum)
                guard config.cluster != nil else { throw Invalid(key: "\(at).partitions", message: "needs cluster mode (a \"cluster\" section)") }
                config.cluster?.partitions[id] = UserPartitions(count: count)
            }
            config.tenants.append(.init(settings: TenantSettings(id: id, name: name, timeZone: zone, retentionDays: retention,
                                                                 memoryBudgetBytes: budgetMB << 20), apiKeys: tenantKeys, organisation: organisation))
        }
        return config
    }

    /// `{"node", "url", "nats": [...], "replicas", "lease_ms"}` (docs/cluster.md).
    private static func clusterSettings(_ value: JSONValue) throws -> ClusterSettings {
        let cluster = try object(value, at: "cluster")
        try checkKeys(cluster, allowed: ["node", "url", "nats", "replicas", "lease_ms"], at: "cluster")
        guard let nodeValue = cluster["node"] else { throw Invalid(key: "cluster.node", message: "is required") }
        let node = try string(nodeValue, at: "cluster.node")
        guard ClusterSettings.isNodeName(node) else { throw Invalid(key: "cluster.node", message: "must be 1–64 letters, digits, '-' or '_', got '\(node)'") }
        guard let urlValue = cluster["url"] else { throw Invalid(key: "cluster.url", message: "is required (this node's address for forwarded requests)") }
        let url = try string(urlValue, at: "cluster.url")
        guard ClusterSettings.isNodeURL(url) else { throw Invalid(key: "cluster.url", message: "must be http(s)://host[:port] without a path, got '\(url)'") }
        guard let list = cluster["nats"]?.array, !list.isEmpty, list.count <= 32 else {
            throw Invalid(key: "cluster.nats", message: "must be 1–32 server addresses (\"nats://host:port\")")
        }
        let servers = try list.enumerated().map { i, element in
            let text = try string(element, at: "cluster.nats[\(i)]")
            guard let server = ClusterSettings.server(text) else { throw Invalid(key: "cluster.nats[\(i)]", message: "must be nats://host[:port], got '\(text)'") }
            return server
        }
        let replicas = try cluster["replicas"].map { try int($0, at: "cluster.replicas", range: 1...5) } ?? 3
        let leaseMs = try cluster["lease_ms"].map { try int($0, at: "cluster.lease_ms", range: 1_000...60_000) } ?? 6_000
        return ClusterSettings(node: node, url: url, servers: servers, replicas: replicas, leaseMs: Int64(leaseMs))
    }

    /// A tenant's memory budget unless its configuration sets one.
    public static let defaultMemoryBudgetMB = 8192

    /// A bare string (an admin key) or `{"key", "role", "member"}`: `role` viewer, editor or admin,
    /// `member` defaulting to a name derived from the key.
    private static func apiKey(_ value: JSONValue, at path: String) throws -> (String, APIKeyGrant?) {
        guard let fields = value.object else { return (try string(value, at: path), nil) }
        try checkKeys(fields, allowed: ["key", "role", "member"], at: path)
        guard let keyValue = fields["key"] else { throw Invalid(key: "\(path).key", message: "is required") }
        let key = try string(keyValue, at: "\(path).key")
        guard let roleValue = fields["role"] else { throw Invalid(key: "\(path).role", message: "is required (viewer, editor or admin)") }
        let roleName = try string(roleValue, at: "\(path).role")
        guard let role = Role(name: roleName) else {
            throw Invalid(key: "\(path).role", message: "must be viewer, editor or admin, got '\(roleName)'")
        }
        let member = try fields["member"].map { try string($0, at: "\(path).member") } ?? APIKeyGrant.defaultMember(for: key)
        guard member.count <= 200 else { throw Invalid(key: "\(path).member", message: "is longer than 200 characters") }
        return (key, APIKeyGrant(role: role, member: member))
    }

    private static func checkKeys(_ object: [String: JSONValue], allowed: Set<String>, at path: String) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw Invalid(key: path.isEmpty ? key : "\(path).\(key)", message: "unknown key (expected one of \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    private static func object(_ value: JSONValue, at key: String) throws -> [String: JSONValue] {
        guard let object = value.object else { throw Invalid(key: key, message: "must be an object") }
        return object
    }

    private static func string(_ value: JSONValue, at key: String) throws -> String {
        guard let text = value.string, !text.isEmpty else { throw Invalid(key: key, message: "must be a non-empty string") }
        return text
    }

    private static func int(_ value: JSONValue, at key: String, range: ClosedRange<Int>) throws -> Int {
        guard let number = value.integer else { throw Invalid(key: key, message: "must be an integer") }
        guard range.contains(number) else {
            throw Invalid(key: key, message: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }
}
