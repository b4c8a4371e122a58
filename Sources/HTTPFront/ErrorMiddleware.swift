import Actors
import Hummingbird
import Snapshot
import Logging
import NIOCore

/// Turns every error into the JSON error envelope: framework errors (no route, body too large)
/// keep their status; anything unexpected is logged and answered as a 500 without details.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                throw APIError.notFound("no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge:
                throw APIError(.contentTooLarge, code: "body_too_large", message: "body: larger than the server's body limit", field: "body")
            default:
                throw APIError(error.status, code: "http_error", message: error.body ?? error.status.reasonPhrase)
            }
        } catch let error as TenantUnavailable {
            var answer = APIError(.serviceUnavailable, code: "unavailable", message: error.reason)
            answer.headers[.retryAfter] = "1"
            throw answer
        } catch let error as UnknownSegment {
            throw APIError(.notFound, code: "not_found", message: error.description, field: "segment_id")
        } catch let error as TenantFull {
            throw APIError(.init(code: 507, reasonPhrase: "Insufficient Storage"), code: "tenant_full", message: error.reason)
        } catch let error as any AnsweredStorageError {
            context.logger.error("storage error", metadata: ["error": "\(error)"])
            throw APIError(HTTPResponse.Status(code: error.status), code: error.code, message: error.description)
        } catch let error as StorageFault {
            // Nothing was logged or applied: the client may retry once storage recovers.
            context.logger.error("storage fault", metadata: ["error": "\(error)"])
            var answer = APIError(.serviceUnavailable, code: "storage_unavailable", message: "the write could not be stored (\(error)); it was not applied")
            answer.headers[.retryAfter] = "1"
            throw answer
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "body: larger than the server's body limit", field: "body")
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw APIError(.internalServerError, code: "internal", message: "internal error")
        }
    }
}
