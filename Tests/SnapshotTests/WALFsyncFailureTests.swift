import Foundation
import Synchronization
import Testing
@testable import Runtime
@testable import Snapshot
#if canImport(Glibc)
import Glibc
#endif

/// After a failed fsync the log answers the writers that waited for it "durability unknown" and
/// refuses every later append, even when fsync would work again (PostgreSQL's lesson: the
/// kernel may have dropped the pages it could not write).
@Suite struct WALFsyncFailureTests {
    final class FlakyDisk: Sendable {
        let failing = Mutex(false)
        func sync(_ fd: Int32) -> Int32 { failing.withLock { $0 } ? EIO : (fdatasync(fd) == 0 ? 0 : errno) }
    }

    static func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("beacon-fsync-\(UUID().uuidString)")
    }

    static func waitForWaiters(_ log: WriteAheadLog, count: Int) async throws {
        let deadline = Date().addingTimeInterval(5)
        while log.waiterCount < count, Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
        try #require(log.waiterCount == count)
    }

    @Test func aFailedFsyncAnswersDurabilityUnknownAndRefusesLaterWrites() async throws {
        let disk = FlakyDisk()
        let log = try WriteAheadLog(directory: Self.directory(), policy: .always, lastSequence: 0, syncFile: { disk.sync($0) })
        let first = try log.append(.merge(anonymousID: "anon-1", user: "a@x.com"))
        log.syncIfDirty()
        try await log.waitUntilDurable(first)

        let second = try log.append(.merge(anonymousID: "anon-2", user: "b@x.com"))
        let waiting = Task { try await log.waitUntilDurable(second) }
        try await Self.waitForWaiters(log, count: 1)
        disk.failing.withLock { $0 = true }
        log.syncIfDirty()
        await #expect(throws: DurabilityUnknown.self) { try await waiting.value }
        #expect(log.storageFailure?.errno == EIO)

        // The disk answers again; the log still refuses, and says why.
        disk.failing.withLock { $0 = false }
        #expect(throws: StorageFailed.self) { try log.append(.merge(anonymousID: "anon-3", user: "c@x.com")) }
        await #expect(throws: DurabilityUnknown.self) { try await log.waitUntilDurable(second) }
        try await log.waitUntilDurable(first)   // what was on disk before the failure still is
        #expect(log.durableSequence == first)
        #expect(log.lastSequence == second)
    }

    @Test func aFailedFsyncBeforeRotationRefusesTheWriteAndFailsTheLog() throws {
        let disk = FlakyDisk()
        let log = try WriteAheadLog(directory: Self.directory(), policy: .interval, lastSequence: 0, segmentBytes: 64, syncFile: { disk.sync($0) })
        _ = try log.append(.merge(anonymousID: "anon-1", user: String(repeating: "a", count: 80)))
        disk.failing.withLock { $0 = true }
        #expect(throws: StorageFailed.self) { try log.append(.merge(anonymousID: "anon-2", user: "b@x.com")) }
        #expect(log.lastSequence == 1)
        #expect(log.storageFailure != nil)
    }

    @Test func theAnswersSayWhatHappened() {
        let cause = StorageFault(operation: "fsync of t WAL", errno: EIO)
        let unknown = DurabilityUnknown(tenant: "t", sequence: 7, cause: cause)
        #expect(unknown.status == 503 && unknown.code == "durability_unknown")
        #expect(unknown.description.contains("applied in memory") && unknown.description.contains("do not retry"))
        let failed = StorageFailed(tenant: "t", cause: cause)
        #expect(failed.status == 503 && failed.code == "storage_failed")
        #expect(failed.description.contains("read-only"))
    }
}
