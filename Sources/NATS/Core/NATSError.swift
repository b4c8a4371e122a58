/// Everything the core client can fail with. Each case carries enough text to say what went wrong
/// without a debugger: the subject, the server's own words, or what timed out.
public enum NATSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The TCP connection or the INFO/CONNECT/PING handshake did not succeed.
    case connectionFailed(String)
    /// The connection is gone; every call still waiting on it fails with this.
    case connectionClosed(String)
    /// A request, flush or handshake got no answer in time.
    case timeout(String)
    /// A request went to a subject nobody listens on (the server's 503 status reply).
    case noResponders(subject: String)
    /// The server sent `-ERR`.
    case serverError(String)
    /// The server sent bytes that are not NATS protocol.
    case protocolViolation(String)
    /// A subject or queue name with spaces, control characters or empty tokens.
    case invalidSubject(String)
    /// A header name or value that would break the header block (CR, LF, or a colon in a name).
    case invalidHeader(String)
    /// A payload (headers included) larger than the server's max_payload.
    case payloadTooLarge(size: Int, limit: Int)

    public var description: String {
        switch self {
        case .connectionFailed(let why): "NATS connection failed: \(why)"
        case .connectionClosed(let why): "NATS connection closed: \(why)"
        case .timeout(let what): "NATS timed out: \(what)"
        case .noResponders(let subject): "NATS: no responders on subject '\(subject)'"
        case .serverError(let text): "NATS server error: \(text)"
        case .protocolViolation(let what): "NATS protocol violation: \(what)"
        case .invalidSubject(let subject): "NATS: invalid subject '\(subject)'"
        case .invalidHeader(let header): "NATS: invalid header '\(header)'"
        case .payloadTooLarge(let size, let limit): "NATS: payload of \(size) bytes exceeds the server's max_payload of \(limit)"
        }
    }
}
