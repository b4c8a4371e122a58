extension JetStream {
    /// Creates the stream, or returns the existing one of that name. Creating with the very same
    /// configuration succeeds on the server too; with a different one the existing stream is kept
    /// as it is and returned (compare `config` if that matters).
    @discardableResult
    public func createStream(
        name: String,
        subjects: [String],
        replicas: Int = 1,
        maxMsgsPerSubject: Int64? = nil,
        storage: StreamStorage = .file
    ) async throws -> StreamInfo {
        var config = StreamConfig(name: name, subjects: subjects, replicas: replicas, storage: storage)
        if let maxMsgsPerSubject { config.maxMsgsPerSubject = maxMsgsPerSubject }
        return try await addOrGetStream(config)
    }

    /// Creates a stream from a full configuration, or returns the one that already has its name.
    @discardableResult
    public func addOrGetStream(_ config: StreamConfig) async throws -> StreamInfo {
        try Self.validateStreamName(config.name)
        do {
            return try await call("STREAM.CREATE.\(config.name)", config)
        } catch JetStreamError.streamNameInUse {
            return try await streamInfo(config.name)
        }
    }

    /// The stream's configuration and state (message count, first and last sequence).
    public func streamInfo(_ name: String) async throws -> StreamInfo {
        try Self.validateStreamName(name)
        return try await call("STREAM.INFO.\(name)")
    }

    public func deleteStream(_ name: String) async throws {
        try Self.validateStreamName(name)
        let _: SuccessResponse = try await call("STREAM.DELETE.\(name)")
    }

    /// Removes messages, optionally only those on `subject`: all of them, all but the newest
    /// `keep`, or those below sequence `upToSequence` (that one stays). Returns how many went.
    @discardableResult
    public func purge(stream: String, subject: String? = nil, keep: UInt64? = nil, upToSequence: UInt64? = nil) async throws -> UInt64 {
        try Self.validateStreamName(stream)
        struct Request: Encodable {
            var filter: String?
            var seq: UInt64?
            var keep: UInt64?
        }
        struct Response: Decodable {
            var success: Bool
            var purged: UInt64
        }
        let response: Response = try await call(
            "STREAM.PURGE.\(stream)", Request(filter: subject, seq: upToSequence, keep: keep))
        return response.purged
    }

    /// Stream names become subject tokens, so no dots, wildcards or blanks.
    static func validateStreamName(_ name: String) throws {
        guard !name.isEmpty, !name.contains(where: { ".*> \t\r\n".contains($0) }) else {
            throw JetStreamError.invalidName(name)
        }
    }
}
