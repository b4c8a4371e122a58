import Foundation
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// A tenant's snapshot files: written atomically (temporary name, fsync, rename, fsync of the
/// directory), the newest `keep` kept, loaded newest first with fallback past damaged ones.
public struct SnapshotStore: Sendable {
    public let directory: URL
    public let keep: Int

    public init(directory: URL, keep: Int = 3) {
        self.directory = directory
        self.keep = max(2, keep)
    }

    public static func fileName(sequence: UInt64) -> String {
        let digits = String(sequence)
        return "snapshot-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".bsnap"
    }

    /// Snapshot files with their sequence numbers, newest first.
    public func files() -> [(name: String, sequence: UInt64)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> (String, UInt64)? in
            guard name.hasPrefix("snapshot-"), name.hasSuffix(".bsnap"), let sequence = UInt64(name.dropFirst(9).dropLast(6)) else { return nil }
            return (name, sequence)
        }.sorted { $0.1 > $1.1 }
    }

    /// Writes a snapshot of `state` atomically, streamed into the temporary file a section piece
    /// at a time, and prunes all but the newest `keep`.
    /// - Returns: the file's sections and its size in bytes.
    @discardableResult
    public func write(_ state: TenantState, header: SnapshotFile.Header) throws -> (sections: [SnapshotFile.SectionInfo], bytes: Int) {
        var sections: [SnapshotFile.SectionInfo] = []
        let bytes = try write(sequence: header.sequence) { sink in sections = try SnapshotFile.write(state, header: header, to: &sink) }
        return (sections, bytes)
    }

    /// Writes bytes made elsewhere as a snapshot (tests and tools).
    public func write(_ bytes: [UInt8], sequence: UInt64) throws {
        try write(sequence: sequence) { sink in try bytes.withUnsafeBytes { try sink.write($0) } }
    }

    /// The atomic write: `contents` fills a temporary file, which is fsynced, renamed into place
    /// and its directory fsynced; on any failure the temporary file goes and the old ones stay.
    private func write(sequence: UInt64, contents: (inout FileSnapshotSink) throws -> Void) throws -> Int {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let final = directory.appendingPathComponent(Self.fileName(sequence: sequence))
        let temporary = directory.appendingPathComponent("tmp-\(sequence)-\(getpid()).bsnap")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageFault(operation: "create \(temporary.lastPathComponent)", errno: errno) }
        var sink = FileSnapshotSink(fd: fd, name: temporary.lastPathComponent)
        do {
            try contents(&sink)
            guard fsync(fd) == 0 else { throw StorageFault(operation: "fsync \(temporary.lastPathComponent)", errno: errno) }
        } catch {
            close(fd); unlink(temporary.path)
            throw error
        }
        close(fd)
        guard rename(temporary.path, final.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw StorageFault(operation: "rename snapshot", errno: code)
        }
        FileSync.directory(directory)
        let all = files()
        for old in all.dropFirst(keep) { try? FileManager.default.removeItem(at: directory.appendingPathComponent(old.name)) }
        return sink.offset
    }

    /// Deletes every snapshot but `name`, once `name` reads back whole (after an erasure no older
    /// copy may stay). Returns how many went, or nil (and deletes nothing) when `name` does not verify.
    public func removeAll(except name: String) -> Int? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(name), options: .alwaysMapped),
              (try? SnapshotFile.read(data, name: name, settings: nil, decode: false)) != nil else { return nil }
        var removed = 0
        for file in files() where file.name != name {
            if (try? FileManager.default.removeItem(at: directory.appendingPathComponent(file.name))) != nil { removed += 1 }
        }
        FileSync.directory(directory)
        return removed
    }

    /// The WAL position of the second-newest snapshot that verifies: WAL records up to it are
    /// covered twice over and may be deleted.
    public func safeWALTruncation() -> UInt64? {
        var verified = 0
        for file in files() {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(file.name), options: .alwaysMapped),
                  let read = try? SnapshotFile.read(data, name: file.name, settings: nil, decode: false) else { continue }
            verified += 1
            if verified == 2 { return read.header.walPosition }
        }
        return nil
    }

    /// Deletes temporary files left by a snapshot that a crash interrupted.
    public func removeTemporaryFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix("tmp-") && name.hasSuffix(".bsnap") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    public struct Loaded {
        public var state: TenantState
        public var header: SnapshotFile.Header
        public var file: String
        public var bytes: Int
    }

    /// The newest snapshot that verifies and decodes, and the damage met on the way to it.
    public func loadNewest(settings: TenantSettings) -> (loaded: Loaded?, skipped: [SnapshotFile.Damage]) {
        var skipped: [SnapshotFile.Damage] = []
        for file in files() {
            let url = directory.appendingPathComponent(file.name)
            do {
                let data = try Data(contentsOf: url, options: .alwaysMapped)
                let read = try SnapshotFile.read(data, name: file.name, settings: settings, decode: true)
                return (Loaded(state: read.state!, header: read.header, file: file.name, bytes: data.count), skipped)
            } catch let damage as SnapshotFile.Damage {
                skipped.append(damage)
            } catch {
                skipped.append(SnapshotFile.Damage(file: file.name, reason: "\(error)"))
            }
        }
        return (nil, skipped)
    }
}
