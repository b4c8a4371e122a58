import Foundation

extension JetStream {
    /// The message stored at `sequence`, or nil if there is none (never stored, purged, deleted).
    public func message(stream: String, sequence: UInt64) async throws -> JetStreamMessage? {
        try await getMessage(stream: stream, MessageGetRequest(seq: sequence))
    }

    /// The newest message on `subject`, or nil if the stream holds none.
    public func lastMessage(stream: String, subject: String) async throws -> JetStreamMessage? {
        try await getMessage(stream: stream, MessageGetRequest(lastBySubj: subject))
    }

    private struct MessageGetRequest: Encodable {
        var seq: UInt64?
        var lastBySubj: String?
    }

    /// `$JS.API.STREAM.MSG.GET` answers with the message's headers and data in base64.
    private struct MessageGetResponse: Decodable {
        struct Stored: Decodable {
            var subject: String
            var seq: UInt64
            var hdrs: String?
            var data: String?
        }
        var message: Stored
    }

    private func getMessage(stream: String, _ request: MessageGetRequest) async throws -> JetStreamMessage? {
        try Self.validateStreamName(stream)
        let response: MessageGetResponse
        do {
            response = try await call("STREAM.MSG.GET.\(stream)", request)
        } catch JetStreamError.api(_, 10037, _) {
            return nil  // "no message found"
        }
        let stored = response.message
        guard let payload = Self.base64Bytes(stored.data ?? ""),
              let headerBytes = Self.base64Bytes(stored.hdrs ?? "")
        else { throw JetStreamError.invalidResponse("stored message \(stored.seq) has bad base64") }
        var headers: NATSHeaders?
        if !headerBytes.isEmpty {
            let parsed = try HeaderBlock.parse(headerBytes)
            headers = parsed.headers.isEmpty ? nil : parsed.headers
        }
        return JetStreamMessage(sequence: stored.seq, subject: stored.subject, headers: headers, payload: payload)
    }

    private static func base64Bytes(_ text: String) -> [UInt8]? {
        if text.isEmpty { return [] }
        return Data(base64Encoded: text).map(Array.init)
    }
}
