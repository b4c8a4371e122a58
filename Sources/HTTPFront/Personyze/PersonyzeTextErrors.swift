import Hummingbird
import NIOCore

/// Errors under `/personyze` are plain text, as the seed's are (`400 Cannot do this operation on
/// whole table`); a missing or unknown key is `401 Please, log in` with a Basic challenge.
struct PersonyzeTextErrors: RouterMiddleware {
    typealias Context = BeaconRequestContext
    static let loginPrompt = "Please, log in"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/personyze/") || request.uri.path == "/personyze" else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var headers = error.headers
            headers[.contentType] = "text/plain; charset=utf-8"
            var text = error.message
            if error.status == .unauthorized {
                text = Self.loginPrompt
                headers[.wwwAuthenticate] = "Basic realm=\"personyze\""
            }
            return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
