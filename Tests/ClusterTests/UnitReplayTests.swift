import Foundation
import Testing
@testable import Cluster
import Runtime
import Snapshot

/// A unit's stream read back: the records rebuild what applying them live built, fences are
/// passed over, and what the snapshot covers is not applied twice.
@Suite struct UnitReplayTests {
    let settings = TenantSettings(id: "acme", name: "acme", timeZone: TimeZone(identifier: "UTC")!, retentionDays: 0, memoryBudgetBytes: 1 << 30)
    let now: Int64 = 1_790_000_000_000

    /// A stream message as a dictionary of headers (what the NATS client hands over).
    struct Message { var sequence: UInt64; var headers: [String: String]; var payload: [UInt8] }

    func batches() -> [[EventInput]] {
        (0..<6).map { b in (0..<50).map { i in EventInput(eventType: i % 3 == 0 ? "signup" : "login", user: "u\((b * 50 + i) % 70)@x.com", timestampMs: now - Int64(i) * 60_000) } }
    }

    @Test func theStreamRebuildsTheLiveStateAndSkipsFences() throws {
        var live = TenantState(settings: settings)
        var stream: [Message] = []
        var sequence: UInt64 = 0
        for (b, batch) in batches().enumerated() {
            _ = try live.ingest(batch, nowMs: now, anonymousID: "anon")
            let (headers, payload) = UnitRecord.message(for: .events(nowMs: now, anonymousID: "anon", events: batch))
            sequence += 1
            stream.append(Message(sequence: sequence, headers: Dictionary(uniqueKeysWithValues: headers), payload: payload))
            if b == 2 {
                let (h, p) = UnitRecord.fence(node: "n2", term: 7)
                sequence += 1
                stream.append(Message(sequence: sequence, headers: Dictionary(uniqueKeysWithValues: h), payload: p))
            }
        }
        var replay = UnitReplay(state: TenantState(settings: settings), after: 0)
        for m in stream + stream.prefix(3) {  // a redelivery of the first three changes nothing
            try replay.apply(sequence: m.sequence, header: { m.headers[$0] }, payload: m.payload)
        }
        #expect(replay.lastSequence == 7 && replay.applied == 6 && replay.fences == 1)
        #expect(replay.state.eventsIngested == live.eventsIngested && replay.state.eventsIngested == 300)
        #expect(replay.state.users.liveCount == live.users.liveCount && replay.state.users.liveCount == 70)
        // After a snapshot at sequence 4, only what follows applies.
        var partial = UnitReplay(state: TenantState(settings: settings), after: 4)
        for m in stream { try partial.apply(sequence: m.sequence, header: { m.headers[$0] }, payload: m.payload) }
        #expect(partial.applied == 3 && partial.state.eventsIngested == 150)
    }

    @Test func anUnreadableRecordIsRefusedByName() throws {
        #expect(throws: UnreadableRecord(reason: "no Beacon-Type header")) { try UnitRecord.read(header: { _ in nil }, payload: []) }
        #expect(throws: UnreadableRecord(reason: "unknown record type '250'")) { try UnitRecord.read(header: { $0 == UnitRecord.typeHeader ? "250" : nil }, payload: []) }
        #expect(try UnitRecord.read(header: { $0 == UnitRecord.fenceHeader ? "n1/3" : nil }, payload: []) == .fence(owner: "n1/3"))
    }
}
