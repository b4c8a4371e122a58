import Actors
import Hummingbird
import Runtime

/// `GET /api/paths`: session paths forward from or backward to an event, with drop-offs.
struct PathRoutes {
    static let maxDepth = 10

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/paths", use: paths)
    }

    struct LabelCount: Encodable { var label: String; var sessions: Int }
    struct StepRow: Encodable { var step: Int; var sessions: Int; var dropOffs: Int; var dropOffRate: Double; var top: [LabelCount] }
    struct LinkRow: Encodable { var step: Int; var from: String; var to: String; var sessions: Int }
    struct PathRow: Encodable { var path: [String]; var sessions: Int; var ranOut: Bool }
    struct Answer: Encodable {
        var event: String; var direction: String; var depth: Int; var label: String; var days: Int; var start: String; var end: String
        var sessionGapMinutes: Int; var sessions: Int; var users: Int; var steps: [StepRow]; var links: [LinkRow]; var paths: [PathRow]
    }

    /// `event` (required), `depth` (1–10, default 4), `direction` (forward or backward), `label`
    /// (event or page), `limit` (paths listed, default 20), `days`/`end`.
    @Sendable func paths(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let event = try query.requiredString("event")
        let depth = try query.int("depth", default: 4, range: 1...Self.maxDepth)
        let direction = try query.choice("direction", default: TenantState.PathDirection.forward)
        let label = try query.choice("label", default: TenantState.PathLabel.event)
        let limit = try query.int("limit", default: 20, range: 1...1000)
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let result = try await tenant.scan { state -> TenantState.PathAnalysis? in
            state.eventTypeIndex(event).map { state.paths(from: $0, range: range, depth: depth, direction: direction, label: label, limit: limit) }
        }
        guard let result else { throw APIError.badRequest(field: "event", "unknown event type '\(event)'") }
        var previous = result.sessions
        let steps = result.steps.map { step -> StepRow in
            defer { previous = step.sessions }
            return StepRow(step: step.step, sessions: step.sessions, dropOffs: step.dropOffs,
                           dropOffRate: previous == 0 ? 0 : (Double(step.dropOffs) / Double(previous) * 10_000).rounded() / 10_000,
                           top: step.top.map { LabelCount(label: $0.label, sessions: $0.sessions) })
        }
        return try JSONResponse.make(Answer(
            event: event, direction: direction.rawValue, depth: depth, label: label.rawValue, days: range.count,
            start: TenantCalendar.isoDate(range.first), end: TenantCalendar.isoDate(range.last),
            sessionGapMinutes: Int(TenantState.sessionGapMs / 60_000), sessions: result.sessions, users: result.users, steps: steps,
            links: result.links.map { LinkRow(step: $0.step, from: $0.from, to: $0.to, sessions: $0.sessions) },
            paths: result.paths.map { PathRow(path: $0.labels, sessions: $0.sessions, ranOut: $0.ranOut) }))
    }
}
