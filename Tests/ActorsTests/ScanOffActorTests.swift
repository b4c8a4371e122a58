import Foundation
import Testing
@testable import Actors
@testable import Runtime

/// A long scan runs on an immutable view beside the actor: writes and short reads of the tenant
/// go on while it runs, and the scan sees the state as it was captured.
@Suite struct ScanOffActorTests {
    @Test func writesAndReadsGoOnWhileAScanRuns() async throws {
        let now: Int64 = 1_793_448_000_000
        let tenant = TenantActor(settings: TenantSettings(id: "t", name: "t"), clock: { now })
        _ = try await tenant.ingest([EventInput(eventType: "login", user: "a@x.com", timestampMs: now)])
        let scanStarted = DispatchSemaphore(value: 0)
        let writesDone = DispatchSemaphore(value: 0)
        let scan = Task {
            try await tenant.scan { state -> (seen: Int, waitedOut: Bool) in
                scanStarted.signal()
                // Holds the view until the writes below are through; had the scan held the actor, they
                // could not be, and the wait would run out.
                let released = writesDone.wait(timeout: .now() + 20) == .success
                return (state.eventsIngested, released)
            }
        }
        #expect(await Task.detached { scanStarted.wait(timeout: .now() + 20) == .success }.value)
        _ = try await tenant.ingest([EventInput(eventType: "login", user: "b@x.com", timestampMs: now)])
        let during = try await tenant.read { $0.eventsIngested }
        writesDone.signal()
        let result = try await scan.value
        #expect(result.waitedOut, "the write and the read finished while the scan held its view")
        #expect(during == 2)
        #expect(result.seen == 1, "the scan sees the state it captured")
    }

    @Test func aScanFailureReachesTheCaller() async throws {
        struct Refused: Error {}
        let tenant = TenantActor(settings: TenantSettings(id: "t", name: "t"))
        await #expect(throws: Refused.self) { try await tenant.scan { _ -> Int in throw Refused() } }
        await #expect(throws: UnknownSegment.self) {
            try await tenant.filtered(AccountFilter(industry: nil, companySize: nil, owner: nil, segment: 9), offActor: true) { $0.eventsIngested }
        }
    }
}
