import Foundation
import Hummingbird

/// Request bodies other than ingest's (which simdjson reads): collected up to a limit and decoded
/// into a `Decodable` type. Every refusal is a 400 naming the field (`steps[2].event_type`).
enum JSONBody {
    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request, limit: Int) async throws -> Body {
        let buffer = try await request.body.collect(upTo: limit)
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(DecodingProblem(error))
        }
    }
}

extension APIError {
    /// A problem with the whole document is `invalid_json` naming `body`; any other names its field.
    init(_ problem: DecodingProblem) {
        if problem.path.isEmpty {
            let message = problem.isSyntax ? "body: is not valid JSON" : "body: must be a JSON object"
            self.init(.badRequest, code: "invalid_json", message: message, field: "body")
        } else {
            self = .badRequest(field: problem.path, problem.message)
        }
    }
}
