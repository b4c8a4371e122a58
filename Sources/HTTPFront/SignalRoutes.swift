import Actors
import Hummingbird
import Runtime

/// Signals (docs/signals.md): the feed, its totals, today's focus list, and dismissing or acting
/// on one.
struct SignalRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/signals", use: feed)
        router.get("/api/signals/summary", use: summary)
        router.get("/api/signals/focus", use: focus)
        router.post("/api/signals/:id/action", use: action)
        router.post("/api/signals/:id/dismiss", use: dismiss)
    }

    struct Row: Encodable {
        var id: Int; var rule: String; var subject: String; var title: String; var severity: String; var category: String
        var status: String; var value: Double; var baseline: Double; var raisedAt: String; var clearedAt: String?
        var handledAt: String?; var actionType: String?; var suggestion: String
        /// The impact action acting on it started.
        var impactActionId: Int?
    }

    static func row(_ s: Signal, _ state: TenantState) -> Row {
        Row(id: s.id, rule: s.rule.rawValue, subject: s.subject, title: s.title, severity: s.severity.rawValue, category: s.category.rawValue,
            status: s.status.rawValue, value: s.value, baseline: s.baseline, raisedAt: ISOText.timestamp(s.raisedMs),
            clearedAt: s.clearedMs.map(ISOText.timestamp), handledAt: s.handledMs.map(ISOText.timestamp), actionType: s.actionType,
            suggestion: s.rule.suggestion,
            impactActionId: s.status == .actioned ? state.impact.byID.values.first { $0.source == .signal && $0.sourceRef == String(s.id) }?.id : nil)
    }

    struct FeedAnswer: Encodable { var page: Int; var perPage: Int; var total: Int; var signals: [Row] }

    /// `page` (from 1), `per_page` (default 20), `severity`, `category`, `status`, `days`.
    @Sendable func feed(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let filter = TenantState.SignalFilter(severity: try query.choice("severity"), category: try query.choice("category"),
                                              status: try query.choice("status"), sinceMs: try query.since(defaultDays: 30, tenant: tenant).ms)
        let page = try query.int("page", default: 1, range: 1...1_000_000)
        let perPage = try query.int("per_page", default: 20, range: 1...100)
        let answer = try await tenant.scan(.signals) { state in
            let (total, rows) = state.signalFeed(filter, offset: (page - 1) * perPage, limit: perPage)
            return FeedAnswer(page: page, perPage: perPage, total: total, signals: rows.map { Self.row($0, state) })
        }
        return try JSONResponse.make(answer)
    }

    struct SummaryAnswer: Encodable {
        var days: Int; var total: Int; var open: Int; var resolved: Int; var dismissed: Int; var actioned: Int
        var byCategory: [String: Int]; var bySeverity: [String: Int]
    }

    @Sendable func summary(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let since = try QueryParameters(request).since(defaultDays: 30, tenant: tenant)
        let s = try await tenant.scan(.signals) { $0.signalSummary(sinceMs: since.ms) }
        return try JSONResponse.make(SummaryAnswer(
            days: since.days, total: s.total, open: s.byStatus[.open]!, resolved: s.byStatus[.resolved]!,
            dismissed: s.byStatus[.dismissed]!, actioned: s.byStatus[.actioned]!,
            byCategory: Dictionary(uniqueKeysWithValues: s.byCategory.map { ($0.key.rawValue, $0.value) }),
            bySeverity: Dictionary(uniqueKeysWithValues: s.bySeverity.map { ($0.key.rawValue, $0.value) })))
    }

    struct FocusItem: Encodable { var rank: Int; var signal: Row }
    struct FocusAnswer: Encodable { var items: [FocusItem] }

    /// Open signals, most pressing first (`limit`, default 10).
    @Sendable func focus(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let limit = try QueryParameters(request).int("limit", default: 10, range: 1...100)
        let answer = try await tenant.scan(.signals) { state in
            FocusAnswer(items: state.signalFocus(limit: limit).enumerated().map { FocusItem(rank: $0.offset + 1, signal: Self.row($0.element, state)) })
        }
        return try JSONResponse.make(answer)
    }

    struct ActionBody: Decodable {
        var actionType: String?
        enum CodingKeys: String, CodingKey { case actionType = "action_type" }
    }

    /// Records what was done (`action_type`); the signal is `actioned`.
    @Sendable func action(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try QueryParameters.positiveID("id", context, kind: "signal")
        let body = try await JSONBody.decode(ActionBody.self, from: request, limit: 1 << 16)
        let actionType = try BodyField.requiredText(body.actionType, "action_type")
        guard actionType.count <= 200 else { throw APIError.badRequest(field: "action_type", "must be at most 200 characters") }
        let member = context.member
        return try await Self.edit(tenant, id) { state, now in
            guard let signal = state.signals.byID[id] else { throw SignalEditRefusal.unknownSignal(id) }
            return .act(id: id, actionType: actionType, atMs: now, impact: state.impactAction(for: signal, actionType: actionType, member: member, atMs: now))
        }
    }

    @Sendable func dismiss(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try QueryParameters.positiveID("id", context, kind: "signal")
        return try await Self.edit(tenant, id) { _, now in .dismiss(id: id, atMs: now) }
    }

    static func edit(_ tenant: TenantActor, _ id: Int, _ makeEdit: @escaping @Sendable (TenantState, Int64) throws -> SignalEdit) async throws -> Response {
        do {
            _ = try await tenant.editSignals(makeEdit)
        } catch let refusal as SignalEditRefusal {
            switch refusal {
            case .unknownSignal, .duplicateID: throw APIError(.notFound, code: "not_found", message: "id: no signal \(id)", field: "id")
            case .notOpen(_, let status): throw APIError(.conflict, code: "conflict", message: "id: signal \(id) is \(status.rawValue), not open", field: "id")
            }
        }
        guard let row = try await tenant.read({ state in state.signals.byID[id].map { Self.row($0, state) } }) else { throw APIError.notFound("id: no signal \(id)") }
        return try JSONResponse.make(row)
    }
}
