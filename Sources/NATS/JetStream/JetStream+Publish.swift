/// The stream's acknowledgement of a stored message.
public struct PubAck: Decodable, Sendable, Equatable {
    public var stream: String
    public var seq: UInt64
    /// True when the Nats-Msg-Id was already seen within the duplicate window: nothing new was
    /// stored and `seq` is the sequence of the first copy.
    public var duplicate: Bool

    enum CodingKeys: String, CodingKey {
        case stream, seq, duplicate
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decode(String.self, forKey: .stream)
        seq = try container.decode(UInt64.self, forKey: .seq)
        duplicate = try container.decodeIfPresent(Bool.self, forKey: .duplicate) ?? false
    }
}

/// Header names JetStream reads on publish.
public enum JetStreamHeader {
    public static let messageID = "Nats-Msg-Id"
    public static let expectedLastSequence = "Nats-Expected-Last-Sequence"
    public static let expectedLastSubjectSequence = "Nats-Expected-Last-Subject-Sequence"
    public static let expectedStream = "Nats-Expected-Stream"
    public static let rollup = "Nats-Rollup"
}

extension JetStream {
    /// A publish's reply read as its ack: the stored sequence, or the stream's refusal as a
    /// `JetStreamError` (for callers that publish with their own reply subjects).
    public static func pubAck(from reply: NATSMessage) throws -> PubAck {
        if reply.status == 503 { throw JetStreamError.noResponders("'\(reply.subject)' (no stream captures it, or its leader is away)") }
        return try decodeReply(reply.payload, what: "publish ack")
    }

    /// Publishes to a stream's subject and waits for the stream to store it.
    /// - `msgID`: deduplication within the stream's duplicate window (`PubAck.duplicate`).
    /// - `expectedLastSubjectSequence`: store only if the newest message on this subject has this
    ///   sequence (0: there is none), else `JetStreamError.wrongLastSequence`.
    /// - `expectedLastSequence`: the same check against the whole stream's last sequence.
    @discardableResult
    public func publish(
        subject: String,
        payload: [UInt8],
        headers: NATSHeaders? = nil,
        msgID: String? = nil,
        expectedLastSubjectSequence: UInt64? = nil,
        expectedLastSequence: UInt64? = nil
    ) async throws -> PubAck {
        var allHeaders = headers ?? NATSHeaders()
        if let msgID { allHeaders.set(JetStreamHeader.messageID, msgID) }
        if let expectedLastSubjectSequence {
            allHeaders.set(JetStreamHeader.expectedLastSubjectSequence, String(expectedLastSubjectSequence))
        }
        if let expectedLastSequence {
            allHeaders.set(JetStreamHeader.expectedLastSequence, String(expectedLastSequence))
        }
        let reply: NATSMessage
        do {
            reply = try await connection.request(
                subject, headers: allHeaders.isEmpty ? nil : allHeaders, payload: payload, timeout: timeout)
        } catch NATSError.noResponders {
            throw JetStreamError.noResponders("'\(subject)' (no stream captures it, or its leader is away)")
        }
        return try Self.decodeReply(reply.payload, what: "publish to '\(subject)'")
    }
}
