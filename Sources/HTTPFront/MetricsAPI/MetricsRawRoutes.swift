import Actors
import Hummingbird
import Runtime

/// The rows behind the metrics API's numbers: the users behind one point of an active-user series
/// (`metrics/dau|wau|mau/raw`) and event rows (`metrics/events/raw`, `metrics/events/top/{name}/raw`).
struct MetricsRawRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        for metric in MetricsAPIRoutes.ActiveUsers.allCases {
            router.get("/api/v1/metrics/\(metric.rawValue)/raw") { request, context in try await users(metric, request, context) }
        }
        router.get("/api/v1/metrics/events/raw") { request, context in try await events(nil, request, context) }
        router.get("/api/v1/metrics/events/top/:name/raw") { request, context in
            try await events(QueryParameters.pathParameter("name", context), request, context)
        }
    }

    func users(_ metric: MetricsAPIRoutes.ActiveUsers, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let parameters = try MetricsParameters(query, tenant: tenant)
        try MetricsAPIRoutes.check(metric, parameters)
        let list = try MetricsListParameters(query, defaultLimit: 100)
        let window = parameters.window
        var index = window.buckets.count - 1
        if let text = query.string("date") {
            let ms = try TenantCalendar.parseISODate(text) == nil ? TimeInput.instant(text, field: "date")
                : parameters.calendar.startMs(of: TimeInput.date(text, field: "date"))
            guard let bucket = window.bucket(of: ms, hint: 0) else {
                throw APIError.badRequest(field: "date", "must fall within the range (\(MetricsSeriesAnswer.range(window).from) to \(MetricsSeriesAnswer.range(window).to)), got '\(text.prefix(64))'")
            }
            index = bucket
        }
        let bucket = window.buckets[index], metricsQuery = parameters.query
        let (span, rows) = try await tenant.scan(.none) { state in
            let span = state.activeUsersSpan(of: bucket, windowDays: metric.windowDays)
            return (span, state.metricsUserRows(metricsQuery.over(span)))
        }
        var answer = MetricsListAnswer(range: window, data: list.page(rows).map(MetricsUserListRow.init), list: list, total: rows.count)
        answer.metric = metric.rawValue
        answer.point = .init(date: TenantCalendar.isoDate(bucket.days.first), from: ISOText.timestamp(span.startMs), to: ISOText.timestamp(span.endMs))
        return try JSONResponse.make(answer)
    }

    /// - Parameter name: the event name from the path, or nil for every event.
    func events(_ name: String?, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let parameters = try MetricsParameters(query, tenant: tenant)
        let list = try MetricsListParameters(query, defaultLimit: 100)
        if let name, name.isEmpty || name.utf8.count > MetricsEventRoutes.maxEventNameBytes {
            throw APIError.badRequest(field: "name", "must be an event name of 1 to \(MetricsEventRoutes.maxEventNameBytes) bytes")
        }
        let metricsQuery = name.map { parameters.query.restricted(toEvent: $0) } ?? parameters.query
        let keep = list.offset + list.limit
        let (rows, total) = try await tenant.scan(.none) { state in state.metricsEventRows(metricsQuery, keep: keep) }
        var answer = MetricsListAnswer(range: metricsQuery.window, data: list.page(rows).map(MetricsEventListRow.init), list: list, total: total)
        answer.event = name
        return try JSONResponse.make(answer)
    }
}
