import Actors
import Hummingbird
import Runtime

/// Analytics over the event log: ordered funnels.
struct AnalyticsRoutes {
    static let maxSteps = 20

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/funnels", use: funnel)
    }

    struct StepRow: Encodable {
        var step: Int; var eventType: String; var users: Int
        var conversionFromPrevious: Double; var conversionFromFirst: Double; var medianSecondsFromPrevious: Double?
    }
    struct FunnelAnswer: Encodable { var days: Int; var start: String; var end: String; var windowDays: Int; var steps: [StepRow]; var overallConversion: Double }

    /// `steps` (comma-separated event types, 2 to 20), `days`/`end` for the first step, `window_days` (default 7).
    @Sendable func funnel(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let steps = try query.requiredString("steps").split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard steps.count >= 2, steps.count <= Self.maxSteps else {
            throw APIError.badRequest(field: "steps", "needs 2 to \(Self.maxSteps) event types, got \(steps.count)")
        }
        if let empty = steps.firstIndex(where: \.isEmpty) { throw APIError.badRequest(field: "steps", "step \(empty + 1) is empty") }
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let windowDays = try query.int("window_days", default: 7, range: 1...365)
        let result = try await tenant.read { state -> Result<TenantState.Funnel, APIError> in
            if let unknown = steps.first(where: { state.eventTypeIndex($0) == nil }) {
                return .failure(APIError.badRequest(field: "steps", "unknown event type '\(unknown)'"))
            }
            return .success(state.funnel(steps: steps, range: range, windowMs: Int64(windowDays) * TenantCalendar.dayMs))
        }.get()
        let first = max(1, result.steps.first?.users ?? 0)
        let rows = result.steps.enumerated().map { i, step in
            let previous = i == 0 ? step.users : result.steps[i - 1].users
            return StepRow(step: i + 1, eventType: step.eventType, users: step.users,
                           conversionFromPrevious: previous == 0 ? 0 : Double(step.users) / Double(previous),
                           conversionFromFirst: Double(step.users) / Double(first),
                           medianSecondsFromPrevious: step.medianMsFromPrevious.map { Double($0) / 1000 })
        }
        return try JSONResponse.make(FunnelAnswer(
            days: range.count, start: TenantCalendar.isoDate(range.first), end: TenantCalendar.isoDate(range.last), windowDays: windowDays,
            steps: rows, overallConversion: (result.steps.first?.users ?? 0) == 0 ? 0 : Double(result.steps.last?.users ?? 0) / Double(first)))
    }
}

