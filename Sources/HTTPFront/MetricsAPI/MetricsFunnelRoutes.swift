import Actors
import Hummingbird
import Runtime

/// `POST /api/v1/funnels` and `/api/v1/funnels/trend` on the funnel kernel the native
/// `POST /api/funnels` asks (docs/metrics-api.md).
struct MetricsFunnelRoutes {
    struct StepRow: Encodable {
        var event: String
        var users: Int
        var conversionFromPrevious: Double
        var conversionFromFirst: Double
        var medianSecondsFromPrevious: Double?
    }

    struct Line: Encodable {
        var dimension: MetricsSeries.Dimension
        var steps: [StepRow]

        enum CodingKeys: String, CodingKey { case dimension, steps }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(dimension: dimension, forKey: .dimension)
            try c.encode(steps, forKey: .steps)
        }
    }

    struct FunnelAnswer: Encodable {
        var windowSeconds: Int
        var range: MetricsSeriesAnswer.Range
        var steps: [StepRow]
        var breakdown: String?
        var lines: [Line]?
    }

    struct TrendPoint: Encodable {
        var date: String
        var time: String?
        var entered: Int
        var converted: Int
        var conversion: Double?
    }

    struct TrendAnswer: Encodable {
        var windowSeconds: Int
        var granularity: String
        var range: MetricsSeriesAnswer.Range
        var data: [TrendPoint]
    }

    /// What both routes read: the definition (event names resolved later) and the span.
    struct Question {
        var steps: [(path: String, event: String, filters: [PropertyFilter])]
        var windowSeconds: Int
        var window: MetricsWindow
        var breakdown: String?
        var breakdownLimit: Int
    }

    static let longestTrend = 400

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/api/v1/funnels") { request, context in try await funnel(request, context) }
        router.post("/api/v1/funnels/trend") { request, context in try await trend(request, context) }
    }

    func question(_ request: Request, _ tenant: TenantActor, trend: Bool) async throws -> Question {
        let body = try await JSONBody.decode(MetricsFunnelBody.self, from: request, limit: 1 << 20)
        let steps = try body.parsedSteps()
        let windowSeconds = body.windowSeconds ?? 604_800
        guard (1...31_536_000).contains(windowSeconds) else {
            throw APIError.badRequest(field: "window_seconds", "must be between 1 and 31536000 (365 days), got \(windowSeconds)")
        }
        let calendar = TenantCalendar(timeZone: tenant.settings.timeZone)
        let span = try MetricsParameters.span(body.range ?? "30d", nowMs: tenant.now(), calendar: calendar)
        let granularity = trend ? try body.granularity.map(MetricsParameters.granularity) ?? .daily : .daily
        let window: MetricsWindow
        if trend {
            window = MetricsParameters.window(span, granularity, calendar)
            guard window.buckets.count <= Self.longestTrend else {
                throw APIError.badRequest(field: "granularity", "gives \(window.buckets.count) points; at most \(Self.longestTrend) (each runs the funnel)")
            }
        } else {
            window = MetricsParameters.window(span, .daily, calendar)
        }
        var breakdown: String?
        if let text = body.breakdown {
            guard case .property(let key) = try MetricsParameters.field(text, name: "breakdown") else {
                throw APIError.badRequest(field: "breakdown", "must be a property of the step-1 event (properties.KEY or a bare name)")
            }
            guard !trend else { throw APIError.badRequest(field: "breakdown", "is not taken by the funnel trend") }
            breakdown = key
        }
        let limit = body.breakdownLimit ?? 5
        guard (1...20).contains(limit) else { throw APIError.badRequest(field: "breakdown_limit", "must be between 1 and 20, got \(limit)") }
        return Question(steps: steps, windowSeconds: windowSeconds, window: window, breakdown: breakdown, breakdownLimit: limit)
    }

    /// The definition with event names resolved: an event type never seen is a 400 naming its step.
    static func definition(_ q: Question, _ state: TenantState) -> Result<TenantState.FunnelDefinition, APIError> {
        var definition = TenantState.FunnelDefinition(steps: [], windowMs: Int64(q.windowSeconds) * 1000)
        for step in q.steps {
            guard let type = state.eventTypeIndex(step.event) else { return .failure(.badRequest(field: "\(step.path).event", "unknown event type '\(step.event.prefix(64))'")) }
            definition.steps.append(.init(eventType: type, filters: step.filters))
        }
        return .success(definition)
    }

    static func rows(_ funnel: TenantState.Funnel) -> [StepRow] {
        let first = funnel.steps.first?.users ?? 0
        return funnel.steps.enumerated().map { k, step in
            let previous = k == 0 ? step.users : funnel.steps[k - 1].users
            return StepRow(event: step.eventType, users: step.users,
                           conversionFromPrevious: previous == 0 ? 0 : Double(step.users) / Double(previous),
                           conversionFromFirst: first == 0 ? 0 : Double(step.users) / Double(first),
                           medianSecondsFromPrevious: step.medianMsFromPrevious.map { Double($0) / 1000 })
        }
    }

    func funnel(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let q = try await question(request, tenant, trend: false)
        let (startMs, endMs) = (q.window.startMs, q.window.endMs)
        let answer = try await tenant.scan(.none) { state -> Result<(TenantState.Funnel, [(dimension: MetricsSeries.Dimension, funnel: TenantState.Funnel)]?), APIError> in
            Self.definition(q, state).map { definition in
                (state.funnel(definition, startMs: startMs, endMs: endMs),
                 q.breakdown.map { state.funnelBreakdown(definition, startMs: startMs, endMs: endMs, property: $0, limit: q.breakdownLimit) })
            }
        }.get()
        return try JSONResponse.make(FunnelAnswer(windowSeconds: q.windowSeconds, range: MetricsSeriesAnswer.range(q.window), steps: Self.rows(answer.0),
                                                  breakdown: q.breakdown, lines: answer.1.map { $0.map { Line(dimension: $0.dimension, steps: Self.rows($0.funnel)) } }))
    }

    func trend(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let q = try await question(request, tenant, trend: true)
        let window = q.window
        // Split by user across the cores: funnels of different users never meet.
        let count = SplitScan.parts
        let funnels = try await tenant.scanNumbered({ state, i in
            Self.definition(q, state).map { state.funnelTrendPart($0, window: window, part: (i, count)) }
        }, finish: { parts, state -> [TenantState.Funnel] in
            let definition = try Self.definition(q, state).get()
            return state.funnelTrend(definition, window: window, parts: try parts.map { try $0.get() })
        })
        let fine = window.granularity == .minute || window.granularity == .hourly
        return try JSONResponse.make(TrendAnswer(windowSeconds: q.windowSeconds, granularity: window.granularity.rawValue, range: MetricsSeriesAnswer.range(window),
                                                 data: zip(window.buckets, funnels).map { bucket, funnel in
            let entered = funnel.steps.first?.users ?? 0, converted = funnel.steps.last?.users ?? 0
            return TrendPoint(date: TenantCalendar.isoDate(bucket.days.first), time: fine ? ISOText.timestamp(bucket.startMs) : nil,
                              entered: entered, converted: converted, conversion: entered == 0 ? nil : Double(converted) / Double(entered))
        }))
    }
}
