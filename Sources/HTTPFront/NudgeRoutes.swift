import Actors
import Foundation
import Hummingbird
import Runtime

/// Nudges: create and edit, activate (with a warning about other nudges on the page), pause,
/// delete, tracking, audiences that follow their segment, impact, and what a page should show.
struct NudgeRoutes {
    let adminKeys: Set<String>

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/nudges", use: list)
        router.post("/api/nudges", use: create)
        router.get("/api/nudges/eligible", use: eligible)
        router.get("/api/nudges/impact", use: impact)
        router.post("/api/nudges/refresh-audiences", use: refreshAudiences)
        router.get("/api/nudges/:id", use: detail)
        router.put("/api/nudges/:id", use: update)
        router.delete("/api/nudges/:id", use: delete)
        router.post("/api/nudges/:id/activate", use: activate)
        router.post("/api/nudges/:id/pause", use: pause)
        router.post("/api/nudges/:id/track", use: track)
        router.get("/api/nudges/:id/audience", use: audience)
    }

    struct Stats: Encodable { var entered: Int; var audience: Int; var shown: Int; var clicked: Int; var dismissed: Int; var progressed: Int?; var impressions: Int; var clicks: Int }
    struct NudgeRow: Encodable {
        var id: Int; var title: String; var body: String?; var buttonText: String?; var nudgeType: String; var targetPageUrl: String
        var targetSegmentId: Int?; var goalEvent: String?; var status: String; var audienceType: String; var createdAt: String; var updatedAt: String; var stats: Stats
        /// A poll's answers; absent for other kinds.
        var choices: [String]?
    }

    static func row(_ n: Nudge, _ state: TenantState) -> NudgeRow { row(n, funnel: state.audienceFunnel(n)) }

    static func row(_ n: Nudge, funnel f: TenantState.AudienceFunnel) -> NudgeRow {
        NudgeRow(id: n.id, title: n.title, body: n.body, buttonText: n.buttonText, nudgeType: n.kind.rawValue, targetPageUrl: n.targetPage,
                        targetSegmentId: n.targetSegment, goalEvent: n.goalEvent, status: n.status.rawValue,
                        audienceType: n.targetSegment == nil ? "everyone" : "segment", createdAt: ISOText.timestamp(n.createdMs), updatedAt: ISOText.timestamp(n.updatedMs),
                        stats: Stats(entered: f.entered, audience: f.current, shown: f.shown, clicked: f.clicked, dismissed: f.dismissed,
                                     progressed: f.progressed, impressions: f.impressions, clicks: f.clicks),
                        choices: n.kind == .poll ? n.choices : nil)
    }

    struct ListAnswer: Encodable { var nudges: [NudgeRow] }

    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let rows = try await tenant.scan(.segments) { state in
            let list = state.nudges.byID.values.sorted { $0.id < $1.id }
            return zip(list, state.audienceFunnels(list)).map { Self.row($0, funnel: $1) }
        }
        return try JSONResponse.make(ListAnswer(nudges: rows))
    }

    /// The fields of a nudge from a body; for an edit, missing fields keep `existing`'s values.
    static func definition(_ body: NudgeBody, existing: NudgeDefinition?) throws -> NudgeDefinition {
        var d = existing ?? NudgeDefinition(title: "", targetPage: "")
        if existing == nil || body.title.isMentioned {
            d.title = try BodyField.requiredText(body.title.value, "title")
            guard d.title.count <= 200 else { throw APIError.badRequest(field: "title", "is longer than 200 characters") }
        }
        if existing == nil || body.targetPageURL.isMentioned {
            d.targetPage = try BodyField.requiredText(body.targetPageURL.value, "target_page_url")
            guard d.targetPage.hasPrefix("/") || d.targetPage.contains("://") else {
                throw APIError.badRequest(field: "target_page_url", "must be a path (/pricing, /docs/*) or a URL")
            }
        }
        if body.nudgeType.isMentioned {
            let name = try BodyField.requiredText(body.nudgeType.value, "nudge_type")
            guard let kind = Nudge.Kind(rawValue: name) else { throw APIError.badRequest(field: "nudge_type", "must be floating, banner or poll, got '\(name)'") }
            d.kind = kind
        }
        if body.choices.isMentioned { d.choices = try Self.choices(body.choices.value ?? nil) }
        if d.kind == .poll, d.choices.count < 2 { throw APIError.badRequest(field: "choices", "a poll needs 2 to \(Self.maxChoices) choices") }
        if d.kind != .poll, !d.choices.isEmpty { throw APIError.badRequest(field: "choices", "only a poll (nudge_type poll) has choices") }
        if body.body.isMentioned { d.body = try BodyField.text(body.body.value, "body") }
        if body.buttonText.isMentioned { d.buttonText = try BodyField.text(body.buttonText.value, "button_text") }
        if body.goalEvent.isMentioned { d.goalEvent = try BodyField.text(body.goalEvent.value, "goal_event") }
        if body.targetSegmentID.isMentioned {
            let id = body.targetSegmentID.value?.wrappedValue
            if let id, id <= 0 { throw APIError.badRequest(field: "target_segment_id", "must be a segment id") }
            d.targetSegment = id
        }
        return d
    }

    @Sendable func create(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let d = try Self.definition(try await JSONBody.decode(NudgeBody.self, from: request, limit: 1 << 16), existing: nil)
        let edit = try await Self.apply(tenant) { id, now in .create(d, id: id, nowMs: now) }
        guard case .create(_, let id, _) = edit else { preconditionFailure("the edit made above") }
        return try await detailAnswer(tenant, id, status: .created)
    }

    @Sendable func update(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.nudgeID(context)
        let body = try await JSONBody.decode(NudgeBody.self, from: request, limit: 1 << 16)
        guard let existing = try await tenant.read({ state in state.nudges.byID[id]?.definition }) else { throw Self.unknown(id) }
        let d = try Self.definition(body, existing: existing)
        _ = try await Self.apply(tenant) { _, now in .update(d, id: id, nowMs: now) }
        return try await detailAnswer(tenant, id, status: .ok)
    }

    struct DetailAnswer: Encodable { var nudge: NudgeRow; var audienceSample: [String] }

    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try await detailAnswer(try context.requireTenant(), try Self.nudgeID(context), status: .ok)
    }

    private func detailAnswer(_ tenant: TenantActor, _ id: Int, status: HTTPResponse.Status) async throws -> Response {
        guard let answer = try await tenant.scan(.segments, { state in
            state.nudges.byID[id].map { DetailAnswer(nudge: Self.row($0, state), audienceSample: $0.audience.members(offset: 0, limit: 100).map { state.userNames.string($0) }) }
        }) else { throw Self.unknown(id) }
        return try JSONResponse.make(answer, status: status)
    }

    struct ActivateAnswer: Encodable { var nudge: NudgeRow; var warning: String?; var otherActiveOnPage: [Int] }

    /// Turns the nudge on; warns when other active nudges show on the same page.
    @Sendable func activate(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.nudgeID(context)
        let member = context.member
        _ = try await Self.apply(tenant) { state, _, now in
            // Turning it on (not when it is on already) starts tracking its click rate.
            guard let nudge = state.nudges.byID[id], nudge.status != .active else { return .setStatus(id: id, status: .active, nowMs: now) }
            return .setStatus(id: id, status: .active, nowMs: now, impact: state.impactAction(nudge: nudge, member: member, atMs: now))
        }
        // Another request may have deleted it since: answer 404 rather than assume it is there.
        guard let answer = try await tenant.readWithSegments({ state -> ActivateAnswer? in
            guard let nudge = state.nudges.byID[id] else { return nil }
            let others = state.activeNudgesSharingPage(with: nudge)
            return ActivateAnswer(nudge: Self.row(nudge, state),
                                  warning: others.isEmpty ? nil : "other active nudges show on \(nudge.targetPage): \(others.map(String.init).joined(separator: ", "))",
                                  otherActiveOnPage: others)
        }) else { throw Self.unknown(id) }
        return try JSONResponse.make(answer)
    }

    @Sendable func pause(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.nudgeID(context)
        _ = try await Self.apply(tenant) { _, now in .setStatus(id: id, status: .paused, nowMs: now) }
        return try await detailAnswer(tenant, id, status: .ok)
    }

    @Sendable func delete(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.nudgeID(context)
        _ = try await Self.apply(tenant) { _, _ in .delete(id: id) }
        return try JSONResponse.make(ProfileEditing.DeletedAnswer(deleted: true, id: UInt64(id)))
    }

    struct TrackAnswer: Encodable { var recorded: Bool; var eventType: String }

    /// `event_type` (impression, click or dismiss) and `user_email`, from the in-page tracker.
    @Sendable func track(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.nudgeID(context)
        let body = try await JSONBody.decode(NudgeTrackBody.self, from: request, limit: 1 << 16)
        let name = try BodyField.requiredText(body.eventType, "event_type")
        guard let action = NudgeEdit.TrackedAction(rawValue: name) else { throw APIError.badRequest(field: "event_type", "must be impression, click or dismiss, got '\(name)'") }
        let user = try BodyField.requiredText(body.userEmail, "user_email")
        _ = try await Self.apply(tenant) { _, now in .track(id: id, user: user, action: action, atMs: now) }
        return try JSONResponse.make(TrackAnswer(recorded: true, eventType: name))
    }

    struct LogRow: Encodable { var userEmail: String; var at: String; var change: String }
    struct AudienceAnswer: Encodable { var nudgeId: Int; var stats: Stats; var entriesTotal: Int; var exitsTotal: Int; var recentChanges: [LogRow] }

    /// The audience funnel (entered, shown, clicked, dismissed, progressed) and the latest entries and exits.
    @Sendable func audience(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.nudgeID(context)
        let limit = try QueryParameters(request).int("limit", default: 50, range: 0...10_000)
        guard let answer = try await tenant.scan(.segments, { state -> AudienceAnswer? in
            guard let n = state.nudges.byID[id] else { return nil }
            let row = Self.row(n, state)
            return AudienceAnswer(nudgeId: id, stats: row.stats, entriesTotal: n.audienceEntries, exitsTotal: n.audienceExits, recentChanges: n.audienceLog.suffix(limit).reversed().map {
                LogRow(userEmail: state.userNames.string($0.user), at: ISOText.timestamp($0.atMs), change: $0.entered ? "entered" : "exited")
            })
        }) else { throw Self.unknown(id) }
        return try JSONResponse.make(answer)
    }

    struct ImpactRow: Encodable { var id: Int; var title: String; var shown: Int; var clicked: Int; var dismissed: Int; var progressed: Int?; var clickRate: Double; var progressRate: Double? }
    struct ImpactAnswer: Encodable { var nudges: Int; var active: Int; var shown: Int; var clicked: Int; var dismissed: Int; var progressed: Int; var clickRate: Double; var rows: [ImpactRow] }

    @Sendable func impact(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let impact = try await tenant.scan(.segments) { $0.nudgeImpact() }
        let answer = ImpactAnswer(nudges: impact.rows.count, active: impact.active, shown: impact.shown, clicked: impact.clicked,
                                  dismissed: impact.dismissed, progressed: impact.progressed, clickRate: impact.clickRate, rows: impact.rows.map { r in
            ImpactRow(id: r.nudge.id, title: r.nudge.title, shown: r.funnel.shown, clicked: r.funnel.clicked, dismissed: r.funnel.dismissed,
                      progressed: r.funnel.progressed, clickRate: r.clickRate, progressRate: r.progressRate)
        })
        return try JSONResponse.make(answer)
    }

    /// `user_email`, `page_url`: the active nudges this user should see on this page now.
    @Sendable func eligible(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let user = try query.requiredString("user_email")
        let page = try query.requiredString("page_url")
        let nudges = try await tenant.readWithSegments { $0.eligibleNudges(user: user, page: page) }
        var json = JSONWriter(capacity: 256)
        json.object { json in
            json.key("user_email"); json.value(user)
            json.key("page_url"); json.value(page)
            json.key("nudges"); json.array { json in
                for n in nudges {
                    json.object { json in
                        json.key("id"); json.value(n.id)
                        json.key("title"); json.value(n.title)
                        if let body = n.body { json.key("body"); json.value(body) }
                        if let button = n.buttonText { json.key("button_text"); json.value(button) }
                        json.key("nudge_type"); json.value(n.kind.rawValue)
                        if n.kind == .poll { json.key("choices"); json.array { list in for choice in n.choices { list.value(choice) } } }
                    }
                }
            }
        }
        return json.response()
    }

    struct RefreshAnswer: Encodable { var refreshed: Bool; var nudges: Int }

    /// Recomputes every dynamic segment whole and the audiences that follow them (needs `x-admin-key`).
    @Sendable func refreshAudiences(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        try QueryParameters.requireAdminKey(request, in: adminKeys, for: "refreshing audiences")
        return try JSONResponse.make(RefreshAnswer(refreshed: true, nudges: try await tenant.refreshAudiences()))
    }

    static let maxChoices = 11

    /// A poll's answers: 2 to 11 distinct texts of 1 to 100 characters (0 to 10 fits a score scale).
    static func choices(_ list: [String]?) throws -> [String] {
        guard let list else { return [] }
        guard list.count <= maxChoices else { throw APIError.badRequest(field: "choices", "a poll offers at most \(maxChoices) choices") }
        for (i, choice) in list.enumerated() where choice.trimmingCharacters(in: .whitespaces).isEmpty || choice.count > 100 {
            throw APIError.badRequest(field: "choices[\(i)]", "must be 1 to 100 characters")
        }
        guard Set(list).count == list.count else { throw APIError.badRequest(field: "choices", "must be distinct") }
        return list
    }

    static func nudgeID(_ context: BeaconRequestContext) throws -> Int {
        try QueryParameters.positiveID("id", context, kind: "nudge")
    }

    static func unknown(_ id: Int) -> APIError { APIError(.notFound, code: "not_found", message: "id: no nudge \(id)", field: "id") }

    static func apply(_ tenant: TenantActor, _ makeEdit: @escaping @Sendable (Int, Int64) -> NudgeEdit) async throws -> NudgeEdit {
        try await apply(tenant) { _, next, now in makeEdit(next, now) }
    }

    static func apply(_ tenant: TenantActor, _ makeEdit: @escaping @Sendable (TenantState, Int, Int64) -> NudgeEdit) async throws -> NudgeEdit {
        do {
            return try await tenant.editNudges(makeEdit)
        } catch let refusal as NudgeEditRefusal {
            switch refusal {
            case .unknownNudge(let id): throw unknown(id)
            case .unknownSegment(let id): throw APIError(.notFound, code: "not_found", message: "target_segment_id: no segment \(id)", field: "target_segment_id")
            case .unknownUser(let name): throw APIError(.notFound, code: "not_found", message: "user_email: no user '\(name)'", field: "user_email")
            case .duplicateImpact(let id): throw APIError(.conflict, code: "conflict", message: "id: impact action \(id) exists; try again", field: "id")
            }
        }
    }
}
