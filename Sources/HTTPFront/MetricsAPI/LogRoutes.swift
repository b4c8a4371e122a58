import Actors
import Hummingbird
import Runtime

/// `POST /api/v1/logs`: structured log records, a batch accepted whole or refused whole, each
/// error naming its record's field (`logs[3].level`). docs/metrics-api.md, Logs.
struct LogRoutes {
    let bodyLimit: Int

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/api/v1/logs", use: create)
    }

    struct Accepted: Encodable { var accepted: Int }
    struct Answer: Encodable { var data: Accepted }

    @Sendable func create(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(LogBatchBody.self, from: request, limit: bodyLimit)
        guard let list = body.logs else { throw APIError.badRequest(field: "logs", "is required: an array of log records") }
        guard !list.isEmpty else { throw APIError.badRequest(field: "logs", "holds no records") }
        guard list.count <= LogLimits.maxBatchRecords else {
            throw APIError.badRequest(field: "logs", "holds \(list.count) records; at most \(LogLimits.maxBatchRecords) are allowed")
        }
        let records = try list.enumerated().map { i, record in try Self.record(record, at: "logs[\(i)]") }
        do {
            let accepted = try await tenant.ingestLogs(records)
            return try JSONResponse.make(Answer(data: Accepted(accepted: accepted)), status: .created)
        } catch let error as IngestValidationError {
            throw APIError.badRequest(field: error.index.map { "logs[\($0)].\(error.field)" } ?? error.field, error.message)
        }
    }

    /// One record checked field by field; the tenant checks its time against the clock.
    static func record(_ body: LogRecordBody, at path: String) throws -> LogInput {
        let timestamp = try BodyField.timestamp(body.timestamp, "\(path).timestamp")
        let level = try body.level.map { text in
            guard let level = LogLevel(name: text) else {
                throw APIError.badRequest(field: "\(path).level", "must be one of \(LogLevel.namesText) (or warning), got '\(text.prefix(64))'")
            }
            return level
        } ?? .info
        guard let message = body.message, !message.isEmpty else { throw APIError.badRequest(field: "\(path).message", "is required") }
        guard message.utf8.count <= LogLimits.maxMessageBytes else {
            throw APIError.badRequest(field: "\(path).message", "is longer than \(LogLimits.maxMessageBytes) bytes")
        }
        return LogInput(timestampMs: timestamp, service: try BodyField.text(body.service, "\(path).service"), level: level,
                        source: try BodyField.text(body.source, "\(path).source"), message: message,
                        attributes: try attributes(body.attributes ?? [:], at: "\(path).attributes"))
    }

    /// Strings, numbers and booleans as text, by key; a null leaves the key out; anything else is refused.
    static func attributes(_ object: [String: JSONValue], at path: String) throws -> [LogInput.Attribute] {
        guard object.count <= LogLimits.maxAttributes else { throw APIError.badRequest(field: path, "has more than \(LogLimits.maxAttributes) keys") }
        return try object.sorted { $0.key < $1.key }.compactMap { key, value in
            guard !key.isEmpty, key.utf8.count <= LogLimits.maxAttributeKeyBytes else {
                throw APIError.badRequest(field: path, "keys must be 1 to \(LogLimits.maxAttributeKeyBytes) bytes, got '\(key.prefix(64))'")
            }
            if value.isNull { return nil }
            guard let text = value.scalarText else { throw APIError.badRequest(field: "\(path).\(key)", "must be a string, number or boolean") }
            guard text.utf8.count <= LogLimits.maxAttributeValueBytes else {
                throw APIError.badRequest(field: "\(path).\(key)", "is longer than \(LogLimits.maxAttributeValueBytes) bytes")
            }
            return LogInput.Attribute(key, text)
        }
    }
}
