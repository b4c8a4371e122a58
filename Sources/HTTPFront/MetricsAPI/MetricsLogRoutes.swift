import Actors
import Hummingbird
import Runtime

/// The logs' series and lists: `metrics/logs` (records per bucket), `metrics/logs/top` (the most
/// frequent messages per level) and `metrics/logs/raw` (records, newest first). docs/metrics-api.md, Logs.
struct MetricsLogRoutes {
    static let maxTopLimit = 100
    /// How far into each level's messages `offset` may reach.
    static let maxTopOffset = 100_000
    static let maxRawLimit = 1000

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/v1/metrics/logs") { request, context in try await series(request, context) }
        router.get("/api/v1/metrics/logs/top") { request, context in try await top(request, context) }
        router.get("/api/v1/metrics/logs/raw") { request, context in try await raw(request, context) }
    }

    func series(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let parameters = try LogMetricsParameters(QueryParameters(request), tenant: tenant)
        return try await MetricsAPIRoutes.series("logs", parameters.query, compared: parameters.common.comparedWindow, tenant) { state, q in
            state.logCountSeries(q)
        }
    }

    func top(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let parameters = try LogMetricsParameters(query, tenant: tenant)
        let limit = try query.int("limit", default: 10, range: 0...Self.maxTopLimit)
        let offset = try query.int("offset", default: 0, range: 0...Self.maxTopOffset)
        let list = MetricsListParameters(limit: limit, offset: offset, countTotal: try query.flag("count_total", default: false))
        let logQuery = parameters.query
        let levels = try await tenant.scan(.none) { state in state.topLogs(logQuery, limit: limit, offset: offset) }
        return try JSONResponse.make(MetricsListAnswer(range: logQuery.window, data: levels.map(LevelRow.init), list: list, total: levels.count))
    }

    func raw(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let parameters = try LogMetricsParameters(query, tenant: tenant)
        let list = try MetricsListParameters(query, defaultLimit: 100, maxLimit: Self.maxRawLimit)
        let logQuery = parameters.query, keep = list.offset + list.limit
        let (rows, total) = try await tenant.scan(.none) { state in state.logRows(logQuery, keep: keep) }
        return try JSONResponse.make(MetricsListAnswer(range: logQuery.window, data: list.page(rows).map(RecordRow.init), list: list, total: total))
    }

    /// `{"level","count","distinct","messages":[{"message","service","count"}]}`, `service` null when absent.
    struct LevelRow: Encodable {
        struct Message: Encodable {
            var message: String
            var service: String?
            var count: Int

            enum CodingKeys: String, CodingKey { case message, service, count }

            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(message, forKey: .message); try c.encode(service, forKey: .service); try c.encode(count, forKey: .count)
            }
        }

        var level: String
        var count: Int
        var distinct: Int
        var messages: [Message]

        init(_ top: LogLevelTop) {
            level = top.level.name; count = top.count; distinct = top.distinct
            messages = top.messages.map { Message(message: $0.message, service: $0.service, count: $0.count) }
        }
    }

    /// `{"timestamp","level","service","source","message","attributes"}`, `service` and `source` null when absent.
    struct RecordRow: Encodable {
        var record: LogRecord

        enum CodingKeys: String, CodingKey { case timestamp, level, service, source, message, attributes }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(ISOText.timestamp(record.timestampMs), forKey: .timestamp)
            try c.encode(record.level.name, forKey: .level)
            try c.encode(record.service, forKey: .service)
            try c.encode(record.source, forKey: .source)
            try c.encode(record.message, forKey: .message)
            try c.encode(record.attributes, forKey: .attributes)
        }
    }
}
