/// A message as a stream stored it: its sequence in the stream, subject, headers and payload.
public struct JetStreamMessage: Sendable, Equatable {
    public var sequence: UInt64
    public var subject: String
    public var headers: NATSHeaders?
    public var payload: [UInt8]

    public init(sequence: UInt64, subject: String, headers: NATSHeaders?, payload: [UInt8]) {
        self.sequence = sequence
        self.subject = subject
        self.headers = headers
        self.payload = payload
    }
}
