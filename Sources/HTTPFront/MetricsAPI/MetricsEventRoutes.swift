import Actors
import Hummingbird
import Runtime

/// The metrics API's events family beyond `metrics/events`: `top`, `properties`, `custom`,
/// `first-time` and `per-actor` (docs/metrics-api.md). Routes parse, ask Runtime, render.
struct MetricsEventRoutes {
    static let maxEventNameBytes = 1024

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/v1/metrics/events/top") { request, context in try await top(request, context) }
        router.get("/api/v1/metrics/events/properties") { request, context in try await properties(request, context) }
        router.get("/api/v1/metrics/events/custom") { request, context in try await custom(request, context) }
        router.get("/api/v1/metrics/events/first-time") { request, context in try await firstTime(request, context) }
        router.get("/api/v1/metrics/events/per-actor") { request, context in try await perActor(request, context) }
    }

    func top(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let parameters = try MetricsParameters(query, tenant: tenant)
        let list = try MetricsListParameters(query, defaultLimit: 10)
        let metricsQuery = parameters.query
        let counts = try await tenant.scan(.none) { state in state.metricsValueCounts(metricsQuery, field: .eventName) }
        let rows = list.page(counts.rows).map { MetricsTopEventRow(event: $0.value ?? "", count: $0.count, users: $0.users) }
        return try JSONResponse.make(MetricsListAnswer(range: metricsQuery.window, data: rows, list: list, total: counts.distinct))
    }

    func properties(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let event = try Self.event(query)
        let field = try MetricsParameters.field(query.requiredString("property"), name: "property")
        let parameters = try MetricsParameters(query, tenant: tenant)
        let limit = try query.int("limit", default: 10, range: 0...MetricsListParameters.maxLimit)
        let list = MetricsListParameters(limit: limit, offset: 0, countTotal: try query.flag("count_total", default: false))
        let metricsQuery = parameters.query.restricted(toEvent: event)
        let counts = try await tenant.scan(.none) { state in state.metricsValueCounts(metricsQuery, field: field, keep: limit) }
        var answer = MetricsListAnswer(range: metricsQuery.window, data: counts.rows.map(MetricsValueRow.init), list: list, total: counts.distinct)
        answer.event = event
        answer.property = field.name
        answer.other = counts.other.map(MetricsValueRow.init)
        return try JSONResponse.make(answer)
    }

    func custom(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let event = try Self.event(query)
        let property = try Self.property(query, required: true) ?? ""
        let metric = try query.choice("metric", default: MetricsAggregate.sum)
        let parameters = try MetricsParameters(query, tenant: tenant)
        return try await MetricsAPIRoutes.series("events/custom", parameters, tenant) { state, q in
            state.metricsCustomSeries(q, event: event, property: property, metric: metric)
        }
    }

    func firstTime(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let event = try Self.event(query)
        let matchMode = try query.flag("match_mode", default: false)
        let lookbackDays = try query.string("lookback_days").map { _ in try query.int("lookback_days", default: 0, range: 0...3650) }
        let parameters = try MetricsParameters(query, tenant: tenant)
        return try await MetricsAPIRoutes.series("events/first-time", parameters, tenant) { state, q in
            state.metricsCountSeries(state.metricsFirstTimeCounts(q, event: event, matchMode: matchMode, lookbackDays: lookbackDays), q)
        }
    }

    func perActor(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let event = try Self.event(query)
        let property = try Self.property(query, required: false)
        let metric = try query.choice("metric", default: MetricsActorAggregate.avg)
        let parameters = try MetricsParameters(query, tenant: tenant)
        return try await MetricsAPIRoutes.series("events/per-actor", parameters, tenant) { state, q in
            state.metricsPerActorSeries(q, event: event, property: property, metric: metric)
        }
    }

    /// The required `event`: an event name (one never sent matches nothing).
    static func event(_ query: QueryParameters) throws -> String {
        let event = try query.requiredString("event")
        guard event.utf8.count <= maxEventNameBytes else { throw APIError.badRequest(field: "event", "must be at most \(maxEventNameBytes) bytes") }
        return event
    }

    /// `property` as a property key: `plan` or `properties.plan`.
    static func property(_ query: QueryParameters, required: Bool) throws -> String? {
        guard let text = try required ? query.requiredString("property") : query.string("property") else { return nil }
        guard case .property(let key) = try MetricsParameters.field(text, name: "property") else {
            throw APIError.badRequest(field: "property", "must be a property (properties.KEY or a property name), got '\(text.prefix(64))'")
        }
        return key
    }
}
