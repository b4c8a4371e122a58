import Foundation

/// One node's side of ownership (docs/cluster.md, "Ownership and fencing"): on each turn it
/// reads every unit's lease record, decides by `LeasePolicy`, and carries the step out with
/// compare-and-set. What it gains and loses it reports, so the node loads or drops the unit.
public actor LeaseKeeper {
    public enum Change: Sendable, Hashable {
        /// This node now owns the unit under `term`: load it, fence, serve.
        case acquired(unit: String, term: UInt64)
        /// This node no longer owns the unit: drop it now.
        case lost(unit: String)
    }

    public let node: String
    public let url: String
    let policy: LeasePolicy
    let records: any OwnershipRecords
    /// The units held, with the lease written and its revision.
    public private(set) var held: [String: (lease: Lease, revision: UInt64)] = [:]

    public init(node: String, url: String, policy: LeasePolicy, records: any OwnershipRecords) {
        self.node = node; self.url = url; self.policy = policy; self.records = records
    }

    static func key(_ unit: String) -> String { "owner.\(unit)" }

    public var heldUnits: Set<String> { Set(held.keys) }

    /// The owner's lease of `unit` as recorded (for forwarding), whoever holds it.
    public func recordedOwner(of unit: String) async throws -> Lease? {
        guard let (value, _) = try await records.read(Self.key(unit)), let value else { return nil }
        return try? JSONDecoder().decode(Lease.self, from: Data(value))
    }

    /// One turn over `units` with `live` the live nodes; returns what changed.
    public func turn(units: [String], live: [String], nowMs: Int64) async -> [Change] {
        var changes: [Change] = []
        for unit in units {
            let holding = held[unit] != nil
            let read: (value: [UInt8]?, revision: UInt64)?
            do { read = try await records.read(Self.key(unit)) } catch {
                // Unreadable: keep what is held until the lease says otherwise (the stream fences).
                continue
            }
            var record: (lease: Lease, revision: UInt64)?
            var deletedRevision: UInt64 = 0
            if let read {
                if let value = read.value, let lease = try? JSONDecoder().decode(Lease.self, from: Data(value)) {
                    record = (lease, read.revision)
                } else {
                    deletedRevision = read.revision
                }
            }
            let step = policy.step(unit: unit, me: (node, url), live: live, record: record, deletedRevision: deletedRevision,
                                   holding: holding, nowMs: nowMs)
            switch step {
            case .leave: break
            case .stepDown:
                held[unit] = nil
                changes.append(.lost(unit: unit))
            case .create(let lease):
                if await write(unit, lease, expecting: 0) { changes.append(.acquired(unit: unit, term: lease.term)) }
            case .claim(let lease, let revision):
                if await write(unit, lease, expecting: revision) { changes.append(.acquired(unit: unit, term: lease.term)) }
            case .renew(let lease, let revision):
                if !(await write(unit, lease, expecting: revision)) {
                    held[unit] = nil
                    changes.append(.lost(unit: unit))
                }
            }
        }
        // Units no longer asked about are given up as well.
        for unit in held.keys where !units.contains(unit) {
            held[unit] = nil
            changes.append(.lost(unit: unit))
        }
        return changes
    }

    /// Compare-and-set of the lease; true when it was written (and is now held).
    private func write(_ unit: String, _ lease: Lease, expecting revision: UInt64) async -> Bool {
        guard let bytes = try? JSONEncoder().encode(lease),
              let written = try? await records.write(Self.key(unit), Array(bytes), expectingRevision: revision) else { return false }
        held[unit] = (lease, written)
        return true
    }

    /// Forgets a unit without touching its record (the node dropped it after a refused publish);
    /// its lease runs out, or this node renews it by claiming again.
    public func release(_ unit: String) { held[unit] = nil }
}
