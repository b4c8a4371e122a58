/// One message as delivered by the server (MSG or HMSG).
public struct NATSMessage: Sendable, Equatable {
    public var subject: String
    /// The subject to answer on, if the publisher asked for an answer.
    public var reply: String?
    /// Headers, when the message came as HMSG and carried any fields.
    public var headers: NATSHeaders?
    /// The status code from the header line (`NATS/1.0 503`): 503 no responders, 404/408/409 pull
    /// replies from JetStream. nil for ordinary messages.
    public var status: Int?
    public var statusDescription: String?
    public var payload: [UInt8]

    public init(
        subject: String, reply: String? = nil, headers: NATSHeaders? = nil,
        status: Int? = nil, statusDescription: String? = nil, payload: [UInt8]
    ) {
        self.subject = subject
        self.reply = reply
        self.headers = headers
        self.status = status
        self.statusDescription = statusDescription
        self.payload = payload
    }

    /// The payload read as UTF-8.
    public var payloadString: String { String(decoding: payload, as: UTF8.self) }
}
