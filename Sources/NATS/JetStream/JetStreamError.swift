/// Failures of JetStream calls. The server's API errors carry an `err_code`; the ones a caller
/// acts on get their own case, the rest come as `.api`.
public enum JetStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// err_code 10071: a `Nats-Expected-Last-Sequence` / `-Last-Subject-Sequence` check failed
    /// (also a KV compare-and-set that lost the race).
    case wrongLastSequence(String)
    /// err_code 10070: `Nats-Expected-Last-Msg-Id` did not match.
    case wrongLastMessageID(String)
    /// err_code 10059.
    case streamNotFound(String)
    /// err_code 10014.
    case consumerNotFound(String)
    /// err_code 10058: a stream of that name exists with another configuration.
    case streamNameInUse(String)
    /// Any other error reply: HTTP-like `code`, JetStream `errorCode`, the server's description.
    case api(code: Int, errorCode: Int, description: String)
    /// Nobody answered on the API subject or a stream subject: JetStream is off, the stream has
    /// no leader at the moment, or no stream captures the subject.
    case noResponders(String)
    /// The server's reply was not the JSON expected.
    case invalidResponse(String)
    /// A bucket, key or object name that JetStream's conventions do not allow.
    case invalidName(String)

    /// The JetStream err_code, where the server gave one.
    public var errorCode: Int? {
        switch self {
        case .wrongLastSequence: 10071
        case .wrongLastMessageID: 10070
        case .streamNotFound: 10059
        case .consumerNotFound: 10014
        case .streamNameInUse: 10058
        case .api(_, let errorCode, _): errorCode
        default: nil
        }
    }

    init(code: Int, errorCode: Int, description: String) {
        switch errorCode {
        case 10071: self = .wrongLastSequence(description)
        case 10070: self = .wrongLastMessageID(description)
        case 10059: self = .streamNotFound(description)
        case 10014: self = .consumerNotFound(description)
        case 10058: self = .streamNameInUse(description)
        default: self = .api(code: code, errorCode: errorCode, description: description)
        }
    }

    public var description: String {
        switch self {
        case .wrongLastSequence(let text): "JetStream: wrong last sequence (\(text))"
        case .wrongLastMessageID(let text): "JetStream: wrong last message id (\(text))"
        case .streamNotFound(let text): "JetStream: stream not found (\(text))"
        case .consumerNotFound(let text): "JetStream: consumer not found (\(text))"
        case .streamNameInUse(let text): "JetStream: stream name in use (\(text))"
        case .api(let code, let errorCode, let text): "JetStream API error \(code)/\(errorCode): \(text)"
        case .noResponders(let what): "JetStream: no responders for \(what)"
        case .invalidResponse(let what): "JetStream: unexpected reply: \(what)"
        case .invalidName(let name): "JetStream: invalid name '\(name)'"
        }
    }
}
