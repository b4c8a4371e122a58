import Actors
import Hummingbird
import Runtime

/// Impact (docs/impact.md): what was done about signals and whether it worked; the summary, the
/// list, an outcome set by hand, and the list as CSV.
struct ImpactRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/impact", use: summary)
        router.get("/api/impact/actions", use: actions)
        router.put("/api/impact/actions/:id", use: setOutcome)
        router.get("/api/impact/export", use: export)
    }

    struct Row: Encodable {
        var id: Int; var source: String; var sourceRef: String; var actionType: String; var member: String
        var metric: String; var metricRule: String; var metricSubject: String; var higherIsBetter: Bool
        var baseline: Double; var windowDays: Int; var createdAt: String; var dueAt: String
        var outcome: String; var outcomeValue: Double?; var outcomeAt: String?; var manual: Bool
    }

    static func row(_ a: ImpactAction) -> Row {
        Row(id: a.id, source: a.source.rawValue, sourceRef: a.sourceRef, actionType: a.actionType, member: a.member, metric: a.metric.name,
            metricRule: a.metric.rule.rawValue, metricSubject: a.metric.subject, higherIsBetter: a.metric.higherIsBetter, baseline: a.baseline,
            windowDays: a.windowDays, createdAt: ISOText.timestamp(a.createdMs), dueAt: ISOText.timestamp(a.dueMs), outcome: a.outcome.rawValue,
            outcomeValue: a.outcomeValue, outcomeAt: a.outcomeMs.map(ISOText.timestamp), manual: a.manual)
    }

    struct RuleCount: Encodable { var actions: Int; var resolved: Int }
    struct SummaryAnswer: Encodable {
        var days: Int; var actions: Int; var pending: Int; var resolved: Int; var unresolved: Int
        var resolutionRate: Double?; var medianDaysToOutcome: Double?; var accountsRecovered: Int; var meanScoreChange: Double?
        var byRule: [String: RuleCount]
    }

    @Sendable func summary(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let since = try QueryParameters(request).since(defaultDays: 90, tenant: tenant)
        let s = try await tenant.scan(.signals) { $0.impactSummary(sinceMs: since.ms) }
        return try JSONResponse.make(SummaryAnswer(
            days: since.days, actions: s.actions, pending: s.pending, resolved: s.resolved, unresolved: s.unresolved, resolutionRate: s.resolutionRate,
            medianDaysToOutcome: s.medianDaysToOutcome, accountsRecovered: s.accountsRecovered, meanScoreChange: s.meanScoreChange,
            byRule: Dictionary(uniqueKeysWithValues: s.byRule.map { ($0.key.rawValue, RuleCount(actions: $0.value.actions, resolved: $0.value.resolved)) })))
    }

    struct ListAnswer: Encodable { var days: Int; var page: Int; var perPage: Int; var total: Int; var actions: [Row] }

    /// `days`, `status` (pending, resolved, unresolved), `page` (from 1), `per_page` (default 20).
    @Sendable func actions(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let since = try query.since(defaultDays: 90, tenant: tenant)
        let outcome: ImpactAction.Outcome? = try query.choice("status")
        let page = try query.int("page", default: 1, range: 1...1_000_000)
        let perPage = try query.int("per_page", default: 20, range: 1...100)
        let (total, rows) = try await tenant.scan(.signals) { $0.impactActions(sinceMs: since.ms, outcome: outcome, offset: (page - 1) * perPage, limit: perPage) }
        return try JSONResponse.make(ListAnswer(days: since.days, page: page, perPage: perPage, total: total, actions: rows.map(Self.row)))
    }

    struct OutcomeBody: Decodable { var resolved: Bool? }

    /// `resolved` (true or false): the outcome by hand, over whatever the data said.
    @Sendable func setOutcome(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try QueryParameters.positiveID("id", context, kind: "action")
        let body = try await JSONBody.decode(OutcomeBody.self, from: request, limit: 1 << 16)
        guard let resolved = body.resolved else { throw APIError.badRequest(field: "resolved", "is required (true or false)") }
        do {
            _ = try await tenant.editImpact { state, now in
                .outcome(id: id, resolved: resolved, value: state.impact.byID[id].flatMap { state.impactValue($0.metric, nowMs: now) }, atMs: now, manual: true)
            }
        } catch let refusal as ImpactEditRefusal {
            switch refusal {
            case .unknownAction: throw APIError(.notFound, code: "not_found", message: "id: no action \(id)", field: "id")
            case .alreadyDecided: throw APIError(.conflict, code: "conflict", message: "id: action \(id) already has its outcome", field: "id")
            }
        }
        guard let action = try await tenant.read({ $0.impact.byID[id] }) else { throw APIError.notFound("id: no action \(id)") }
        return try JSONResponse.make(Self.row(action))
    }

    static let csvColumns = ["id", "created_at", "source", "source_ref", "action_type", "member", "metric", "baseline", "window_days",
                             "due_at", "outcome", "outcome_value", "outcome_at", "manual"]

    /// Every action of the last `days`, oldest first, as CSV (RFC 4180).
    @Sendable func export(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let since = try QueryParameters(request).since(defaultDays: 90, tenant: tenant)
        let rows = try await tenant.scan(.signals) { $0.impactActions(sinceMs: since.ms, outcome: nil, offset: 0, limit: .max).rows.reversed() }
        var csv = CSVWriter()
        csv.row(Self.csvColumns)
        for a in rows {
            csv.row([String(a.id), ISOText.timestamp(a.createdMs), a.source.rawValue, a.sourceRef, a.actionType, a.member, a.metric.name,
                     String(a.baseline), String(a.windowDays), ISOText.timestamp(a.dueMs), a.outcome.rawValue, a.outcomeValue.map { String($0) } ?? "",
                     a.outcomeMs.map(ISOText.timestamp) ?? "", a.manual ? "true" : "false"])
        }
        return csv.response(filename: "impact-actions.csv")
    }
}
