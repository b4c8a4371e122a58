import Foundation

/// The live nodes: each node writes its own record (`node.<name>`: its URL and an expiry) every
/// renewal, and a node is live while its record has not expired.
public struct NodeRecord: Codable, Sendable, Equatable {
    public var node: String
    public var url: String
    public var expiresAtMs: Int64
}

public actor NodeDirectory {
    let records: any OwnershipRecords
    let me: (node: String, url: String)
    let policy: LeasePolicy
    private var revision: UInt64?

    public init(node: String, url: String, policy: LeasePolicy, records: any OwnershipRecords) {
        self.me = (node, url); self.policy = policy; self.records = records
    }

    static func key(_ node: String) -> String { "node.\(node)" }

    /// Renews this node's record (taking it over from an earlier life of the node).
    public func heartbeat(nowMs: Int64) async throws {
        let record = NodeRecord(node: me.node, url: me.url, expiresAtMs: nowMs + policy.leaseMs)
        let bytes = Array(try JSONEncoder().encode(record))
        let key = Self.key(me.node)
        if let revision, let written = try? await records.write(key, bytes, expectingRevision: revision) {
            self.revision = written
            return
        }
        // First beat, or the revision moved (a restart of this node wrote it): read and retry once.
        let current = try await records.read(key)?.revision ?? 0
        revision = try await records.write(key, bytes, expectingRevision: current)
    }

    /// The live nodes, by name, with their URLs.
    public func live(nowMs: Int64) async throws -> [NodeRecord] {
        var out: [NodeRecord] = []
        for key in try await records.keys(prefix: "node.") {
            guard let (value, _) = try await records.read(key), let value,
                  let record = try? JSONDecoder().decode(NodeRecord.self, from: Data(value)), record.expiresAtMs > nowMs else { continue }
            out.append(record)
        }
        return out
    }
}
