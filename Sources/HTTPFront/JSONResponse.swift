import Foundation
import Hummingbird
import Runtime

/// Encodes answers as JSON with snake_case keys.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return try make(value, status: status, encoder: encoder)
    }

    /// With `encoder`'s key names (a dialect whose fields are camelCase).
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, encoder: JSONEncoder) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Renders instants as ISO-8601 text in UTC ("2026-10-31T11:59:00.000Z"), with the same
/// arithmetic as `JSONWriter.timestamp` (a formatter per call costs more than most queries).
enum ISOText {
    static func timestamp(_ ms: Int64) -> String {
        var json = JSONWriter(capacity: 32)
        json.timestamp(ms)
        return String(decoding: json.bytes.dropFirst().dropLast(), as: UTF8.self)   // without the quotes
    }
}
