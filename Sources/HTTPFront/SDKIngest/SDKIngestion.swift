import Actors
import Hummingbird
import Runtime

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

    /// The body `SDKRequestMiddleware` parsed.
    static func body(_ context: BeaconRequestContext) throws -> JSONValue {
        guard let body = context.sdkBody else { throw APIError.badRequest(field: "body", "is required") }
        return body
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
