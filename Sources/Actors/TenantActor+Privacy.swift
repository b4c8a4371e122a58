import Crypto
import Foundation
import Runtime
import Snapshot

/// Anonymizing a user (docs/privacy.md): the edit, then the erasure of every older copy on disk.
extension TenantActor {
    public struct Anonymized: Sendable {
        /// The name the user goes by now: `anon-` and 32 hex digits of a keyed hash of the email.
        public var name: String
        public var eventsKept: Int
        /// Of the user's events, those that had properties (cleared now).
        public var eventsCleared: Int
        /// Older snapshots and WAL segments deleted; nil for a tenant that keeps nothing on disk.
        public var snapshotsRemoved: Int?
        public var walSegmentsRemoved: Int?
    }

    public func anonymize(email: String) async throws -> Anonymized {
        try requireReady()
        guard state.privacyUser(email) != nil else { throw DataEditRefusal.unknownUser(email) }
        if state.catalog.privacyKey.isEmpty {
            var generator = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try await editData { _, _ in .privacyKey(key) }
        }
        let name = Self.hashName(email, key: state.catalog.privacyKey)
        let done = try await editData { state, now in
            guard let user = state.privacyUser(email) else { throw DataEditRefusal.unknownUser(email) }
            return .anonymize(user: user, name: name, nowMs: now)
        }
        let erased = try await eraseOlderCopies()
        return Anonymized(name: name, eventsKept: done.kept, eventsCleared: done.affected, snapshotsRemoved: erased?.snapshots, walSegmentsRemoved: erased?.segments)
    }

    /// HMAC-SHA256 of the lowercased email under the tenant's privacy key, 16 bytes of it in hex.
    static func hashName(_ email: String, key: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(email.lowercased().utf8), using: SymmetricKey(data: key))
        return "anon-" + code.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Moves the WAL to a new segment, writes a snapshot (waiting out one in flight) and reads it
    /// back, then deletes every older snapshot and every WAL segment before the new one: what
    /// they held before the erasure is gone from disk. Nil for a tenant without storage.
    func eraseOlderCopies() async throws -> (snapshots: Int, segments: Int)? {
        guard let log = localWAL, let store = snapshotter?.store else { return nil }
        try log.rotateNow()
        var report: SnapshotReport?
        for _ in 0..<1_200 {
            report = try await snapshot()
            if report != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let report, let snapshots = store.removeAll(except: report.file) else {
            throw ErasureIncomplete(tenant: settings.id, reason: "the snapshot after the erasure could not be written and read back")
        }
        let before = WALReader.segments(in: log.directory).count
        log.deleteSegments(upTo: report.walPosition)
        let segments = before - WALReader.segments(in: log.directory).count
        logger.notice("erased older copies after an anonymization", metadata: ["tenant": "\(settings.id)", "snapshots": "\(snapshots)", "segments": "\(segments)"])
        return (snapshots, segments)
    }
}

/// The data was anonymized in memory and in the WAL, but older copies on disk could not be
/// removed: a 503, so the client asks again (the next snapshot retries the erasure's first step).
public struct ErasureIncomplete: AnsweredStorageError {
    public var tenant: String
    public var reason: String
    public var status: Int { 503 }
    public var code: String { "erasure_incomplete" }
    public var description: String { "tenant \(tenant): the user is anonymized, but \(reason); older copies may remain on disk" }
}
