import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// When the WAL reaches the disk, as with Redis's `appendfsync`.
public enum FsyncPolicy: String, Sendable {
    /// fsync before every answer; concurrent writers share one fsync (group commit).
    case always
    /// fsync every `interval`: a crash of the machine loses at most that much; a crash of the process loses nothing.
    case interval
    /// never fsync; the OS writes when it likes.
    case none
}

/// A tenant's write-ahead log: numbered segment files of framed, checksummed records.
/// Appends come from the tenant's actor only; fsyncs run on the syncer's thread (WALSyncer).
///
/// After a failed fsync the log refuses every further append (`StorageFailed`) and answers the
/// writers waiting for that fsync with `DurabilityUnknown`: the kernel may have dropped the pages
/// it could not write, so a later fsync that succeeds proves nothing about them.
public final class WriteAheadLog: @unchecked Sendable {
    public let directory: URL
    public let policy: FsyncPolicy
    let segmentBytes: Int
    /// fdatasync(2), injectable so tests can fail it; returns 0 or an errno.
    private let syncFile: @Sendable (Int32) -> Int32
    /// Touched by the appending actor only.
    private var segmentSize = 0
    public private(set) var lastSequence: UInt64
    /// Guards `shared`; the syncer sleeps on it until a writer waits for an fsync.
    private let lock = NSCondition()
    private var shared = Shared()

    typealias Waiter = (sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)

    struct Shared {
        var fd: Int32 = -1
        var written: UInt64 = 0
        /// The newest record an fsync was started for: records up to it need no other fsync.
        var claimed: UInt64 = 0
        var synced: UInt64 = 0
        var waiters: [Waiter] = []
        /// The first failed fsync; never cleared (see the type's comment).
        var failure: StorageFault?
        /// The descriptor an fsync runs on outside the lock: a rotation meanwhile leaves it for the syncer to close.
        var syncingFD: Int32 = -1
        var retiredFD: Int32 = -1
        var stopping = false
    }

    /// Opens the log for appending after `lastSequence` (the last record recovery saw).
    /// - Parameter syncFile: fdatasync(2) by default; returns 0 or an errno.
    public init(directory: URL, policy: FsyncPolicy, lastSequence: UInt64, segmentBytes: Int = 64 << 20,
                syncFile: @escaping @Sendable (Int32) -> Int32 = { fdatasync($0) == 0 ? 0 : errno }) throws {
        self.directory = directory
        self.policy = policy
        self.segmentBytes = segmentBytes
        self.lastSequence = lastSequence
        self.syncFile = syncFile
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        shared.written = lastSequence; shared.claimed = lastSequence; shared.synced = lastSequence
        let (fd, size) = try openSegment(firstSequence: lastSequence + 1)
        shared.fd = fd
        segmentSize = size
    }

    deinit {
        if shared.fd >= 0 { close(shared.fd) }
        if shared.retiredFD >= 0 { close(shared.retiredFD) }
    }

    private var tenant: String { directory.deletingLastPathComponent().lastPathComponent }

    private func locked<T>(_ body: (inout Shared) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&shared)
    }

    /// Appends one record; returns its sequence number.
    /// - Throws: `RecordTooLarge` when the record would exceed `WALFormat.maxPayload` (nothing is
    ///   written); `StorageFault` when the bytes could not be written whole (the file is cut back,
    ///   so no partial record stays); `StorageFailed` after a failed fsync.
    public func append(_ mutation: Mutation) throws -> UInt64 {
        let payload = mutation.encodedPayload()
        guard payload.count <= WALFormat.maxPayload else { throw RecordTooLarge(bytes: payload.count, limit: WALFormat.maxPayload) }
        let sequence = lastSequence + 1
        let frame = WALFormat.frame(type: mutation.typeCode, sequence: sequence, payload: payload)
        try locked { state in
            if let failure = state.failure { throw StorageFailed(tenant: tenant, cause: failure) }
            if segmentSize >= segmentBytes { try rotate(&state, firstSequence: sequence) }
            let written = frame.withUnsafeBytes { writeAll(state.fd, $0) }
            if written != frame.count {
                let code = errno
                _ = ftruncate(state.fd, off_t(segmentSize))
                throw StorageFault(operation: "write to \(tenant) WAL", errno: code == 0 ? EIO : code)
            }
            state.written = sequence
        }
        segmentSize += frame.count
        lastSequence = sequence
        return sequence
    }

    /// Returns once `sequence` is on disk (policy `always`); concurrent callers share one fsync.
    /// - Throws: `DurabilityUnknown` when the fsync that should cover `sequence` failed.
    public func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ready: Result<Void, any Error>? = locked { state in
                if state.synced >= sequence { return .success(()) }
                if let failure = state.failure { return .failure(DurabilityUnknown(tenant: tenant, sequence: sequence, cause: failure)) }
                state.waiters.append((sequence, continuation))
                lock.signal()
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// fsyncs the current segment if anything was written since the last fsync began, then wakes
    /// the writers it covers. What it covers is claimed in the same critical section that reads
    /// it, so a record written meanwhile stays due for the next fsync.
    public func syncIfDirty() {
        let claim: (fd: Int32, target: UInt64)? = locked { state in
            guard state.failure == nil, state.written > state.claimed else { return nil }
            state.claimed = state.written
            state.syncingFD = state.fd
            return (state.fd, state.written)
        }
        guard let claim else { return }
        let code = syncFile(claim.fd)
        var failure: StorageFault?
        let woken: [Waiter] = locked { state in
            state.syncingFD = -1
            if state.retiredFD >= 0 { close(state.retiredFD); state.retiredFD = -1 }
            guard code == 0 else {
                let fault = StorageFault(operation: "fsync of \(tenant) WAL", errno: code)
                failure = fault
                return fail(&state, fault)
            }
            state.synced = max(state.synced, claim.target)
            let synced = state.synced
            let ready = state.waiters.filter { $0.sequence <= synced }
            state.waiters.removeAll { $0.sequence <= synced }
            return ready
        }
        resume(woken, failedWith: failure)
    }

    /// Blocks the syncer until a writer waits for a record no fsync covers yet (`deadline` nil),
    /// or until `deadline`. Returns false once `stopSyncing` was called.
    public func awaitSyncDemand(until deadline: Date?) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while !shared.stopping {
            if let deadline {
                if !lock.wait(until: deadline) { return true }
            } else {
                let claimed = shared.claimed
                if shared.failure == nil, shared.waiters.contains(where: { $0.sequence > claimed }) { return true }
                lock.wait()
            }
        }
        return false
    }

    /// Wakes the syncer for good: `awaitSyncDemand` returns false from now on.
    public func stopSyncing() {
        locked { $0.stopping = true }
        lock.broadcast()
    }

    /// The newest record known to be on disk.
    public var durableSequence: UInt64 { locked { $0.synced } }

    /// Writers waiting for an fsync (for tests).
    var waiterCount: Int { locked { $0.waiters.count } }

    /// The failed fsync that made the log refuse writes, if one did.
    public var storageFailure: StorageFault? { locked { $0.failure } }

    /// Starts a new segment now, so every record so far sits in older ones: an erasure deletes
    /// them once a snapshot covers them.
    public func rotateNow() throws {
        try locked { state in
            if let failure = state.failure { throw StorageFailed(tenant: tenant, cause: failure) }
            try rotate(&state, firstSequence: lastSequence + 1)
        }
    }

    /// Deletes segments whose records all have sequence ≤ `sequence` (they are in a snapshot).
    public func deleteSegments(upTo sequence: UInt64) {
        let names = WALReader.segments(in: directory)
        for (i, name) in names.enumerated() where i + 1 < names.count {
            guard let nextFirst = WALFormat.firstSequence(ofSegment: names[i + 1]), nextFirst <= sequence + 1 else { continue }
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Records the failure and hands back every waiter: their writes are applied, their durability unknown.
    private func fail(_ state: inout Shared, _ fault: StorageFault) -> [Waiter] {
        if state.failure == nil { state.failure = fault }
        let all = state.waiters
        state.waiters = []
        return all
    }

    private func resume(_ waiters: [Waiter], failedWith failure: StorageFault?) {
        for waiter in waiters {
            if let failure {
                waiter.continuation.resume(throwing: DurabilityUnknown(tenant: tenant, sequence: waiter.sequence, cause: failure))
            } else {
                waiter.continuation.resume()
            }
        }
    }

    /// Starts the next segment; called under the lock. The old segment is fsynced first, so an
    /// fsync of the new one covers every record before it. A failed open keeps the old segment;
    /// a failed fsync fails the log (resuming a continuation under the lock only schedules it).
    private func rotate(_ state: inout Shared, firstSequence: UInt64) throws {
        let code = syncFile(state.fd)
        if code != 0 {
            let fault = StorageFault(operation: "fsync of \(tenant) WAL before rotation", errno: code)
            let orphaned = fail(&state, fault)
            resume(orphaned, failedWith: fault)
            throw StorageFailed(tenant: tenant, cause: fault)
        }
        let (fd, size) = try openSegment(firstSequence: firstSequence)
        if state.syncingFD == state.fd { state.retiredFD = state.fd } else { close(state.fd) }
        state.fd = fd
        segmentSize = size
    }

    /// Opens (creating it with its header when new) the segment starting at `firstSequence`.
    private func openSegment(firstSequence: UInt64) throws -> (fd: Int32, size: Int) {
        let path = directory.appendingPathComponent(WALFormat.segmentName(firstSequence: firstSequence)).path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageFault(operation: "open \(path)", errno: errno) }
        var size = Int(lseek(fd, 0, SEEK_END))
        if size < WALFormat.segmentHeaderSize {
            // New, or a header cut short by a crash before any record followed it.
            let header = WALFormat.segmentHeader
            if size > 0 { _ = ftruncate(fd, 0) }
            guard header.withUnsafeBytes({ writeAll(fd, $0) }) == header.count else {
                let code = errno
                _ = ftruncate(fd, 0)
                close(fd)
                throw StorageFault(operation: "write the header of \(path)", errno: code == 0 ? EIO : code)
            }
            size = header.count
        }
        FileSync.directory(directory)
        return (fd, size)
    }
}

/// write(2) until every byte is out or an error stops it; returns the bytes written.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 { if errno == EINTR { continue }; return done }
        if n == 0 { return done }
        done += n
    }
    return done
}

/// fsync of directories, so renames and new files survive a crash.
public enum FileSync {
    public static func directory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
