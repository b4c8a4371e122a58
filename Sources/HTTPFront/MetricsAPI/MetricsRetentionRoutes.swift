import Actors
import Hummingbird
import Runtime

/// `POST /api/v1/retention`: cohorts by the period of each user's first `start_event`, retained
/// in the k-th period after it when they sent `return_event` then; the kernel the native
/// `/api/retention` asks (docs/metrics-api.md).
struct MetricsRetentionRoutes {
    struct Body: Decodable {
        var granularity: String?
        @WholeNumber var periods: Int?
        var startEvent: String?
        var returnEvent: String?
        var range: String?

        enum CodingKeys: String, CodingKey {
            case granularity, periods, startEvent = "start_event", returnEvent = "return_event", range
        }
    }

    struct Answer: Encodable {
        struct Cohort: Encodable { var date: String; var users: Int; var retained: [Int]; var rates: [Double] }
        var granularity: String
        var periods: Int
        var startEvent: String?
        var returnEvent: String?
        var range: MetricsSeriesAnswer.Range
        var cohorts: [Cohort]
    }

    static let granularities: [String: TenantState.RetentionPeriod] = [
        "daily": .day, "day": .day, "1d": .day, "weekly": .week, "week": .week, "1w": .week, "monthly": .month, "month": .month,
    ]

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/api/v1/retention") { request, context in try await retention(request, context) }
    }

    func retention(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(Body.self, from: request, limit: 64 << 10)
        let granularityText = body.granularity ?? "weekly"
        guard let period = Self.granularities[granularityText] else {
            throw APIError.badRequest(field: "granularity", "must be daily, weekly or monthly, got '\(granularityText.prefix(64))'")
        }
        let periods = body.periods ?? 8
        guard (1...52).contains(periods) else { throw APIError.badRequest(field: "periods", "must be between 1 and 52, got \(periods)") }
        let calendar = TenantCalendar(timeZone: tenant.settings.timeZone)
        guard case .days(let range) = try MetricsParameters.span(body.range ?? "90d", nowMs: tenant.now(), calendar: calendar) else {
            throw APIError.badRequest(field: "range", "must be whole days (Nd, today, yesterday or YYYY-MM-DD,YYYY-MM-DD)")
        }
        let startEvent = body.startEvent, returnEvent = body.returnEvent
        let cohorts = try await tenant.read { state -> Result<[TenantState.Cohort], APIError> in
            func type(_ name: String?, _ field: String) -> Result<EventTypeIndex?, APIError> {
                guard let name else { return .success(nil) }
                return EventRoutes.type(name, state, field: field).map { $0 }
            }
            return type(startEvent, "start_event").flatMap { entry in
                type(returnEvent, "return_event").map { back in
                    state.retention(entry: entry, returning: back, period: period, cohortRange: range, periods: periods - 1)
                }
            }
        }.get()
        return try JSONResponse.make(Answer(granularity: period == .day ? "daily" : period == .week ? "weekly" : "monthly", periods: periods,
                                            startEvent: startEvent, returnEvent: returnEvent,
                                            range: .init(from: TenantCalendar.isoDate(range.first), to: TenantCalendar.isoDate(range.last)),
                                            cohorts: cohorts.map { c in
            Answer.Cohort(date: TenantCalendar.isoDate(c.start), users: c.users, retained: c.retained,
                          rates: c.retained.map { c.users == 0 ? 0 : Double($0) / Double(c.users) })
        }))
    }
}
