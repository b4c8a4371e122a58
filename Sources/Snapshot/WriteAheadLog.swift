import Foundation
import Synchronization
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

/// The write failed: nothing was logged, and the write must not be acknowledged.
public struct StorageFault: Error, CustomStringConvertible {
    public var operation: String
    public var errno: Int32
    public var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}

/// A tenant's write-ahead log: numbered segment files of framed, checksummed records.
/// Appends come from the tenant's actor only; fsyncs may run on another thread.
public final class WriteAheadLog: @unchecked Sendable {
    public let directory: URL
    public let policy: FsyncPolicy
    let segmentBytes: Int
    private var fd: Int32 = -1
    private var segmentSize = 0
    public private(set) var lastSequence: UInt64
    /// Sequence numbers written and synced, shared with the fsync thread.
    private let progress = Mutex(Progress())

    struct Progress {
        var written: UInt64 = 0
        var synced: UInt64 = 0
        var dirty = false
        var waiters: [(UInt64, CheckedContinuation<Void, any Error>)] = []
        var failure: StorageFault?
    }

    /// Opens the log for appending after `lastSequence` (the last record recovery saw).
    public init(directory: URL, policy: FsyncPolicy, lastSequence: UInt64, segmentBytes: Int = 64 << 20) throws {
        self.directory = directory
        self.policy = policy
        self.segmentBytes = segmentBytes
        self.lastSequence = lastSequence
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        progress.withLock { $0.written = lastSequence; $0.synced = lastSequence }
        try openSegment(firstSequence: lastSequence + 1)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends one record; returns its sequence number. Throws `StorageFault` when the bytes could
    /// not be written whole, in which case the file is cut back so no partial record stays.
    public func append(_ mutation: Mutation) throws -> UInt64 {
        let sequence = lastSequence + 1
        if segmentSize >= segmentBytes { try rotate(firstSequence: sequence) }
        let frame = WALFormat.frame(type: mutation.typeCode, sequence: sequence, payload: mutation.encodedPayload())
        let written = frame.withUnsafeBytes { writeAll(fd, $0) }
        if written != frame.count {
            let code = errno
            _ = ftruncate(fd, off_t(segmentSize))
            throw StorageFault(operation: "write to \(directory.lastPathComponent) WAL", errno: code == 0 ? EIO : code)
        }
        segmentSize += frame.count
        lastSequence = sequence
        progress.withLock { $0.written = sequence; $0.dirty = true }
        return sequence
    }

    /// Returns once `sequence` is on disk (policy `always`); concurrent callers share one fsync.
    public func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ready: Result<Void, any Error>? = progress.withLock { state in
                if let failure = state.failure { return .failure(failure) }
                if state.synced >= sequence { return .success(()) }
                state.waiters.append((sequence, continuation))
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// fsyncs the current segment if anything was written since the last fsync, then wakes the
    /// writers waiting for it. Called by the group-commit loop and the interval timer.
    public func syncIfDirty() {
        let (target, dirty, fd) = progress.withLock { state in (state.written, state.dirty, self.fd) }
        guard dirty else { return }
        progress.withLock { $0.dirty = false }
        let ok = fdatasync(fd) == 0
        let code = errno
        let woken: [(UInt64, CheckedContinuation<Void, any Error>)] = progress.withLock { state in
            if ok {
                state.synced = max(state.synced, target)
                state.failure = nil
                let ready = state.waiters.filter { $0.0 <= state.synced }
                state.waiters.removeAll { $0.0 <= state.synced }
                return ready
            }
            state.failure = StorageFault(operation: "fsync of \(directory.lastPathComponent) WAL", errno: code)
            state.dirty = true
            let all = state.waiters
            state.waiters = []
            return all
        }
        for (_, continuation) in woken {
            if ok { continuation.resume() } else { continuation.resume(throwing: StorageFault(operation: "fsync", errno: code)) }
        }
    }

    /// Whether writers are waiting for an fsync.
    public var hasWaiters: Bool { progress.withLock { !$0.waiters.isEmpty } }

    /// Deletes segments whose records all have sequence ≤ `sequence` (they are in a snapshot).
    public func deleteSegments(upTo sequence: UInt64) {
        let names = WALReader.segments(in: directory)
        for (i, name) in names.enumerated() where i + 1 < names.count {
            guard let nextFirst = WALFormat.firstSequence(ofSegment: names[i + 1]), nextFirst <= sequence + 1 else { continue }
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    private func rotate(firstSequence: UInt64) throws {
        if fdatasync(fd) != 0 { throw StorageFault(operation: "fsync before WAL rotation", errno: errno) }
        close(fd)
        try openSegment(firstSequence: firstSequence)
    }

    private func openSegment(firstSequence: UInt64) throws {
        let path = directory.appendingPathComponent(WALFormat.segmentName(firstSequence: firstSequence)).path
        let newFD = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard newFD >= 0 else { throw StorageFault(operation: "open \(path)", errno: errno) }
        fd = newFD
        segmentSize = Int(lseek(fd, 0, SEEK_END))
        FileSync.directory(directory)
    }

    /// Reopens the current segment after a storage fault (e.g. the disk was full and has room again).
    public func reopen() throws {
        if fd >= 0 { close(fd) }
        try openSegment(firstSequence: lastSequence + 1)
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
