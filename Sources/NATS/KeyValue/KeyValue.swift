/// A key-value bucket kept the way every NATS client keeps one: stream `KV_<bucket>` on subjects
/// `$KV.<bucket>.>`, one subject per key, history as max_msgs_per_subject, deletes as marker
/// messages with a `KV-Operation` header. Revisions are stream sequences, so compare-and-set is
/// `Nats-Expected-Last-Subject-Sequence`.
public struct KeyValue: Sendable {
    public let bucket: String
    public let jetStream: JetStream

    static let operationHeader = "KV-Operation"

    var streamName: String { "KV_" + bucket }
    func subject(for key: String) -> String { "$KV.\(bucket).\(key)" }

    private init(bucket: String, jetStream: JetStream) {
        self.bucket = bucket
        self.jetStream = jetStream
    }

    /// Creates the bucket, or opens it if it exists. `history`: revisions kept per key (1...64);
    /// `ttl`: how long a revision lives (nil: forever).
    public static func create(
        _ jetStream: JetStream, bucket: String, history: Int = 1, replicas: Int = 1, ttl: Duration? = nil,
        storage: StreamStorage = .file
    ) async throws -> KeyValue {
        try validateBucket(bucket)
        guard (1...64).contains(history) else { throw JetStreamError.invalidName("history \(history) (1...64)") }
        var config = StreamConfig(name: "KV_" + bucket, subjects: ["$KV.\(bucket).>"], replicas: replicas, storage: storage)
        config.maxMsgsPerSubject = Int64(history)
        config.maxAge = ttl?.nanoseconds ?? 0
        // The duplicate window may not exceed max_age.
        config.duplicateWindow = min(ttl?.nanoseconds ?? Duration.seconds(120).nanoseconds, Duration.seconds(120).nanoseconds)
        config.allowRollupHdrs = true
        config.denyDelete = true
        config.allowDirect = true
        config.discard = .new
        try await jetStream.addOrGetStream(config)
        return KeyValue(bucket: bucket, jetStream: jetStream)
    }

    /// Opens an existing bucket; `JetStreamError.streamNotFound` if there is none.
    public static func open(_ jetStream: JetStream, bucket: String) async throws -> KeyValue {
        try validateBucket(bucket)
        _ = try await jetStream.streamInfo("KV_" + bucket)
        return KeyValue(bucket: bucket, jetStream: jetStream)
    }

    /// The key's newest revision, delete markers included; nil if the key was never written (or
    /// its history aged out).
    public func entry(_ key: String) async throws -> KeyValueEntry? {
        try Self.validateKey(key)
        guard let message = try await jetStream.lastMessage(stream: streamName, subject: subject(for: key)) else {
            return nil
        }
        let operation = message.headers?[Self.operationHeader].flatMap(KeyValueOperation.init(rawValue:)) ?? .put
        return KeyValueEntry(
            bucket: bucket, key: key, value: operation == .put ? message.payload : nil,
            revision: message.sequence, operation: operation)
    }

    /// The key's value and revision; nil if absent or deleted (`entry` tells the two apart).
    public func get(_ key: String) async throws -> (value: [UInt8], revision: UInt64)? {
        guard let entry = try await self.entry(key), let value = entry.value else { return nil }
        return (value, entry.revision)
    }

    /// Writes unconditionally; returns the new revision.
    @discardableResult
    public func put(_ key: String, _ value: [UInt8]) async throws -> UInt64 {
        try Self.validateKey(key)
        return try await jetStream.publish(subject: subject(for: key), payload: value).seq
    }

    /// Writes only if the key has no value: never written, or deleted/purged (then the CAS is
    /// against the marker's revision). `JetStreamError.wrongLastSequence` if it has a value.
    @discardableResult
    public func create(_ key: String, _ value: [UInt8]) async throws -> UInt64 {
        do {
            return try await update(key, value, revision: 0)
        } catch JetStreamError.wrongLastSequence(let text) {
            // Revision 0 fails against a delete marker too; retry against the marker itself.
            guard let entry = try await self.entry(key), entry.isDeleted else {
                throw JetStreamError.wrongLastSequence(text)
            }
            return try await update(key, value, revision: entry.revision)
        }
    }

    /// Writes only if the key's newest revision is `revision` (compare-and-set);
    /// `JetStreamError.wrongLastSequence` otherwise.
    @discardableResult
    public func update(_ key: String, _ value: [UInt8], revision: UInt64) async throws -> UInt64 {
        try Self.validateKey(key)
        return try await jetStream.publish(
            subject: subject(for: key), payload: value, expectedLastSubjectSequence: revision
        ).seq
    }

    /// Marks the key deleted (history stays, up to the bucket's limit); with `revision`, only if
    /// that is still the newest one.
    @discardableResult
    public func delete(_ key: String, revision: UInt64? = nil) async throws -> UInt64 {
        try Self.validateKey(key)
        let headers: NATSHeaders = [Self.operationHeader: KeyValueOperation.delete.rawValue]
        return try await jetStream.publish(
            subject: subject(for: key), payload: [], headers: headers, expectedLastSubjectSequence: revision
        ).seq
    }

    /// Deletes the key and drops its history (a marker rolls up everything before it).
    @discardableResult
    public func purge(_ key: String) async throws -> UInt64 {
        try Self.validateKey(key)
        let headers: NATSHeaders = [
            Self.operationHeader: KeyValueOperation.purge.rawValue,
            JetStreamHeader.rollup: "sub",
        ]
        return try await jetStream.publish(subject: subject(for: key), payload: [], headers: headers).seq
    }

    /// The keys that currently have a value, in the order of their newest revisions.
    public func keys() async throws -> [String] {
        let prefix = "$KV.\(bucket)."
        var keys: [String] = []
        for try await message in jetStream.lastMessagesPerSubject(stream: streamName, subject: prefix + ">", headersOnly: true) {
            let operation = message.headers?[Self.operationHeader].flatMap(KeyValueOperation.init(rawValue:)) ?? .put
            if operation == .put { keys.append(String(message.subject.dropFirst(prefix.count))) }
        }
        return keys
    }

    /// The bucket's stream; removes every key and revision.
    public func destroy() async throws {
        try await jetStream.deleteStream(streamName)
    }

    static func validateBucket(_ bucket: String) throws {
        guard !bucket.isEmpty, bucket.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else { throw JetStreamError.invalidName(bucket) }
    }

    /// Keys: letters, digits and `-/_=.`, not starting or ending with a dot.
    static func validateKey(_ key: String) throws {
        let allowed: Set<UInt8> = Set("-/_=.".utf8)
        guard !key.isEmpty, !key.hasPrefix("."), !key.hasSuffix("."), !key.contains(".."),
              key.utf8.allSatisfy({ isAlphanumeric($0) || allowed.contains($0) })
        else { throw JetStreamError.invalidName(key) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
