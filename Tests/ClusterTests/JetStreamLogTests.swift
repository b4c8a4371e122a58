import Foundation
import NATS
import NATSTestSupport
import Testing
@testable import Cluster
import Runtime
import Snapshot

/// A unit's log on a real nats-server: pipelined appends settle in order, a deposed owner's
/// appends are refused once the new owner has fenced, and a unit reloads from its snapshot and
/// the stream after it.
@Suite(.enabled(if: NATSServerProcess.isInstalled, "nats-server is not installed; `make cluster-deps` installs it"))
struct JetStreamLogTests {
    static let now: Int64 = 1_790_000_000_000
    let settings = TenantSettings(id: "acme", name: "acme", timeZone: TimeZone(identifier: "UTC")!, retentionDays: 0, memoryBudgetBytes: 1 << 30)

    func batch(_ b: Int, size: Int = 20) -> [EventInput] {
        (0..<size).map { i in EventInput(eventType: "login", user: "u\((b * size + i) % 90)@x.com", timestampMs: Self.now - Int64(i) * 1_000) }
    }

    func store(_ js: JetStream) async throws -> UnitStore {
        UnitStore(jetStream: js, snapshots: try await ObjectStore.create(js, bucket: UnitStore.snapshotBucket), replicas: 1)
    }

    /// A fresh unit: its store, stream and log.
    func open(_ unit: String, _ js: JetStream) async throws -> (UnitStore, JetStreamLog) {
        let units = try await store(js)
        try await units.ensureStream(unit)
        return (units, try JetStreamLog(connection: js.connection, unit: unit, after: 0))
    }

    @Test func pipelinedAppendsSettleInOrderAndReplayRebuildsTheState() async throws {
        try await withJetStream { js, server in
            let (units, log) = try await open("acme", js)
            var live = TenantState(settings: settings)
            var sequences: [UInt64] = []
            for b in 0..<200 {
                let events = batch(b)
                _ = try live.ingest(events, nowMs: Self.now, anonymousID: "anon")
                sequences.append(try log.append(.events(nowMs: Self.now, anonymousID: "anon", events: events)))
            }
            #expect(sequences == Array(1...200))
            // Waiting for the last settles every one before it.
            try await log.waitUntilDurable(200)
            try await log.waitUntilDurable(17)
            #expect(log.storageFailure == nil)
            let info = try await js.streamInfo(UnitNames.stream("acme"))
            #expect(info.state.messages == 200 && info.state.lastSeq == 200)
            let loaded = try await units.load("acme", settings: settings)
            #expect(loaded.lastSequence == 200 && loaded.replayed == 200 && loaded.snapshotSequence == 0)
            #expect(loaded.state.eventsIngested == live.eventsIngested && loaded.state.users.liveCount == live.users.liveCount)
        }
    }

    @Test func aDeposedOwnerIsRefusedOnceTheNewOwnerFenced() async throws {
        try await withJetStream { js, server in
            let units = try await store(js)
            try await units.ensureStream("acme")
            let old = try JetStreamLog(connection: js.connection, unit: "acme", after: 0)
            for b in 0..<3 { _ = try old.append(.events(nowMs: Self.now, anonymousID: "a", events: batch(b))) }
            try await old.waitUntilDurable(3)
            // The old owner pauses; the new owner loads what is there and fences.
            let second = try await server.connect()
            let loaded = try await units.load("acme", settings: settings)
            #expect(loaded.lastSequence == 3)
            let new = try JetStreamLog(connection: second, unit: "acme", after: loaded.lastSequence)
            try await new.fence(node: "n2", term: 2)
            // The old owner wakes and writes: refused, and so is everything after.
            let refused = try old.append(.events(nowMs: Self.now, anonymousID: "a", events: batch(3)))
            await #expect(throws: DurabilityUnknown.self) { try await old.waitUntilDurable(refused) }
            #expect(old.storageFailure != nil)
            #expect(throws: StorageFailed.self) { _ = try old.append(.events(nowMs: Self.now, anonymousID: "a", events: batch(4))) }
            // The new owner goes on; the stream holds the three records, the fence and its write.
            let mine = try new.append(.events(nowMs: Self.now, anonymousID: "a", events: batch(5)))
            try await new.waitUntilDurable(mine)
            #expect(mine == 5)
            let again = try await units.load("acme", settings: settings)
            #expect(again.lastSequence == 5 && again.replayed == 4 && again.state.eventsIngested == 80)
            await second.close()
        }
    }

    @Test func aUnitReloadsFromItsNewestSnapshotAndTheStreamIsTrimmedBehindTheSecondNewest() async throws {
        try await withJetStream { js, server in
            let (units, log) = try await open("acme.p1", js)
            var live = TenantState(settings: settings)
            func write(_ b: Int) throws {
                let events = batch(b)
                _ = try live.ingest(events, nowMs: Self.now, anonymousID: "a")
                _ = try log.append(.events(nowMs: Self.now, anonymousID: "a", events: events))
            }
            for b in 0..<10 { try write(b) }
            try await log.waitUntilDurable(10)
            _ = try await units.save("acme.p1", state: live, covering: 10, createdMs: Self.now)
            for b in 10..<20 { try write(b) }
            try await log.waitUntilDurable(20)
            _ = try await units.save("acme.p1", state: live, covering: 20, createdMs: Self.now)
            for b in 20..<25 { try write(b) }
            try await log.waitUntilDurable(25)
            // Two snapshots: the stream keeps what follows the older one (11 on).
            let info = try await js.streamInfo(UnitNames.stream("acme.p1"))
            #expect(info.state.firstSeq == 11 && info.state.lastSeq == 25)
            let loaded = try await units.load("acme.p1", settings: settings)
            #expect(loaded.snapshotSequence == 20 && loaded.replayed == 5 && loaded.lastSequence == 25)
            #expect(loaded.state.eventsIngested == live.eventsIngested)
            // A damaged newest snapshot: the older one and the stream after it still rebuild everything.
            try await units.snapshots.delete(SnapshotRetention.objectName(unit: "acme.p1", covering: 20))
            _ = try await units.snapshots.put(SnapshotRetention.objectName(unit: "acme.p1", covering: 20), Array("not a snapshot".utf8))
            let fallback = try await units.load("acme.p1", settings: settings)
            #expect(fallback.snapshotSequence == 10 && fallback.replayed == 15 && fallback.skippedSnapshots.count == 1)
            #expect(fallback.state.eventsIngested == live.eventsIngested)
            // Both gone: the records 1–10 exist nowhere, and the unit is refused, not served short.
            try await units.snapshots.delete(SnapshotRetention.objectName(unit: "acme.p1", covering: 10))
            await #expect(throws: UnitGap.self) { _ = try await units.load("acme.p1", settings: settings) }
        }
    }

    @Test func leaseRecordsInAKeyValueBucketCompareAndSet() async throws {
        try await withJetStream { js, server in
            let records = KeyValueRecords(bucket: try await KeyValue.create(js, bucket: "beacon_owners"))
            let first = try await records.write("owner.acme", Array("a".utf8), expectingRevision: 0)
            await #expect(throws: RecordConflict(key: "owner.acme")) { _ = try await records.write("owner.acme", Array("b".utf8), expectingRevision: 0) }
            let second = try await records.write("owner.acme", Array("b".utf8), expectingRevision: first)
            await #expect(throws: RecordConflict(key: "owner.acme")) { _ = try await records.write("owner.acme", Array("c".utf8), expectingRevision: first) }
            #expect(try await records.read("owner.acme")?.value == Array("b".utf8))
            #expect(try await records.read("owner.acme")?.revision == second)
            #expect(try await records.read("owner.none") == nil)
            #expect(try await records.keys(prefix: "owner.") == ["owner.acme"])
            // Two keepers over the real bucket: one wins each unit.
            let policy = LeasePolicy(leaseMs: 6_000)
            let a = LeaseKeeper(node: "n1", url: "u1", policy: policy, records: records)
            let b = LeaseKeeper(node: "n2", url: "u2", policy: policy, records: records)
            let units = (0..<12).map { "t\($0)" }
            async let x = a.turn(units: units, live: ["n1"], nowMs: 0)
            async let y = b.turn(units: units, live: ["n2"], nowMs: 0)
            _ = await (x, y)
            let held = await (a.heldUnits, b.heldUnits)
            #expect(held.0.isDisjoint(with: held.1) && held.0.union(held.1) == Set(units))
        }
    }
}
