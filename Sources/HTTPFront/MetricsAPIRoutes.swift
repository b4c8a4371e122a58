import Actors
import Hummingbird
import Runtime

/// The metrics API's active-user series: `/api/v1/metrics/dau|wau|mau` with `range` and `granularity`.
struct MetricsAPIRoutes {
    enum Metric: String { case dau, wau, mau
        var window: Int { switch self { case .dau: 1; case .wau: 7; case .mau: 30 } }
    }
    enum Granularity: String { case daily, weekly, monthly }

    func add(to router: Router<BeaconRequestContext>) {
        for metric in [Metric.dau, .wau, .mau] {
            router.get("/api/v1/metrics/\(metric.rawValue)") { request, context in
                try await series(metric, request, context)
            }
        }
    }

    /// Daily: one point a day. Weekly/monthly: one point a Monday-week or calendar month, dated by
    /// its first day inside the range; DAU counts distinct users of the bucket, WAU/MAU take the
    /// trailing value at the bucket's last day.
    func series(_ metric: Metric, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let range = try Self.range(query.string("range") ?? "30d", today: QueryParameters.today(tenant))
        let granularityText = query.string("granularity") ?? "daily"
        guard let granularity = Granularity(rawValue: granularityText) else {
            throw APIError.badRequest(field: "granularity", "must be daily, weekly or monthly for active users, got '\(granularityText)'")
        }
        let buckets = Self.buckets(range, granularity)
        let values: [Int] = try await tenant.read { state in
            if granularity == .daily || metric != .dau {
                let daily = metric == .dau ? state.dailyActiveUsers(range) : state.trailingActiveUsers(range, window: metric.window)
                return buckets.map { daily[Int($0.last - range.first)] }
            }
            return buckets.map { state.distinctActiveUsers($0) }
        }
        var json = JSONWriter()
        json.object { json in
            json.key("data")
            json.array { json in
                for (bucket, value) in zip(buckets, values) {
                    json.object { json in
                        json.key("date"); json.date(bucket.first)
                        json.key("value"); json.value(value)
                    }
                }
            }
            json.key("granularity"); json.value(granularity.rawValue)
            json.key("metric"); json.value(metric.rawValue)
            json.key("range")
            json.object { json in
                json.key("from"); json.date(range.first)
                json.key("to"); json.date(range.last)
            }
        }
        return json.response()
    }

    /// `7d`, `30d`, `90d` (any `Nd` up to 3650) ending today, or `YYYY-MM-DD,YYYY-MM-DD`.
    static func range(_ text: String, today: DayNumber) throws -> DayRange {
        if text.hasSuffix("d"), let n = Int(text.dropLast()) {
            guard (1...3650).contains(n) else { throw APIError.badRequest(field: "range", "must cover 1 to 3650 days, got '\(text)'") }
            return DayRange(days: n, endingOn: today)
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = TenantCalendar.parseISODate(String(parts[0])), let to = TenantCalendar.parseISODate(String(parts[1])) else {
            throw APIError.badRequest(field: "range", "must be 7d, 30d, 90d or YYYY-MM-DD,YYYY-MM-DD, got '\(text)'")
        }
        guard SupportedTime.contains(day: from), SupportedTime.contains(day: to) else {
            throw APIError.badRequest(field: "range", "dates must be \(SupportedTime.spanText), got '\(text)'")
        }
        guard from <= to, to - from < 3650 else { throw APIError.badRequest(field: "range", "must run forward and cover at most 3650 days") }
        return DayRange(first: from, last: to)
    }

    static func buckets(_ range: DayRange, _ granularity: Granularity) -> [DayRange] {
        switch granularity {
        case .daily: return range.all.map { DayRange(first: $0, last: $0) }
        case .weekly, .monthly:
            var result: [DayRange] = []
            for d in range.all {
                let startsBucket = TenantState.periodStart(of: d, granularity == .weekly ? .week : .month) == d
                if result.isEmpty || startsBucket { result.append(DayRange(first: d, last: d)) } else { result[result.count - 1].last = d }
            }
            return result
        }
    }
}
