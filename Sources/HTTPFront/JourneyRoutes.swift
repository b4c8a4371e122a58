import Actors
import Foundation
import Hummingbird
import Runtime

/// Journeys: 2–8 steps with a completion window; the live funnel, stuck users, a daily snapshot
/// kept 30 days, and recommendations to act on or dismiss. Nudge copy for a step is written here too.
struct JourneyRoutes {
    let adminKeys: Set<String>

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/journeys", use: list)
        router.post("/api/journeys", use: create)
        router.get("/api/journeys/:id", use: detail)
        router.put("/api/journeys/:id", use: update)
        router.delete("/api/journeys/:id", use: delete)
        router.get("/api/journeys/:id/funnel", use: funnel)
        router.get("/api/journeys/:id/stuck", use: stuck)
        router.post("/api/journeys/:id/recommendations/:recId/act", use: act)
        router.post("/api/journeys/:id/recommendations/:recId/dismiss", use: dismiss)
        router.post("/api/nudges/generate", use: generate)
    }

    struct StepRow: Encodable { var eventType: String; var label: String }
    struct RecommendationRow: Encodable { var id: String; var kind: String; var step: Int; var users: Int; var message: String; var status: String; var decidedAt: String? }
    struct SnapshotRow: Encodable { var date: String; var users: [Int] }
    struct JourneyRow: Encodable {
        var id: Int; var name: String; var steps: [StepRow]; var completionWindowDays: Int; var status: String; var createdAt: String
        var users: [Int]; var conversion: Double; var openRecommendations: Int
    }

    /// The journey's live funnel and recommendations, worked out once per answer.
    struct Live {
        var users: [Int]
        var recommendations: [TenantState.Recommendation]

        init(_ j: Journey, _ state: TenantState, nowMs: Int64) {
            let funnel = state.journeyFunnel(j, endingOn: state.day(of: nowMs))
            users = funnel.steps.map(\.users)
            recommendations = state.recommendations(for: j, funnel: funnel)
        }
    }

    static func row(_ j: Journey, _ live: Live) -> JourneyRow {
        let users = live.users
        return JourneyRow(id: j.id, name: j.name, steps: j.steps.map { StepRow(eventType: $0.eventType, label: $0.label) }, completionWindowDays: j.windowDays,
                          status: j.status.rawValue, createdAt: ISOText.timestamp(j.createdMs), users: users,
                          conversion: (users.first ?? 0) == 0 ? 0 : (Double(users.last ?? 0) / Double(users[0]) * 10_000).rounded() / 10_000,
                          openRecommendations: live.recommendations.filter { $0.decision == nil }.count)
    }

    static func recommendationRows(_ live: Live) -> [RecommendationRow] {
        live.recommendations.map {
            RecommendationRow(id: $0.id, kind: $0.kind.rawValue, step: $0.step, users: $0.users, message: $0.message,
                              status: $0.decision.map { $0.action == .act ? "acted" : "dismissed" } ?? "open", decidedAt: $0.decision.map { ISOText.timestamp($0.atMs) })
        }
    }

    struct ListAnswer: Encodable { var journeys: [JourneyRow] }

    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let now = tenant.now()
        let rows = try await tenant.scan(.journeys) { state in state.journeys.byID.values.sorted { $0.id < $1.id }.map { Self.row($0, Live($0, state, nowMs: now)) } }
        return try JSONResponse.make(ListAnswer(journeys: rows))
    }

    struct DetailAnswer: Encodable { var journey: JourneyRow; var snapshots: [SnapshotRow]; var recommendations: [RecommendationRow] }

    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        return try await detailAnswer(tenant, try Self.journeyID(context), status: .ok)
    }

    private func detailAnswer(_ tenant: TenantActor, _ id: Int, status: HTTPResponse.Status) async throws -> Response {
        let now = tenant.now()
        guard let answer = try await tenant.scan(.journeys, { state -> DetailAnswer? in
            state.journeys.byID[id].map { j in
                let live = Live(j, state, nowMs: now)
                return DetailAnswer(journey: Self.row(j, live), snapshots: j.snapshots.map { SnapshotRow(date: TenantCalendar.isoDate($0.day), users: $0.users) },
                                    recommendations: Self.recommendationRows(live))
            }
        }) else { throw Self.unknown(id) }
        return try JSONResponse.make(answer, status: status)
    }

    /// `name`, `steps` (2–8 of `{"event_type","label"}`), `completion_window_days` (default 7), `status`.
    static func definition(_ body: JourneyBody, existing: JourneyDefinition?) throws -> JourneyDefinition {
        var d = existing ?? JourneyDefinition(name: "", steps: [])
        if existing == nil || body.name.isMentioned {
            d.name = try BodyField.requiredText(body.name.value, "name")
            guard d.name.count <= 200 else { throw APIError.badRequest(field: "name", "is longer than 200 characters") }
        }
        if existing == nil || body.steps.isMentioned {
            guard let list = body.steps.value else { throw APIError.badRequest(field: "steps", "is required (2 to 8 steps)") }
            guard (2...8).contains(list.count) else { throw APIError.badRequest(field: "steps", "needs 2 to 8 steps, got \(list.count)") }
            d.steps = try list.enumerated().map { i, step in
                guard let type = step.eventType, !type.isEmpty else { throw APIError.badRequest(field: "steps[\(i)].event_type", "is required") }
                let label = step.label?.string.flatMap { $0.isEmpty ? nil : $0 } ?? type
                return JourneyStep(eventType: type, label: label)
            }
        }
        if let window = body.completionWindowDays {
            guard (1...90).contains(window) else { throw APIError.badRequest(field: "completion_window_days", "must be between 1 and 90, got \(window)") }
            d.windowDays = window
        }
        if let statusName = try BodyField.text(body.status, "status") {
            guard let status = Journey.Status(rawValue: statusName) else { throw APIError.badRequest(field: "status", "must be active or paused, got '\(statusName)'") }
            d.status = status
        }
        return d
    }

    @Sendable func create(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let d = try Self.definition(try await JSONBody.decode(JourneyBody.self, from: request, limit: 1 << 16), existing: nil)
        let edit = try await Self.apply(tenant) { id, now in .create(d, id: id, nowMs: now) }
        guard case .create(_, let id, _) = edit else { preconditionFailure("the edit made above") }
        return try await detailAnswer(tenant, id, status: .created)
    }

    /// Editing a journey needs an admin key (`x-admin-key`) as well as the API key.
    @Sendable func update(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        try QueryParameters.requireAdminKey(request, in: adminKeys, for: "editing a journey")
        let id = try Self.journeyID(context)
        let body = try await JSONBody.decode(JourneyBody.self, from: request, limit: 1 << 16)
        guard let existing = try await tenant.read({ state in state.journeys.byID[id].map {
            JourneyDefinition(name: $0.name, steps: $0.steps, windowDays: $0.windowDays, status: $0.status)
        } }) else { throw Self.unknown(id) }
        let d = try Self.definition(body, existing: existing)
        _ = try await Self.apply(tenant) { _, now in .update(d, id: id, nowMs: now) }
        return try await detailAnswer(tenant, id, status: .ok)
    }

    @Sendable func delete(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.journeyID(context)
        _ = try await Self.apply(tenant) { _, _ in .delete(id: id) }
        return try JSONResponse.make(ProfileEditing.DeletedAnswer(deleted: true, id: UInt64(id)))
    }

    struct FunnelAnswer: Encodable { var journeyId: Int; var computed: String; var funnel: FunnelRoutes.FunnelAnswer }

    /// The funnel computed now (30 days, the journey's window), not the nightly snapshot.
    @Sendable func funnel(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.journeyID(context)
        let now = tenant.now()
        guard let answer = try await tenant.scan(.journeys, { state -> FunnelAnswer? in
            state.journeys.byID[id].map { j in
                let today = state.day(of: now)
                return FunnelAnswer(journeyId: id, computed: "live", funnel: FunnelRoutes.answer(state.journeyFunnel(j, endingOn: today),
                                                                                                range: DayRange(days: 30, endingOn: today), windowDays: j.windowDays, userList: nil))
            }
        }) else { throw Self.unknown(id) }
        return try JSONResponse.make(answer)
    }

    struct StuckRow: Encodable { var userEmail: String; var lastSeen: String }
    struct StuckAnswer: Encodable { var journeyId: Int; var fromStep: Int; var toStep: Int; var total: Int; var offset: Int; var users: [StuckRow] }

    /// `from` (a step number, default 1): users who reached it but not the next within the window.
    @Sendable func stuck(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.journeyID(context)
        let query = QueryParameters(request)
        let from = try query.int("from", default: 1, range: 1...7)
        let limit = try query.int("limit", default: 100, range: 1...10_000)
        let offset = try query.int("offset", default: 0, range: 0...Int(Int32.max))
        let now = tenant.now()
        let answer = try await tenant.scan(.journeys) { state -> Result<StuckAnswer, APIError> in
            guard let j = state.journeys.byID[id] else { return .failure(Self.unknown(id)) }
            guard from < j.steps.count else { return .failure(.badRequest(field: "from", "must be a step before the last (1 to \(j.steps.count - 1))")) }
            let all = state.stuckUsers(j, from: from, nowMs: now)
            return .success(StuckAnswer(journeyId: id, fromStep: from, toStep: from + 1, total: all.count, offset: offset,
                                        users: all.dropFirst(offset).prefix(limit).map { StuckRow(userEmail: $0.user, lastSeen: ISOText.timestamp($0.lastSeenMs)) }))
        }.get()
        return try JSONResponse.make(answer)
    }

    @Sendable func act(_ request: Request, context: BeaconRequestContext) async throws -> Response { try await decide(context, .act) }
    @Sendable func dismiss(_ request: Request, context: BeaconRequestContext) async throws -> Response { try await decide(context, .dismiss) }

    private func decide(_ context: BeaconRequestContext, _ action: RecommendationDecision.Action) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.journeyID(context)
        let rec = QueryParameters.pathParameter("recId", context)
        let member = context.member
        _ = try await Self.apply(tenant) { state, _, now in
            // Acting (the first time) starts tracking the drop-off it aims to lower.
            guard action == .act, let journey = state.journeys.byID[id], journey.decisions[rec]?.action != .act,
                  let recommendation = state.recommendations(for: journey, nowMs: now).first(where: { $0.id == rec }) else {
                return .decide(id: id, recommendation: rec, action: action, atMs: now)
            }
            return .decide(id: id, recommendation: rec, action: action, atMs: now,
                           impact: state.impactAction(journey: journey, recommendation: recommendation, member: member, atMs: now))
        }
        return try await detailAnswer(tenant, id, status: .ok)
    }

    struct GeneratedCopy: Encodable {
        var journeyId: Int; var stepIndex: Int; var title: String; var body: String; var buttonText: String; var stuckUsers: Int
        var suggestedGoalEvent: String; var method: String; var note: String
    }

    /// `journey_id`, `step_index` (0-based, the step users are stuck after): copy written from
    /// templates, since no language model is available offline.
    @Sendable func generate(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(NudgeCopyBody.self, from: request, limit: 1 << 16)
        guard let id = body.journeyID else { throw APIError.badRequest(field: "journey_id", "is required") }
        guard let index = body.stepIndex, index >= 0 else { throw APIError.badRequest(field: "step_index", "is required (0-based)") }
        let now = tenant.now()
        switch try await tenant.scan(.journeys, { $0.journeyCopy(journey: id, stepIndex: index, nowMs: now) }) {
        case .failure(.unknownJourney):
            throw APIError(.notFound, code: "not_found", message: "journey_id: no journey \(id)", field: "journey_id")
        case .failure(.noNextStep(let last)):
            throw APIError.badRequest(field: "step_index", "must be 0 to \(last) (a step with a next one)")
        case .success(let c):
            return try JSONResponse.make(GeneratedCopy(journeyId: id, stepIndex: index, title: c.title, body: c.body, buttonText: c.buttonText,
                                                       stuckUsers: c.stuckUsers, suggestedGoalEvent: c.suggestedGoalEvent, method: "template",
                                                       note: "written from templates: no language model is available offline"))
        }
    }

    static func journeyID(_ context: BeaconRequestContext) throws -> Int {
        try QueryParameters.positiveID("id", context, kind: "journey")
    }

    static func unknown(_ id: Int) -> APIError { APIError(.notFound, code: "not_found", message: "id: no journey \(id)", field: "id") }

    static func apply(_ tenant: TenantActor, _ makeEdit: @escaping @Sendable (Int, Int64) -> JourneyEdit) async throws -> JourneyEdit {
        try await apply(tenant) { _, next, now in makeEdit(next, now) }
    }

    static func apply(_ tenant: TenantActor, _ makeEdit: @escaping @Sendable (TenantState, Int, Int64) -> JourneyEdit) async throws -> JourneyEdit {
        do {
            return try await tenant.editJourneys(makeEdit)
        } catch let refusal as JourneyEditRefusal {
            switch refusal {
            case .unknownJourney(let id): throw unknown(id)
            case .unknownRecommendation(let rec): throw APIError(.notFound, code: "not_found", message: "recId: no recommendation '\(rec)'", field: "recId")
            case .duplicateImpact(let id): throw APIError(.conflict, code: "conflict", message: "recId: impact action \(id) exists; try again", field: "recId")
            }
        }
    }
}
