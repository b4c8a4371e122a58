import Crypto
import Foundation

/// An object store bucket in the NATS layout: stream `OBJ_<bucket>`, an object's bytes as chunk
/// messages on `$O.<bucket>.C.<nuid>`, its meta record (name, size, chunk count, SHA-256 digest)
/// as the newest message on `$O.<bucket>.M.<base64url(name)>`. nats.go, nats.py and the nats CLI
/// read what this writes and the other way round.
public struct ObjectStore: Sendable {
    public let bucket: String
    public let jetStream: JetStream

    public static let defaultChunkSize = 128 * 1024

    var streamName: String { "OBJ_" + bucket }
    func chunkSubject(_ nuid: String) -> String { "$O.\(bucket).C.\(nuid)" }
    func metaSubject(_ name: String) -> String { "$O.\(bucket).M.\(Base64URL.encode(Array(name.utf8)))" }

    private init(bucket: String, jetStream: JetStream) {
        self.bucket = bucket
        self.jetStream = jetStream
    }

    /// Creates the bucket, or opens it if it exists.
    public static func create(
        _ jetStream: JetStream, bucket: String, replicas: Int = 1, ttl: Duration? = nil, storage: StreamStorage = .file
    ) async throws -> ObjectStore {
        try KeyValue.validateBucket(bucket)
        var config = StreamConfig(
            name: "OBJ_" + bucket, subjects: ["$O.\(bucket).C.>", "$O.\(bucket).M.>"], replicas: replicas, storage: storage)
        config.maxAge = ttl?.nanoseconds ?? 0
        config.discard = .new
        config.allowRollupHdrs = true
        config.allowDirect = true
        try await jetStream.addOrGetStream(config)
        return ObjectStore(bucket: bucket, jetStream: jetStream)
    }

    /// Opens an existing bucket; `JetStreamError.streamNotFound` if there is none.
    public static func open(_ jetStream: JetStream, bucket: String) async throws -> ObjectStore {
        try KeyValue.validateBucket(bucket)
        _ = try await jetStream.streamInfo("OBJ_" + bucket)
        return ObjectStore(bucket: bucket, jetStream: jetStream)
    }

    /// Stores `bytes` under `name`, replacing an earlier object of that name once the new one is
    /// complete (readers see the old or the new object, never a mix).
    @discardableResult
    public func put(_ name: String, _ bytes: [UInt8], chunkSize: Int = ObjectStore.defaultChunkSize) async throws -> ObjectInfo {
        guard !name.isEmpty else { throw JetStreamError.invalidName(name) }
        let chunkSize = max(1, min(chunkSize, jetStream.connection.serverInfo.maxPayload))
        let previous = try await self.info(name, includingDeleted: true)
        let nuid = Identifiers.nuid()
        let chunkSubject = chunkSubject(nuid)

        var chunks = 0
        do {
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunkSize, bytes.count)
                try await jetStream.publish(subject: chunkSubject, payload: Array(bytes[offset..<end]))
                chunks += 1
                offset = end
            }
        } catch {
            _ = try? await jetStream.purge(stream: streamName, subject: chunkSubject)
            throw error
        }

        let info = ObjectInfo(
            name: name, bucket: bucket, nuid: nuid, size: UInt64(bytes.count),
            mtime: Self.timestamp(), chunks: chunks, digest: Self.digest(of: bytes),
            options: ObjectInfo.Options(maxChunkSize: chunkSize))
        do {
            // Rollup keeps only this meta record on the subject.
            try await jetStream.publish(
                subject: metaSubject(name), payload: Array(JetStream.encoder().encode(info)),
                headers: [JetStreamHeader.rollup: "sub"])
        } catch {
            _ = try? await jetStream.purge(stream: streamName, subject: chunkSubject)
            throw error
        }
        if let previous, !previous.isDeleted, previous.nuid != nuid {
            try await jetStream.purge(stream: streamName, subject: self.chunkSubject(previous.nuid))
        }
        return info
    }

    /// The object's meta record; nil if there is none or the object was deleted.
    public func info(_ name: String) async throws -> ObjectInfo? {
        try await info(name, includingDeleted: false)
    }

    func info(_ name: String, includingDeleted: Bool) async throws -> ObjectInfo? {
        guard let message = try await jetStream.lastMessage(stream: streamName, subject: metaSubject(name)) else {
            return nil
        }
        let info: ObjectInfo
        do {
            info = try JetStream.decoder().decode(ObjectInfo.self, from: Data(message.payload))
        } catch {
            throw ObjectStoreError.invalidMeta(name: name, reason: "\(error)")
        }
        return info.isDeleted && !includingDeleted ? nil : info
    }

    /// The object's bytes, checked against the size and SHA-256 digest of its meta record.
    public func get(_ name: String) async throws -> [UInt8] {
        guard let info = try await self.info(name) else {
            throw ObjectStoreError.objectNotFound(bucket: bucket, name: name)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.size))
        var chunks = 0
        if info.chunks > 0 {
            for try await chunk in jetStream.messages(stream: streamName, subject: chunkSubject(info.nuid), batch: 64) {
                bytes.append(contentsOf: chunk.payload)
                chunks += 1
            }
        }
        guard UInt64(bytes.count) == info.size, chunks == info.chunks else {
            throw ObjectStoreError.sizeMismatch(name: name, expected: info.size, actual: UInt64(bytes.count))
        }
        let actual = Self.digest(of: bytes)
        guard let expected = info.digest, Self.sameDigest(expected, actual) else {
            throw ObjectStoreError.digestMismatch(name: name, expected: info.digest ?? "", actual: actual)
        }
        return bytes
    }

    /// Deletes the object: a meta record marked deleted replaces the old one, and the chunks are purged.
    public func delete(_ name: String) async throws {
        guard var info = try await self.info(name) else {
            throw ObjectStoreError.objectNotFound(bucket: bucket, name: name)
        }
        let chunkSubject = chunkSubject(info.nuid)
        info.deleted = true
        info.size = 0
        info.chunks = 0
        info.digest = ""
        info.mtime = Self.timestamp()
        try await jetStream.publish(
            subject: metaSubject(name), payload: Array(JetStream.encoder().encode(info)),
            headers: [JetStreamHeader.rollup: "sub"])
        try await jetStream.purge(stream: streamName, subject: chunkSubject)
    }

    /// Every object that is not deleted.
    public func list() async throws -> [ObjectInfo] {
        var objects: [ObjectInfo] = []
        let decoder = JetStream.decoder()
        for try await message in jetStream.lastMessagesPerSubject(
            stream: streamName, subject: "$O.\(bucket).M.>", headersOnly: false)
        {
            guard let info = try? decoder.decode(ObjectInfo.self, from: Data(message.payload)), !info.isDeleted else {
                continue
            }
            objects.append(info)
        }
        return objects
    }

    /// The bucket's stream; removes every object.
    public func destroy() async throws {
        try await jetStream.deleteStream(streamName)
    }

    static func digest(of bytes: [UInt8]) -> String {
        "SHA-256=" + Base64URL.encode(SHA256.hash(data: bytes))
    }

    /// Digests compare by their bytes: writers differ in padding and in the case of the prefix.
    static func sameDigest(_ a: String, _ b: String) -> Bool {
        func bytes(_ digest: String) -> [UInt8]? {
            guard let equals = digest.firstIndex(of: "="), digest[..<equals].uppercased() == "SHA-256" else { return nil }
            return Base64URL.decode(String(digest[digest.index(after: equals)...]))
        }
        guard let first = bytes(a), let second = bytes(b) else { return false }
        return first == second
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
