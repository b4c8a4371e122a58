import Foundation
import Hummingbird

/// An error answered as `{"error":{"code":"...","message":"..."}}` with its status.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// The request field at fault, when there is one.
    public var field: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status; self.code = code; self.message = message; self.field = field
    }

    public static func badRequest(field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_field", message: "\(field): \(message)", field: field)
    }

    public static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, code: "unauthorized", message: message) }

    public static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message: message) }

    /// The key's role or membership does not allow the request; `field` is what decides it.
    public static func forbidden(_ message: String, field: String = "role") -> APIError {
        APIError(.forbidden, code: "forbidden", message: "\(field): \(message)", field: field)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: String] = ["code": code, "message": message]
        if let field { body["field"] = field }
        let data = (try? JSONSerialization.data(withJSONObject: ["error": body], options: [.sortedKeys])) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
