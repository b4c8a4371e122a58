/// The `cluster` section of config.json (docs/cluster.md): this node's name and the address
/// other nodes forward to, the NATS servers, the streams' replicas and the lease length.
public struct ClusterSettings: Sendable, Equatable {
    public struct Server: Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) { self.host = host; self.port = port }
    }

    public var node: String
    public var url: String
    public var servers: [Server]
    public var replicas: Int
    public var leaseMs: Int64
    /// Per tenant id, its partitions (absent: 1).
    public var partitions: [String: UserPartitions] = [:]

    public init(node: String, url: String, servers: [Server], replicas: Int = 3, leaseMs: Int64 = 6_000) {
        self.node = node; self.url = url; self.servers = servers; self.replicas = replicas; self.leaseMs = leaseMs
    }

    /// A node name goes into record keys and stream headers: letters, digits, `-` and `_`.
    public static func isNodeName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy(UnitNames.isSafe)
    }

    /// `nats://host:port` (port 4222 when left out), else nil.
    public static func server(_ text: String) -> Server? {
        guard text.hasPrefix("nats://") else { return nil }
        let rest = text.dropFirst("nats://".count)
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@") else { return nil }
        if let colon = rest.lastIndex(of: ":") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port), colon != rest.startIndex else { return nil }
            return Server(host: String(rest[..<colon]), port: port)
        }
        return Server(host: String(rest), port: 4222)
    }

    /// This node's address for forwarded requests: `http://` or `https://` with a host and no path.
    public static func isNodeURL(_ text: String) -> Bool {
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            return !rest.isEmpty && !rest.contains("/") && !rest.contains("@") && !rest.contains(" ")
        }
        return false
    }
}

/// Stream, subject and object names for a unit. Tenant ids may hold characters NATS names
/// cannot (`.`, `*`, `>`, spaces), so every byte outside `[A-Za-z0-9_-]` is written as `=XX`.
public enum UnitNames {
    public static func escaped(_ unit: String) -> String {
        var out = ""
        for b in unit.utf8 {
            if isSafe(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "=" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// A byte every NATS name and subject token may hold as it is: `[A-Za-z0-9_-]`.
    static func isSafe(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 95
    }

    public static func stream(_ unit: String) -> String { "BEACON_" + escaped(unit) }
    public static func subject(_ unit: String) -> String { "beacon.wal." + escaped(unit) }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
