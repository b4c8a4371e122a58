import Actors
import Hummingbird
import Runtime

/// `POST /api/v1/metrics/grouped`: `group_by`, `size`, `intensity`, `event`, `range`,
/// `max_groups` (docs/metrics-api.md).
struct MetricsGroupedRoutes {
    struct Body: Decodable {
        struct Measure: Decodable {
            var type: String?
            var property: String?
            var percentile: Double?
        }
        var groupBy: String?
        var size: Measure?
        var intensity: Measure?
        var event: String?
        var range: String?
        @WholeNumber var maxGroups: Int?

        enum CodingKeys: String, CodingKey {
            case groupBy = "group_by", size, intensity, event, range, maxGroups = "max_groups"
        }
    }

    struct Answer: Encodable {
        struct Group: Encodable {
            var dimension: MetricsSeries.Dimension
            var size: Double
            var intensity: Double?

            enum CodingKeys: String, CodingKey { case dimension, size, intensity }

            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(dimension: dimension, forKey: .dimension)
                try c.encode(size, forKey: .size)
                try c.encode(intensity, forKey: .intensity)
            }
        }
        var groupBy: String
        var range: MetricsSeriesAnswer.Range
        var total: Double
        var groups: [Group]
    }

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/api/v1/metrics/grouped") { request, context in try await grouped(request, context) }
    }

    static func property(_ text: String?, at path: String) throws -> String {
        guard let text else { throw APIError.badRequest(field: path, "is required for this type") }
        guard case .property(let key) = try MetricsParameters.field(text, name: path) else { throw APIError.badRequest(field: path, "must be a property (properties.KEY or a bare name)") }
        return key
    }

    func grouped(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(Body.self, from: request, limit: 64 << 10)
        guard let groupText = body.groupBy else { throw APIError.badRequest(field: "group_by", "is required") }
        let groupBy = try MetricsParameters.field(groupText, name: "group_by")
        guard let sizeBody = body.size else { throw APIError.badRequest(field: "size", "is required") }
        let size: GroupedSize
        switch sizeBody.type {
        case "count": size = .count
        case "unique_actors": size = .uniqueActors
        case "sum": size = .sum(property: try Self.property(sizeBody.property, at: "size.property"))
        default: throw APIError.badRequest(field: "size.type", "must be count, unique_actors or sum")
        }
        guard let intensityBody = body.intensity else { throw APIError.badRequest(field: "intensity", "is required") }
        let intensity: GroupedIntensity
        switch intensityBody.type {
        case "avg_per_actor": intensity = .avgPerActor
        case "unique_actors": intensity = .uniqueActors
        case "percentile_per_actor":
            guard let q = intensityBody.percentile, q > 0, q <= 1 else { throw APIError.badRequest(field: "intensity.percentile", "must be a fraction in (0, 1], e.g. 0.9") }
            intensity = .percentilePerActor(q)
        case "avg": intensity = .avg(property: try Self.property(intensityBody.property, at: "intensity.property"))
        default: throw APIError.badRequest(field: "intensity.type", "must be avg_per_actor, percentile_per_actor, unique_actors or avg")
        }
        let maxGroups = body.maxGroups ?? 20
        guard (1...1000).contains(maxGroups) else { throw APIError.badRequest(field: "max_groups", "must be between 1 and 1000, got \(maxGroups)") }
        if let event = body.event, event.isEmpty || event.utf8.count > IngestLimits.maxFieldBytes {
            throw APIError.badRequest(field: "event", "must be an event name of 1 to \(IngestLimits.maxFieldBytes) bytes")
        }
        let calendar = TenantCalendar(timeZone: tenant.settings.timeZone)
        let span = try MetricsParameters.span(body.range ?? "30d", nowMs: tenant.now(), calendar: calendar)
        let window = MetricsParameters.window(span, .daily, calendar)
        let query = MetricsQuery(window: window, conditions: body.event.map { [MetricsCondition(field: .eventName, op: .eq, values: [$0])] } ?? [])
        let rows = try await tenant.scan(.none) { state in state.groupedMetrics(query, groupBy: groupBy, size: size, intensity: intensity, maxGroups: maxGroups) }
        return try JSONResponse.make(Answer(groupBy: groupBy.name, range: MetricsSeriesAnswer.range(window), total: rows.reduce(0) { $0 + $1.size },
                                            groups: rows.map { .init(dimension: $0.dimension, size: $0.size, intensity: $0.intensity) }))
    }
}
