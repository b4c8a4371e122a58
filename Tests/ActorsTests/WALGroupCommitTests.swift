import Foundation
import Synchronization
import Testing
@testable import Actors
@testable import Snapshot
#if canImport(Glibc)
import Glibc
#endif

/// Under `always`, every write returns once an fsync covers it, without waiting for a later write.
@Suite(.serialized) struct WALGroupCommitTests {
    /// Appends from one place, as the tenant's actor does.
    actor Appender {
        let log: WriteAheadLog
        var next = 0
        init(log: WriteAheadLog) { self.log = log }
        func append() throws -> UInt64 {
            next += 1
            return try log.append(.merge(anonymousID: "anon-\(next)", user: "u\(next)@x.com"))
        }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
    }

    final class Appended: Sendable {
        let value = Mutex<[(sequence: UInt64, at: ContinuousClock.Instant)]>([])
    }

    static func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("beacon-group-\(UUID().uuidString)")
    }

    /// Watches, from a thread of its own, when each sequence becomes durable: the cooperative pool
    /// may be busy with other tests, so the time a write's task resumes says little about the log.
    final class DurabilityWatch: @unchecked Sendable {
        private let log: WriteAheadLog
        private let seen = Mutex<[(sequence: UInt64, at: ContinuousClock.Instant)]>([])
        private let stopped = Mutex(false)
        private let finished = DispatchSemaphore(value: 0)

        init(log: WriteAheadLog) {
            self.log = log
            Thread { [self] in
                var last: UInt64 = 0
                var stopping = false
                repeat {
                    stopping = stopped.withLock { $0 }   // one more look after `stop`, for the last writes
                    let durable = log.durableSequence
                    if durable > last { last = durable; seen.withLock { $0.append((durable, .now)) } }
                    usleep(200)
                } while !stopping
                finished.signal()
            }.start()
        }

        func stop() { stopped.withLock { $0 = true }; finished.wait() }

        /// When `sequence` was first seen durable.
        func durableAt(_ sequence: UInt64) -> ContinuousClock.Instant? {
            seen.withLock { $0.first { $0.sequence >= sequence }?.at }
        }
    }

    /// Bursts of concurrent writers; after each burst nobody writes until it has returned, so a
    /// write the syncer missed would wait for the next burst's writes (or forever).
    @Test func theLastWriteOfEveryBurstReturnsWithinASecond() async throws {
        let log = try WriteAheadLog(directory: Self.directory(), policy: .always, lastSequence: 0)
        let syncer = WALSyncer(log: log, intervalMs: 100)
        let watch = DurabilityWatch(log: log)
        let appender = Appender(log: log)
        let appended = Appended()
        var slowestBurst: Duration = .zero
        for _ in 0..<60 {
            let started = ContinuousClock.now
            let done = Counter()
            // Should a burst hang, one more write unblocks it so the test ends (and fails below).
            let rescue = Task {
                try await Task.sleep(for: .seconds(2))
                if done.value.withLock({ $0 }) == 0 { try await log.waitUntilDurable(try await appender.append()) }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        for _ in 0..<Int.random(in: 1...4) {
                            let sequence = try await appender.append()
                            appended.value.withLock { $0.append((sequence, .now)) }
                            try await log.waitUntilDurable(sequence)
                        }
                    }
                }
                try await group.waitForAll()
            }
            done.value.withLock { $0 = 1 }
            rescue.cancel()
            slowestBurst = max(slowestBurst, ContinuousClock.now - started)
        }
        watch.stop()
        syncer.stop()
        // Every write, the last of each burst included, was on disk within a second of being appended.
        let late = appended.value.withLock { $0 }.filter { write in
            guard let durable = watch.durableAt(write.sequence) else { return true }
            return durable - write.at >= .seconds(1)
        }
        #expect(late.isEmpty, "\(late.count) writes waited a second or more for their fsync (slowest burst: \(slowestBurst))")
        #expect(log.durableSequence == log.lastSequence)
        #expect(log.waiterCount == 0)
    }

    /// The syncer sleeps until a writer waits: a write that lands while an fsync runs is covered
    /// by the next fsync, with no other write to prompt it.
    @Test func aWriteLandingDuringAnFsyncIsSyncedByTheNext() async throws {
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let calls = Counter()
        let log = try WriteAheadLog(directory: Self.directory(), policy: .always, lastSequence: 0) { fd in
            if calls.value.withLock({ $0 += 1; return $0 }) == 1 { entered.signal(); release.wait() }
            return fdatasync(fd) == 0 ? 0 : errno
        }
        let syncer = WALSyncer(log: log, intervalMs: 100)
        defer { syncer.stop() }
        let first = try log.append(.merge(anonymousID: "anon-1", user: "a@x.com"))
        let firstDone = Task { try await log.waitUntilDurable(first) }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in DispatchQueue.global().async { entered.wait(); c.resume() } }
        let second = try log.append(.merge(anonymousID: "anon-2", user: "b@x.com"))
        let secondDone = Task { try await log.waitUntilDurable(second) }
        while log.waiterCount < 2 { try await Task.sleep(for: .milliseconds(1)) }
        release.signal()
        let started = ContinuousClock.now
        try await firstDone.value
        try await secondDone.value
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(calls.value.withLock { $0 } == 2)
        #expect(log.durableSequence == second)
    }
}
