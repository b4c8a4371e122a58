import Actors
import Hummingbird
import Runtime

/// `Idempotency-Key` on any write (POST, PUT, PATCH, DELETE): a repeat within 24 hours with the
/// same method, path and body is answered the first answer (with `Idempotent-Replayed: true`)
/// and applies nothing; the same key with a different request is a 422. The key travels to the
/// tenant's WAL append in a task-local, so it is logged in the same record as the write.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = BeaconRequestContext
    let bodyLimit: Int

    static let header = HTTPFields.Element.Name("Idempotency-Key")!
    static let replayedHeader = HTTPFields.Element.Name("Idempotent-Replayed")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = request.headers[Self.header], [.post, .put, .patch, .delete].contains(request.method),
              let tenant = context.tenant else { return try await next(request, context) }
        guard (1...IdempotencyKeys.maxKeyBytes).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.badRequest(field: "Idempotency-Key", "must be 1 to \(IdempotencyKeys.maxKeyBytes) visible ASCII characters")
        }
        let body = try await request.body.collect(upTo: bodyLimit)
        let fingerprint = body.withUnsafeReadableBytes {
            IdempotencyKeys.fingerprint(method: request.method.rawValue, path: request.uri.description, body: $0)
        }
        let keyed = IdempotentRequest(key: key, fingerprint: fingerprint)
        switch try await tenant.lookUpIdempotencyKey(keyed) {
        case .replay(let answer):
            return Response(status: .init(code: answer.status), headers: [.contentType: "application/json", Self.replayedHeader: "true"],
                            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        case .mismatch:
            throw APIError(.unprocessableContent, code: "idempotency_key_reused",
                           message: "Idempotency-Key: '\(key)' was used with a different method, path or body in the last 24 hours", field: "Idempotency-Key")
        case .appliedWithoutAnswer:
            throw Self.appliedWithoutAnswer(key)
        case .fresh:
            break
        }
        var buffered = request
        buffered.body = .init(buffer: body)
        let response: Response
        do {
            response = try await TenantActor.$idempotentRequest.withValue(keyed) { try await next(buffered, context) }
        } catch is IdempotentRepeat {
            throw Self.appliedWithoutAnswer(key)
        }
        // The answer is kept as bytes, so a retry gets exactly this.
        let collected = CollectedBody()
        try await response.body.write(ResponseCollector(into: collected))
        await tenant.recordIdempotentAnswer(key, .init(status: Int(response.status.code), body: Array(collected.buffer.readableBytesView)))
        var answered = response
        answered.body = .init(byteBuffer: collected.buffer)
        return answered
    }

    static func appliedWithoutAnswer(_ key: String) -> APIError {
        var error = APIError(.conflict, code: "idempotency_key_used",
                             message: "Idempotency-Key: a write with '\(key)' was applied (or is being applied); its answer is not kept, so it is not applied again",
                             field: "Idempotency-Key")
        error.headers[.retryAfter] = "1"
        return error
    }
}

/// A response body's bytes, gathered by `ResponseCollector` (the writer is consumed by the body).
private final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

private struct ResponseCollector: ResponseBodyWriter {
    let into: CollectedBody
    mutating func write(_ part: ByteBuffer) async throws { var part = part; into.buffer.writeBuffer(&part) }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
