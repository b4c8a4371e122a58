import Foundation
import Logging
import Synchronization
import Testing
@testable import Actors
@testable import Runtime
@testable import Snapshot

/// A tenant whose WAL fsync failed answers the write that waited for it "durability unknown",
/// then refuses writes (reads go on) and says so without waiting for the actor.
@Suite struct TenantStorageFailureTests {
    final class Disk: Sendable {
        let failing = Mutex(false)
    }

    @Test func aFailedFsyncMakesTheTenantReadOnly() async throws {
        let disk = Disk()
        var storage = StorageSettings(dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("beacon-ro-\(UUID().uuidString)"),
                                      fsync: .always)
        storage.syncFile = { fd in disk.failing.withLock { $0 } ? EIO : (fdatasync(fd) == 0 ? 0 : errno) }
        let tenant = TenantActor(settings: TenantSettings(id: "t", name: "t"))
        _ = try await tenant.recover(storage: storage, logger: Logger(label: "test"))
        let event = [EventInput(eventType: "login", user: "a@x.com", timestampMs: nil)]
        _ = try await tenant.ingest(event)
        #expect(tenant.writeState == .accepting)

        disk.failing.withLock { $0 = true }
        await #expect(throws: DurabilityUnknown.self) { _ = try await tenant.ingest(event) }
        #expect(tenant.writeState != .accepting)
        #expect(tenant.writeState.description == "read-only: storage failed")
        #expect(await tenant.status().writeState == tenant.writeState)

        disk.failing.withLock { $0 = false }
        await #expect(throws: StorageFailed.self) { _ = try await tenant.ingest(event) }
        await #expect(throws: StorageFailed.self) { _ = try await tenant.snapshot() }
        // Reads go on and see the write whose durability is unknown, not the refused one.
        #expect(try await tenant.read { $0.eventsIngested } == 2)
        await tenant.close()
    }

    /// Under `interval` no writer waits for the fsync that fails; the writes after it are refused.
    @Test func aFailedIntervalFsyncRefusesTheWritesAfterIt() async throws {
        let disk = Disk()
        var storage = StorageSettings(dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("beacon-ro-\(UUID().uuidString)"),
                                      fsync: .interval, fsyncIntervalMs: 5)
        storage.syncFile = { fd in disk.failing.withLock { $0 } ? EIO : (fdatasync(fd) == 0 ? 0 : errno) }
        let tenant = TenantActor(settings: TenantSettings(id: "t", name: "t"))
        _ = try await tenant.recover(storage: storage, logger: Logger(label: "test"))
        let event = [EventInput(eventType: "login", user: "a@x.com", timestampMs: nil)]
        disk.failing.withLock { $0 = true }
        _ = try await tenant.ingest(event)   // answered before any fsync, as `interval` promises
        let deadline = Date().addingTimeInterval(5)
        while tenant.writeState == .accepting, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(tenant.writeState.description == "read-only: storage failed")
        await #expect(throws: StorageFailed.self) { _ = try await tenant.ingest(event) }
        #expect(try await tenant.read { $0.eventsIngested } == 1)
        await tenant.close()
    }
}
