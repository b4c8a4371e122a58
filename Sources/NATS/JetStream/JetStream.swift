import Foundation

/// JetStream over one connection: streams, publishing with acknowledgement, reading stored
/// messages. Calls go to the `$JS.API.*` subjects as JSON requests.
public struct JetStream: Sendable {
    public let connection: NATSConnection
    /// How long each API call or acknowledged publish waits for its answer.
    public var timeout: Duration
    let apiPrefix = "$JS.API"

    public init(connection: NATSConnection, timeout: Duration = .seconds(5)) {
        self.connection = connection
        self.timeout = timeout
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Sends `body` to `$JS.API.<api>` and decodes the answer, turning an error reply into `JetStreamError`.
    func call<Response: Decodable>(_ api: String, _ body: some Encodable, as _: Response.Type = Response.self) async throws -> Response {
        let payload = try Array(Self.encoder().encode(body))
        return try await call(api, payload: payload)
    }

    func call<Response: Decodable>(_ api: String, payload: [UInt8] = [], as _: Response.Type = Response.self) async throws -> Response {
        let subject = apiPrefix + "." + api
        let reply: NATSMessage
        do {
            reply = try await connection.request(subject, payload: payload, timeout: timeout)
        } catch NATSError.noResponders {
            throw JetStreamError.noResponders("'\(subject)' (is JetStream enabled?)")
        }
        return try Self.decodeReply(reply.payload, what: subject)
    }

    /// JetStream replies either carry `{"error": {...}}` or the response itself.
    static func decodeReply<Response: Decodable>(_ payload: [UInt8], what: String) throws -> Response {
        let data = Data(payload)
        let decoder = Self.decoder()
        if let envelope = try? decoder.decode(ErrorEnvelope.self, from: data), let error = envelope.error {
            throw JetStreamError(code: error.code, errorCode: error.errCode ?? 0, description: error.description)
        }
        do {
            return try decoder.decode(Response.self, from: data)
        } catch {
            throw JetStreamError.invalidResponse("\(what): \(error) in \(String(decoding: payload.prefix(300), as: UTF8.self))")
        }
    }

    private struct ErrorEnvelope: Decodable {
        struct Body: Decodable {
            var code: Int
            var errCode: Int?
            var description: String
        }
        var error: Body?
    }
}

/// An empty JSON object, for API calls that take no arguments.
struct EmptyRequest: Encodable {}

/// `{"success": true}` and friends.
struct SuccessResponse: Decodable {
    var success: Bool
}
