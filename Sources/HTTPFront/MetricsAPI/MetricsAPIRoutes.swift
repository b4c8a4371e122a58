import Actors
import Hummingbird
import Runtime

/// The metrics API's series: active users (`metrics/dau|wau|mau`) and events (`metrics/events`),
/// each with the common parameters (docs/metrics-api.md). Routes parse, ask Runtime, render.
struct MetricsAPIRoutes {
    enum ActiveUsers: String, CaseIterable {
        case dau, wau, mau
        var windowDays: Int { switch self { case .dau: 1; case .wau: 7; case .mau: 30 } }
    }

    func add(to router: Router<BeaconRequestContext>) {
        for metric in ActiveUsers.allCases {
            router.get("/api/v1/metrics/\(metric.rawValue)") { request, context in
                try await activeUsers(metric, request, context)
            }
        }
        router.get("/api/v1/metrics/events") { request, context in try await events(request, context) }
    }

    func activeUsers(_ metric: ActiveUsers, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let parameters = try MetricsParameters(QueryParameters(request), tenant: tenant)
        try Self.check(metric, parameters)
        let query = parameters.query, compared = parameters.comparedWindow.map(query.over)
        let windowDays = metric.windowDays
        let questions = [query] + (compared.map { [$0] } ?? [])
        let ask = { @Sendable (state: TenantState) -> [[MetricsSeries]] in
            questions.map { state.activeUsers($0, windowDays: windowDays) }
        }
        // The day indexes answer in microseconds on the actor; anything else scans beside it.
        var fromIndexes = query.conditions.isEmpty && query.breakdown == nil && query.window.granularity != .minute && query.window.granularity != .hourly
        if case .hours = parameters.span { fromIndexes = false }
        let series = fromIndexes ? try await tenant.read(ask) : try await tenant.scan(.none, ask)
        return try JSONResponse.make(MetricsSeriesAnswer(metric: metric.rawValue, window: query.window, series: series[0],
                                                         compared: compared.map { ($0.window, series[1]) }))
    }

    func events(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let parameters = try MetricsParameters(QueryParameters(request), tenant: tenant)
        return try await Self.series("events", parameters, tenant) { state, q in state.metricsCountSeries(state.metricsEventCounts(q), q) }
    }

    /// Minute and hour points apply to DAU only: WAU and MAU count trailing days.
    static func check(_ metric: ActiveUsers, _ parameters: MetricsParameters) throws {
        if metric != .dau, parameters.granularity == .minute || parameters.granularity == .hourly {
            throw APIError.badRequest(field: "granularity", "\(metric.rawValue) is a trailing \(metric.windowDays)-day count: daily, weekly or monthly")
        }
    }

    /// A series answer worked out off the actor: `answer` once for the asked range and once for
    /// the compared one.
    static func series(_ metric: String, _ parameters: MetricsParameters, _ tenant: TenantActor,
                       _ answer: @escaping @Sendable (TenantState, MetricsQuery) -> [MetricsSeries]) async throws -> Response {
        try await series(metric, parameters.query, compared: parameters.comparedWindow, tenant, answer)
    }

    /// The same for any question cut by a window (events, logs).
    static func series<Question: WindowedQuestion>(_ metric: String, _ query: Question, compared window: MetricsWindow?, _ tenant: TenantActor,
                                                   _ answer: @escaping @Sendable (TenantState, Question) -> [MetricsSeries]) async throws -> Response {
        let compared = window.map(query.over)
        let questions = [query] + (compared.map { [$0] } ?? [])
        let series = try await tenant.scan(.none) { state in questions.map { answer(state, $0) } }
        return try JSONResponse.make(MetricsSeriesAnswer(metric: metric, window: query.window, series: series[0],
                                                         compared: compared.map { ($0.window, series[1]) }))
    }
}

/// A series question asked over a window, and asked again over another (`compare`).
protocol WindowedQuestion: Sendable {
    var window: MetricsWindow { get }
    func over(_ window: MetricsWindow) -> Self
}

extension MetricsQuery: WindowedQuestion {}
extension LogQuery: WindowedQuestion {}
