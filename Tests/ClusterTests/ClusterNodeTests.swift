import Actors
import Foundation
import NATS
import NATSTestSupport
import Testing
@testable import Cluster
import Runtime
import Snapshot

/// Two nodes over one real nats-server: every unit is served by one of them, writes go through
/// the owner's log, and when one node stops taking turns (dead or paused) the other serves its
/// units within a lease and a load, with every acknowledged write; the paused node's late
/// write is refused, and it gives its units up when it wakes.
@Suite(.enabled(if: NATSServerProcess.isInstalled, "nats-server is not installed; `make cluster-deps` installs it"))
struct ClusterNodeTests {
    static let now: Int64 = 1_790_000_000_000
    let units = ["t0", "t1", "t2", "t3", "t4", "t5"]

    func node(_ name: String, _ server: NATSServerProcess) async throws -> (ClusterNode, [String: TenantActor]) {
        var settings = ClusterSettings(node: name, url: "http://\(name)", servers: [.init(host: "127.0.0.1", port: server.port)], replicas: 1, leaseMs: 3_000)
        settings.partitions = [:]
        let actors = Dictionary(uniqueKeysWithValues: units.map { ($0, TenantActor(settings: TenantSettings(id: $0, name: $0, retentionDays: 0))) })
        return (try await ClusterNode.connect(settings: settings, actors: actors), actors)
    }

    func events(_ unit: String, _ b: Int) -> [EventInput] {
        (0..<10).map { EventInput(eventType: "login", user: "\(unit)-u\(b * 10 + $0)", timestampMs: Self.now) }
    }

    /// Waits until `condition` holds, up to `seconds`.
    func eventually(_ seconds: Double, _ condition: () async -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    @Test func aUnitMovesToTheLiveNodeWithEveryAcknowledgedWrite() async throws {
        try await withNATSServer { server in
            let (n1, a1) = try await node("n1", server)
            let (n2, a2) = try await node("n2", server)
            // n1 alone is live at its first turn, so it takes every unit; n2 then joins and, as
            // live owners keep their units, takes none.
            await n1.turn()
            await n1.start(); await n2.start()
            #expect(try await eventually(10) { await n1.servedUnits == Set(units) })
            // n2 joins: live owners keep their units (under load a late renewal may still cost one).
            try await Task.sleep(for: .milliseconds(1_200))
            let onN1 = await n1.servedUnits
            #expect(!onN1.isEmpty)
            // Writes through each unit's owner, acknowledged once the stream has them.
            for unit in units {
                let owner = onN1.contains(unit) ? a1[unit]! : a2[unit]!
                for b in 0..<3 { #expect(try await owner.ingest(events(unit, b)).accepted == 10) }
            }
            let snapshotted = try #require(onN1.sorted().first)
            #expect(try await n1.snapshot(snapshotted) != nil)
            _ = try await a1[snapshotted]!.ingest(events(snapshotted, 3))
            // n1 stops taking turns: paused, its actors still think they serve.
            await n1.stopTurns()
            let stopped = ContinuousClock.now
            #expect(try await eventually(20) { await n2.servedUnits == Set(units) })
            let movedAfter = ContinuousClock.now - stopped
            for unit in units {
                let expected = unit == snapshotted ? 40 : 30
                #expect(try await a2[unit]!.read { $0.eventsIngested } == expected, "\(unit)")
            }
            // The paused node writes late: refused, and nothing of it reaches the new owner.
            await #expect(throws: (any Error).self) { _ = try await a1[snapshotted]!.ingest(events(snapshotted, 9)) }
            #expect(try await a2[snapshotted]!.read { $0.eventsIngested } == 40)
            // It wakes: its first turn gives every unit up.
            await n1.turn()
            #expect(await n1.servedUnits.isEmpty)
            for unit in onN1 { #expect(a1[unit]!.phase == .recovering) }
            print("cluster failover in one process: units moved \(movedAfter) after the owner stopped (lease 3 s)")
            await n1.shutdown(); await n2.shutdown()
        }
    }
}
