import Actors
import Hummingbird
import Runtime

/// The metrics API's user-level questions: lifecycle, built-in segments, stickiness and sessions
/// (docs/metrics-api.md). Routes parse, ask Runtime, render.
struct MetricsUserRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/v1/metrics/lifecycle") { request, context in try await lifecycle(request, context) }
        router.get("/api/v1/metrics/segments") { request, context in try await segments(request, context) }
        router.get("/api/v1/metrics/segments/:segment") { request, context in try await segmentMembers(request, context) }
        router.get("/api/v1/metrics/stickiness") { request, context in try await activeDays(request, context) }
        router.get("/api/v1/metrics/stickiness/daily") { request, context in try await stickiness(request, context, windowDays: 1) }
        router.get("/api/v1/metrics/stickiness/weekly") { request, context in try await stickiness(request, context, windowDays: 7) }
        router.get("/api/v1/metrics/sessions") { request, context in try await sessions(request, context) }
    }

    /// `{"metric","granularity","range","data"}` with points of any shape.
    struct PeriodAnswer<Point: Encodable>: Encodable {
        var metric: String
        var granularity: String
        var range: MetricsSeriesAnswer.Range
        var data: [Point]

        init(_ metric: String, _ window: MetricsWindow, _ data: [Point]) {
            self.metric = metric; granularity = window.granularity.rawValue; range = MetricsSeriesAnswer.range(window); self.data = data
        }
    }

    struct LifecyclePoint: Encodable { var date: String; var new: Int; var returning: Int; var resurrected: Int; var dormant: Int }

    func lifecycle(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let parameters = try MetricsParameters(QueryParameters(request), tenant: tenant, defaultGranularity: .weekly)
        try parameters.refuseBreakdownAndConditions("lifecycle")
        try parameters.requireWholeDayGranularity()
        _ = try parameters.requireDays()
        let window = parameters.window
        let points = try await tenant.read { $0.lifecycle(window) }
        return try JSONResponse.make(PeriodAnswer("lifecycle", window, zip(window.buckets, points).map { bucket, p in
            LifecyclePoint(date: TenantCalendar.isoDate(bucket.days.first), new: p.new, returning: p.returning, resurrected: p.resurrected, dormant: p.dormant)
        }))
    }

    struct SegmentsAnswer: Encodable {
        struct Row: Encodable { var segment: String; var users: Int }
        var asOf: String
        var range: MetricsSeriesAnswer.Range
        var segments: [Row]
    }

    func segments(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let parameters = try MetricsParameters(QueryParameters(request), tenant: tenant)
        try parameters.refuseBreakdownAndConditions("segments")
        let range = try parameters.requireDays()
        let counts = try await tenant.scan(.none) { state in state.builtInSegments(asOf: range.last, rangeDays: range.count).mapValues(\.count) }
        return try JSONResponse.make(SegmentsAnswer(asOf: TenantCalendar.isoDate(range.last), range: .init(from: TenantCalendar.isoDate(range.first), to: TenantCalendar.isoDate(range.last)),
                                                    segments: BuiltInSegment.allCases.map { .init(segment: $0.rawValue, users: counts[$0] ?? 0) }))
    }

    struct MembersAnswer: Encodable {
        struct Row: Encodable { var userId: String; var firstSeen: String; var lastSeen: String; var events: Int }
        var segment: String
        var asOf: String
        var total: Int
        var limit: Int
        var offset: Int
        var users: [Row]
    }

    func segmentMembers(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let name = QueryParameters.pathParameter("segment", context)
        guard let segment = BuiltInSegment(rawValue: name) else {
            throw APIError(.notFound, code: "not_found", message: "segment: no built-in segment '\(name.prefix(64))'; there are \(BuiltInSegment.allCases.map(\.rawValue).joined(separator: ", "))", field: "segment")
        }
        let query = QueryParameters(request)
        let parameters = try MetricsParameters(query, tenant: tenant)
        try parameters.refuseBreakdownAndConditions("segments")
        let range = try parameters.requireDays()
        let limit = try query.int("limit", default: 50, range: 1...100)
        let offset = try query.int("offset", default: 0, range: 0...Int(Int32.max))
        let page = try await tenant.scan(.none) { state in
            state.builtInSegmentMembers(segment, asOf: range.last, rangeDays: range.count, offset: offset, limit: limit)
        }
        return try JSONResponse.make(MembersAnswer(segment: segment.rawValue, asOf: TenantCalendar.isoDate(range.last), total: page.total, limit: limit, offset: offset,
                                                   users: page.members.map { .init(userId: $0.user, firstSeen: ISOText.timestamp($0.firstSeenMs), lastSeen: ISOText.timestamp($0.lastSeenMs), events: $0.events) }))
    }

    func stickiness(_ request: Request, _ context: BeaconRequestContext, windowDays: Int) async throws -> Response {
        let tenant = try context.requireTenant()
        let parameters = try MetricsParameters(QueryParameters(request), tenant: tenant)
        try parameters.refuseBreakdownAndConditions("stickiness")
        guard parameters.granularity == .daily else { throw APIError.badRequest(field: "granularity", "stickiness ratios are daily") }
        let range = try parameters.requireDays()
        let ratios = try await tenant.read { $0.stickinessRatios(range, windowDays: windowDays) }
        let series = [MetricsSeries(dimension: .all, values: ratios.map { $0 }, total: 0)]
        return try JSONResponse.make(MetricsSeriesAnswer(metric: windowDays == 1 ? "stickiness_daily" : "stickiness_weekly", window: parameters.window, series: series))
    }

    struct ActiveDaysPoint: Encodable { var date: String; var days: [Int] }

    func activeDays(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let parameters = try MetricsParameters(QueryParameters(request), tenant: tenant, defaultGranularity: .weekly)
        try parameters.refuseBreakdownAndConditions("stickiness")
        guard parameters.granularity == .weekly || parameters.granularity == .monthly else {
            throw APIError.badRequest(field: "granularity", "must be weekly or monthly, got \(parameters.granularity.rawValue)")
        }
        _ = try parameters.requireDays()
        let window = parameters.window
        let histograms = try await tenant.read { $0.activeDayHistogram(window) }
        return try JSONResponse.make(PeriodAnswer("stickiness", window, zip(window.buckets, histograms).map {
            ActiveDaysPoint(date: TenantCalendar.isoDate($0.days.first), days: $1)
        }))
    }

    struct SessionsAnswer: Encodable {
        struct Point: Encodable {
            var date: String
            var time: String?
            var value: Int
            var avgDurationS: Double?
            var bounceRate: Double?
        }
        struct Compared: Encodable { var range: MetricsSeriesAnswer.Range; var data: [Point] }
        var metric = "sessions"
        var granularity: String
        var range: MetricsSeriesAnswer.Range
        var data: [Point]
        var compare: Compared?

        static func points(_ window: MetricsWindow, _ points: [TenantState.SessionPoint]) -> [Point] {
            let fine = window.granularity == .minute || window.granularity == .hourly
            return zip(window.buckets, points).map { bucket, p in
                Point(date: TenantCalendar.isoDate(bucket.days.first), time: fine ? ISOText.timestamp(bucket.startMs) : nil, value: p.sessions,
                      avgDurationS: p.sessions == 0 ? nil : Double(p.durationMs) / 1000 / Double(p.sessions),
                      bounceRate: p.sessions == 0 ? nil : Double(p.bounces) / Double(p.sessions))
            }
        }
    }

    func sessions(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let parameters = try MetricsParameters(QueryParameters(request), tenant: tenant)
        try parameters.refuseBreakdownAndConditions("sessions", conditionsToo: false)
        let query = parameters.query, compared = parameters.comparedWindow.map(query.over)
        let questions = [query] + (compared.map { [$0] } ?? [])
        let answers = try await tenant.scan(.none) { state in questions.map { state.sessions($0) } }
        return try JSONResponse.make(SessionsAnswer(granularity: query.window.granularity.rawValue, range: MetricsSeriesAnswer.range(query.window),
                                                    data: SessionsAnswer.points(query.window, answers[0]),
                                                    compare: compared.map { .init(range: MetricsSeriesAnswer.range($0.window), data: SessionsAnswer.points($0.window, answers[1])) }))
    }
}
