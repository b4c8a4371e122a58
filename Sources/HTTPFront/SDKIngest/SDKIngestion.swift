import Actors
import Hummingbird
import Runtime
import Snapshot

/// What every SDK route does once it has translated its messages: one write to the tenant, and
/// a refusal turned into a 400 naming the message's field in the SDK's own words.
enum SDKIngestion {
    /// A message's place in the request ("batch[3]") and the name its time field has there.
    struct Source {
        var path: String
        var timeField: String
    }

    static func submit(_ messages: [SDKMessage], sources: [Source], request: Request, context: BeaconRequestContext) async throws -> SDKReceipt {
        let tenant = try context.requireTenant()
        guard messages.count <= IngestLimits.maxBatchEvents else {
            throw APIError.badRequest(field: "batch", "holds \(messages.count) messages; at most \(IngestLimits.maxBatchEvents) are taken at once")
        }
        do {
            return try await tenant.ingest(messages, visitor: context.visitor(request))
        } catch let refusal as SDKMessageRefusal {
            let source = sources[refusal.message]
            let field = refusal.field == "timestamp" ? source.timeField : refusal.field
            throw APIError.badRequest(field: source.path.isEmpty ? field : "\(source.path).\(field)", refusal.reason)
        }
    }

    /// The body as a JSON tree: the one `SDKRequestMiddleware` parsed, or, when the fast path took
    /// it first and then gave it back (a repeated message id), read now.
    static func body(_ context: BeaconRequestContext, _ request: Request, limit: Int = 1 << 30) async throws -> JSONValue {
        if let body = context.sdkBody { return body }
        let bytes = try await request.body.collect(upTo: limit)
        return try SDKRequestMiddleware.parseJSON(bytes)
    }

    /// The fast path (`SDKTranslator`): nil when the middleware's translator did not take the body
    /// or the tenant gave it back; then the caller translates it the general way.
    /// - Parameter path: a message's place in the request by its position ("batch[3]").
    static func submitFast(_ request: Request, _ context: BeaconRequestContext, path: (Int) -> String) async throws -> SDKReceipt? {
        guard let translated = context.sdkFast else { return nil }
        let tenant = try context.requireTenant()
        let packed: PackedBody?
        if tenant.logsWrites {
            let bytes = try await request.body.collect(upTo: 1 << 30)
            packed = try bytes.withUnsafeReadableBytes { try PackedBody.pack($0) }
        } else {
            packed = nil
        }
        do {
            return try await tenant.ingest(translated, body: packed)
        } catch let error as IngestValidationError {
            let at = error.index.map(path) ?? ""
            throw APIError.badRequest(field: at.isEmpty ? error.field : "\(at).\(error.field)", error.message)
        }
    }

    /// A message id as the tenant keeps it: namespaced by the SDK, at most 255 bytes.
    static func messageID(_ id: String?, _ dialect: SDKDialect, field: String) throws -> String? {
        guard let id else { return nil }
        let key = dialect.rawValue + ":" + id
        guard key.utf8.count <= MessageIDs.maxIDBytes else { throw APIError.badRequest(field: field, "is longer than \(MessageIDs.maxIDBytes - dialect.rawValue.utf8.count - 1) bytes") }
        return key
    }

    /// Beacon's name for an SDK's anonymous id, so it counts as an anonymous visitor.
    static func anonymousUser(_ id: String) -> String { "anon-" + id }
}
