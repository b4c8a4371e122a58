import Testing
@testable import Cluster

/// Three nodes' lease keepers over one record store and a simulated clock: every unit gets one
/// owner, a dead node's units move after its leases expire, and a node paused past its leases
/// gives its units up on its next turn.
@Suite struct LeaseKeeperTests {
    let units = (0..<30).map { "tenant-\($0)" }
    let policy = LeasePolicy(leaseMs: 6_000)

    func keepers(_ records: MemoryRecords) -> [String: LeaseKeeper] {
        Dictionary(uniqueKeysWithValues: ["n1", "n2", "n3"].map { ($0, LeaseKeeper(node: $0, url: "http://\($0)", policy: policy, records: records)) })
    }

    /// Units held by more than one of `nodes`.
    func doublyHeld(_ keepers: [String: LeaseKeeper], _ nodes: [String]) async -> [String] {
        var holders: [String: Int] = [:]
        for node in nodes { for unit in await keepers[node]!.heldUnits { holders[unit, default: 0] += 1 } }
        return holders.filter { $0.value > 1 }.map(\.key)
    }

    @Test func eachUnitHasOneOwnerThroughADeathAndAPause() async throws {
        let records = MemoryRecords()
        let k = keepers(records)
        let all = ["n1", "n2", "n3"]
        var now: Int64 = 1_000_000
        // Placement: after one turn each unit is held by its preferred node.
        for node in all { _ = await k[node]!.turn(units: units, live: all, nowMs: now) }
        for unit in units {
            let owner = Rendezvous.owner(of: unit, among: all)!
            for node in all { #expect(await k[node]!.heldUnits.contains(unit) == (node == owner), "\(unit) on \(node)") }
        }
        let ofN2 = await k["n2"]!.heldUnits
        #expect(!ofN2.isEmpty)
        // Renewals keep everything where it is.
        for _ in 0..<3 {
            now += policy.renewEveryMs
            for node in all { #expect(await k[node]!.turn(units: units, live: all, nowMs: now).isEmpty) }
        }
        // n2 stops (dead or paused); the others see it gone. Nothing moves before its leases expire.
        let lastRenewal = now
        let survivors = ["n1", "n3"]
        var moved: [String: String] = [:]
        while now < lastRenewal + policy.leaseMs + 2 * policy.renewEveryMs {
            now += policy.renewEveryMs
            for node in survivors {
                for change in await k[node]!.turn(units: units, live: survivors, nowMs: now) {
                    guard case .acquired(let unit, let term) = change else { Issue.record("\(node): \(change)"); continue }
                    #expect(now >= lastRenewal + policy.leaseMs, "\(unit) taken before the lease ran out")
                    #expect(ofN2.contains(unit) && term == 2)
                    moved[unit] = node
                }
            }
            #expect(await doublyHeld(k, survivors).isEmpty)
        }
        #expect(Set(moved.keys) == ofN2)
        for (unit, node) in moved { #expect(Rendezvous.owner(of: unit, among: survivors) == node) }
        // n2 wakes: its first turn gives every unit up, and it takes none back while the others live.
        let woke = await k["n2"]!.turn(units: units, live: all, nowMs: now)
        #expect(Set(woke) == Set(ofN2.map { LeaseKeeper.Change.lost(unit: $0) }))
        #expect(await k["n2"]!.heldUnits.isEmpty)
        now += policy.renewEveryMs
        #expect(await k["n2"]!.turn(units: units, live: all, nowMs: now).isEmpty)
        #expect(await doublyHeld(k, all).isEmpty)
    }

    @Test func aRacingClaimHasOneWinner() async throws {
        let records = MemoryRecords()
        let a = LeaseKeeper(node: "n1", url: "u1", policy: policy, records: records)
        let b = LeaseKeeper(node: "n2", url: "u2", policy: policy, records: records)
        // Both believe themselves preferred (each sees only itself live) and race for the same units.
        async let first = a.turn(units: units, live: ["n1"], nowMs: 0)
        async let second = b.turn(units: units, live: ["n2"], nowMs: 0)
        _ = await (first, second)
        let held = await (a.heldUnits, b.heldUnits)
        #expect(held.0.isDisjoint(with: held.1))
        #expect(held.0.union(held.1) == Set(units))
    }

    @Test func liveNodesAreThoseWhoseRecordsHaveNotExpired() async throws {
        let records = MemoryRecords()
        let n1 = NodeDirectory(node: "n1", url: "http://a", policy: policy, records: records)
        let n2 = NodeDirectory(node: "n2", url: "http://b", policy: policy, records: records)
        try await n1.heartbeat(nowMs: 0)
        try await n2.heartbeat(nowMs: 3_000)
        #expect(try await n1.live(nowMs: 5_999).map(\.node) == ["n1", "n2"])
        #expect(try await n1.live(nowMs: 6_000).map(\.node) == ["n2"])
        // A restarted n1 (a new directory, no revision known) takes its record back.
        let again = NodeDirectory(node: "n1", url: "http://a2", policy: policy, records: records)
        try await again.heartbeat(nowMs: 7_000)
        try await again.heartbeat(nowMs: 8_000)
        #expect(try await n2.live(nowMs: 8_500).map(\.url) == ["http://a2", "http://b"])
    }
}
