import Foundation
import Synchronization
import Testing
@testable import Actors
import Runtime
import Snapshot

/// A tenant serving a state rebuilt elsewhere through another log (cluster mode): writes go to
/// that log and are answered only once it says they are durable; a step-down drops the state.
@Suite struct AdoptedLogTests {
    static let now: Int64 = 1_790_000_000_000

    /// A log that keeps records in memory and settles them when told.
    final class HeldLog: MutationLog, Sendable {
        let records = Mutex<[Mutation]>([])
        let settled = Mutex<(upTo: UInt64, failure: String?, waiting: [(UInt64, CheckedContinuation<Void, any Error>)])>((0, nil, []))
        var lastSequence: UInt64 { UInt64(records.withLock { $0.count }) }
        var storageFailure: StorageFault? { settled.withLock { $0.failure }.map { StorageFault(operation: $0, errno: EIO) } }
        var waitsForDurability: Bool { true }
        func append(_ mutation: Mutation) throws -> UInt64 { records.withLock { $0.append(mutation); return UInt64($0.count) } }
        func waitUntilDurable(_ sequence: UInt64) async throws {
            try await withCheckedThrowingContinuation { continuation in
                let now = settled.withLock { s -> Bool in
                    if s.upTo >= sequence { return true }
                    s.waiting.append((sequence, continuation)); return false
                }
                if now { continuation.resume() }
            }
        }
        func settle(upTo sequence: UInt64) {
            let ready = settled.withLock { s in
                s.upTo = sequence
                let ready = s.waiting.filter { $0.0 <= sequence }
                s.waiting.removeAll { $0.0 <= sequence }
                return ready
            }
            for (_, c) in ready { c.resume() }
        }
    }

    @Test func writesWaitForTheAdoptedLogAndAStepDownDropsTheState() async throws {
        let settings = TenantSettings(id: "t", name: "t")
        var rebuilt = TenantState(settings: settings)
        _ = try rebuilt.ingest((0..<10).map { EventInput(eventType: "login", user: "u\($0)", timestampMs: Self.now) }, nowMs: Self.now, anonymousID: "a")
        let tenant = TenantActor(settings: settings, clock: { Self.now })
        tenant.markRecovering()
        let log = HeldLog()
        await tenant.adopt(rebuilt, log: log)
        #expect(try await tenant.read { $0.eventsIngested } == 10)
        let write = Task { try await tenant.ingest([EventInput(eventType: "login", user: "new", timestampMs: Self.now)]) }
        // The write is logged and applied but not answered until the log says it is durable.
        while log.lastSequence == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await tenant.read { $0.eventsIngested } == 11)
        #expect(log.settled.withLock { $0.waiting.count } == 1)
        log.settle(upTo: 1)
        #expect(try await write.value.accepted == 1)
        let captured = try #require(await tenant.capture())
        #expect(captured.sequence == 1 && captured.state.eventsIngested == 11)
        await tenant.stepDown()
        #expect(tenant.phase == .recovering)
        await #expect(throws: TenantUnavailable.self) { try await tenant.read { $0.eventsIngested } }
        #expect(await tenant.capture() == nil)
    }
}
