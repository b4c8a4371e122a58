/// A unit's ownership record in the `beacon_owners` bucket (docs/cluster.md, "Ownership and
/// fencing"): who owns it, where to forward to, the claim's term and until when it holds.
public struct Lease: Codable, Sendable, Equatable {
    public var node: String
    public var url: String
    public var term: UInt64
    public var expiresAtMs: Int64

    public init(node: String, url: String, term: UInt64, expiresAtMs: Int64) {
        self.node = node; self.url = url; self.term = term; self.expiresAtMs = expiresAtMs
    }

    public func expired(atMs now: Int64) -> Bool { now >= expiresAtMs }
}

/// What a node does about one unit on each turn of its ownership loop, decided from the record it
/// read; the loop carries it out with compare-and-set on the record's revision.
public enum LeaseStep: Sendable, Equatable {
    /// No record: write this one if none appears meanwhile.
    case create(Lease)
    /// Ours and held: extend it (compare-and-set on `revision`).
    case renew(Lease, revision: UInt64)
    /// Free to take (expired, or ours from before a restart): take it with a new term.
    case claim(Lease, revision: UInt64)
    /// Someone else's, or not ours to take: do nothing.
    case leave
    /// We hold it, but the record names another node: drop the unit now.
    case stepDown
}

/// The lease rules, pure so they are tested without a cluster.
public struct LeasePolicy: Sendable {
    public var leaseMs: Int64

    public init(leaseMs: Int64 = 6_000) { self.leaseMs = leaseMs }

    /// The renewal period: three renewals per lease, so one lost renewal never loses the unit.
    public var renewEveryMs: Int64 { leaseMs / 3 }

    /// - Parameters:
    ///   - me: this node's name and URL.
    ///   - live: the live nodes' names (this one included when it is live).
    ///   - record: the unit's record and its revision; nil when there is none (or it was deleted,
    ///     with `deletedRevision` the delete marker's revision to compare-and-set on).
    ///   - holding: whether this node serves the unit now.
    public func step(unit: String, me: (node: String, url: String), live: [String], record: (lease: Lease, revision: UInt64)?,
                     deletedRevision: UInt64 = 0, holding: Bool, nowMs: Int64) -> LeaseStep {
        let preferred = Rendezvous.owner(of: unit, among: live) == me.node
        guard let (lease, revision) = record else {
            if holding { return .stepDown }
            return preferred ? (deletedRevision == 0 ? .create(mine(me, term: 1, nowMs)) : .claim(mine(me, term: 1, nowMs), revision: deletedRevision)) : .leave
        }
        if lease.node == me.node {
            if holding { return .renew(Lease(node: me.node, url: me.url, term: lease.term, expiresAtMs: nowMs + leaseMs), revision: revision) }
            // Ours from an earlier life of this node: what it held is gone, so it claims anew.
            return .claim(mine(me, term: lease.term + 1, nowMs), revision: revision)
        }
        if holding { return .stepDown }
        guard lease.expired(atMs: nowMs) else { return .leave }
        // The dead owner is not live, so the preference is among those who are.
        return preferred ? .claim(mine(me, term: lease.term + 1, nowMs), revision: revision) : .leave
    }

    func mine(_ me: (node: String, url: String), term: UInt64, _ nowMs: Int64) -> Lease {
        Lease(node: me.node, url: me.url, term: term, expiresAtMs: nowMs + leaseMs)
    }
}
