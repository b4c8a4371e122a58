import Actors
import Hummingbird
import Runtime

/// `POST /api/v1/metrics/formula`: series A–Z (`dau`, `wau`, `mau`, `events`, `event:<name>`,
/// `sessions`, `users`, `logs`, each with `filters`, `breakdown` and `range`) and an arithmetic
/// `formula` over them (docs/metrics-api.md).
struct MetricsFormulaRoutes {
    struct Body: Decodable {
        struct Series: Decodable {
            var metric: String?
            var filters: [MetricsFunnelBody.Condition]?
            var breakdown: String?
            var range: String?
        }
        var series: [Series]?
        var formula: String?
        var range: String?
        var granularity: String?
    }

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/api/v1/metrics/formula") { request, context in try await formula(request, context) }
    }

    static func metric(_ text: String?, at path: String) throws -> FormulaSeriesSpec.Metric {
        switch text {
        case nil: throw APIError.badRequest(field: path, "is required")
        case "dau": return .dau
        case "wau": return .wau
        case "mau": return .mau
        case "events": return .events
        case "sessions": return .sessions
        case "users": return .users
        case "logs": return .logs(conditions: [], breakdown: nil)
        case let name? where name.hasPrefix("event:") && name.count > 6 && name.utf8.count <= IngestLimits.maxFieldBytes: return .event(String(name.dropFirst(6)))
        case let other?: throw APIError.badRequest(field: path, "must be dau, wau, mau, events, event:<name>, sessions, users or logs, got '\(other.prefix(64))'")
        }
    }

    func formula(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(Body.self, from: request, limit: 1 << 20)
        guard let list = body.series, !list.isEmpty else { throw APIError.badRequest(field: "series", "is required (1 to 26 series)") }
        guard list.count <= 26 else { throw APIError.badRequest(field: "series", "has \(list.count) series; A to Z name at most 26") }
        guard let text = body.formula, !text.isEmpty else { throw APIError.badRequest(field: "formula", "is required") }
        let formula: MetricsFormula
        do { formula = try MetricsFormula(text, seriesCount: list.count) } catch { throw APIError.badRequest(field: "formula", error.message) }
        let calendar = TenantCalendar(timeZone: tenant.settings.timeZone)
        let granularity = try body.granularity.map(MetricsParameters.granularity) ?? .daily
        func window(_ rangeText: String?, field: String) throws -> MetricsWindow {
            let span: MetricsParameters.Span
            do { span = try MetricsParameters.span(rangeText ?? "30d", nowMs: tenant.now(), calendar: calendar) } catch let error as APIError {
                throw APIError.badRequest(field: field, error.message.replacingOccurrences(of: "range: ", with: ""))
            }
            return try MetricsParameters.checkedWindow(span, granularity, calendar)
        }
        let main = try window(body.range, field: "range")
        let specs = try list.enumerated().map { i, series -> FormulaSeriesSpec in
            let path = "series[\(i)]"
            let metric = try Self.metric(series.metric, at: "\(path).metric")
            let own = series.range == nil ? main : try window(series.range, field: "\(path).range")
            guard own.buckets.count == main.buckets.count else {
                throw APIError.badRequest(field: "\(path).range", "gives \(own.buckets.count) points where the formula's range gives \(main.buckets.count)")
            }
            if (metric == .wau || metric == .mau), granularity == .minute || granularity == .hourly {
                throw APIError.badRequest(field: "\(path).metric", "wau and mau are daily, weekly or monthly")
            }
            if case .logs = metric {
                // Log series filter and break down by log fields.
                let conditions = try (series.filters ?? []).enumerated().map { j, c in try c.logCondition(at: "\(path).filters[\(j)]") }
                let breakdown = try series.breakdown.map { try LogMetricsParameters.breakdown($0, name: "\(path).breakdown") }
                return FormulaSeriesSpec(metric: .logs(conditions: conditions, breakdown: breakdown), query: MetricsQuery(window: own))
            }
            let conditions = try (series.filters ?? []).enumerated().map { j, c in try c.condition(at: "\(path).filters[\(j)]") }
            let breakdown = try series.breakdown.map { try MetricsParameters.field($0, name: "\(path).breakdown") }
            if breakdown != nil, metric == .sessions { throw APIError.badRequest(field: "\(path).breakdown", "is not taken by sessions") }
            return FormulaSeriesSpec(metric: metric, query: MetricsQuery(window: own, conditions: conditions, breakdown: breakdown))
        }
        let width = main.buckets.count
        let lines = try await tenant.scan(.none) { state in
            TenantState.applyFormula(formula, to: specs.map { state.formulaInput($0) }, width: width)
        }
        return try JSONResponse.make(MetricsSeriesAnswer(metric: "formula", window: main, series: lines))
    }
}
