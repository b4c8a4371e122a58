/// `POST /api/v1/logs`: a JSON array of records, or `{"logs": [...]}`. A bare array's errors
/// name `logs[3].level` as the wrapped form's do.
struct LogBatchBody: Decodable {
    var logs: [LogRecordBody]?

    enum CodingKeys: String, CodingKey { case logs }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: CodingKeys.self) {
            logs = try object.decodeIfPresent([LogRecordBody].self, forKey: .logs)
            return
        }
        do {
            logs = try decoder.singleValueContainer().decode([LogRecordBody].self)
        } catch let error as DecodingError {
            throw error.under(AnyCodingKey("logs"))
        }
    }
}

/// One log record; `attributes` values are checked to be scalars by the route.
struct LogRecordBody: Decodable {
    /// ISO-8601 text or epoch milliseconds; read by `BodyField.timestamp`.
    var timestamp: JSONValue?
    var service: String?
    var level: String?
    var source: String?
    var message: String?
    var attributes: [String: JSONValue]?
}

extension DecodingError {
    /// The same error with `key` in front of its path; a problem with the whole document stays one.
    func under(_ key: any CodingKey) -> DecodingError {
        func moved(_ context: Context) -> Context { Context(codingPath: [key] + context.codingPath, debugDescription: context.debugDescription) }
        switch self {
        case .typeMismatch(let type, let context): return .typeMismatch(type, moved(context))
        case .valueNotFound(let type, let context): return .valueNotFound(type, moved(context))
        case .keyNotFound(let missing, let context): return .keyNotFound(missing, moved(context))
        case .dataCorrupted(let context) where !context.codingPath.isEmpty: return .dataCorrupted(moved(context))
        default: return self
        }
    }
}
