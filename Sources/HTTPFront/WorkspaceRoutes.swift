import Actors
import Hummingbird
import Runtime

/// Threshold alerts with their firings, goals with their progress, and saved views per page
/// (docs/workspace.md).
struct WorkspaceRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/alerts", use: alerts)
        router.post("/api/alerts", use: createAlert)
        router.delete("/api/alerts/:id", use: deleteAlert)
        router.get("/api/goals", use: goals)
        router.post("/api/goals", use: createGoal)
        router.delete("/api/goals/:id", use: deleteGoal)
        router.get("/api/views", use: views)
        router.post("/api/views", use: createView)
        router.delete("/api/views/:id", use: deleteView)
    }

    /// `event_count`, `active_users`, `error_rate` or `event:<type>`.
    static func metric(_ value: JSONValue?, _ field: String = "metric") throws -> WorkspaceMetric {
        guard let text = value?.string else { throw APIError.badRequest(field: field, "is required: event_count, active_users, error_rate or event:<type>") }
        guard let metric = WorkspaceMetric(name: text), text.count <= 206 else {
            throw APIError.badRequest(field: field, "must be event_count, active_users, error_rate or event:<type>, got '\(text)'")
        }
        return metric
    }

    /// A whole number of days, 1–`max`, or `defaultValue` when absent or null.
    static func days(_ value: JSONValue?, _ field: String, default defaultValue: Int, max: Int) throws -> Int {
        guard let value, !value.isNull else { return defaultValue }
        guard let d = value.integer, (1...max).contains(d) else { throw APIError.badRequest(field: field, "must be a whole number of 1–\(max)") }
        return d
    }

    static func name(_ value: JSONValue?, _ field: String = "name") throws -> String {
        guard let text = value?.string, (1...200).contains(text.count) else { throw APIError.badRequest(field: field, "is required: text of 1–200 characters") }
        return text
    }

    /// A finite number within ±1e15.
    static func number(_ value: JSONValue?, _ field: String) throws -> Double {
        let n: Double?
        switch value {
        case .integer(let i): n = Double(i)
        case .number(let d): n = d
        default: n = nil
        }
        guard let n, n.isFinite, abs(n) <= 1e15 else { throw APIError.badRequest(field: field, "is required: a number within ±1e15") }
        return n
    }

    /// The body's fields, when it is an object holding only `allowed` ones; `field` names a nested object.
    static func object(_ body: JSONValue, allowed: Set<String>, field: String? = nil) throws -> [String: JSONValue] {
        guard let fields = body.object else { throw APIError.badRequest(field: field ?? "body", "must be a JSON object") }
        if let stray = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.badRequest(field: field.map { "\($0).\(stray)" } ?? stray, "is not a field (\(allowed.sorted().joined(separator: ", ")))")
        }
        return fields
    }

    static func refused(_ error: WorkspaceEditRefusal) -> APIError {
        switch error {
        case .unknown(let kind, let id): APIError(.notFound, code: "not_found", message: "id: no \(kind) \(id)", field: "id")
        case .full(let kind, let limit): APIError(.conflict, code: "conflict", message: "body: at most \(limit) \(kind) are kept; delete one first", field: "body")
        case .duplicateID(let id): APIError(.conflict, code: "conflict", message: "id: \(id) is taken", field: "id")
        }
    }

    static func edit(_ tenant: TenantActor, _ makeEdit: @escaping @Sendable (TenantState, Int, Int64) throws -> WorkspaceEdit) async throws -> WorkspaceEdit {
        do { return try await tenant.editWorkspace(makeEdit) } catch let refusal as WorkspaceEditRefusal { throw Self.refused(refusal) }
    }

    // MARK: alerts

    struct FiringRow: Encodable { var date: String; var firedAt: String; var value: Double }
    struct AlertRow: Encodable {
        var id: Int; var name: String; var metric: String; var threshold: Double; var direction: String; var member: String
        var createdAt: String; var firingCount: Int; var lastFiredAt: String?; var firings: [FiringRow]
    }

    static func row(_ a: Alert) -> AlertRow {
        AlertRow(id: a.id, name: a.name, metric: a.metric.name, threshold: a.threshold, direction: a.direction.rawValue, member: a.member,
                 createdAt: ISOText.timestamp(a.createdMs), firingCount: a.firings.count, lastFiredAt: a.firings.last.map { ISOText.timestamp($0.atMs) },
                 firings: a.firings.suffix(10).reversed().map { FiringRow(date: TenantCalendar.isoDate($0.day), firedAt: ISOText.timestamp($0.atMs), value: $0.value) })
    }

    struct AlertsAnswer: Encodable { var alerts: [AlertRow] }

    /// Every alert, newest first, each with its latest 10 firings.
    @Sendable func alerts(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let list = try await context.requireTenant().scan(.signals) { $0.workspace.alerts.values.sorted { $0.id > $1.id } }
        return try JSONResponse.make(AlertsAnswer(alerts: list.map(Self.row)))
    }

    /// `name`, `metric`, `threshold`, `direction` (above, below).
    @Sendable func createAlert(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let fields = try Self.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["name", "metric", "threshold", "direction"])
        let name = try Self.name(fields["name"]), metric = try Self.metric(fields["metric"]), threshold = try Self.number(fields["threshold"], "threshold")
        guard let text = fields["direction"]?.string, let direction = Alert.Direction(rawValue: text) else {
            throw APIError.badRequest(field: "direction", "is required: above or below")
        }
        let member = context.member
        let edit = try await Self.edit(tenant) { _, id, now in
            .createAlert(Alert(id: id, name: name, metric: metric, threshold: threshold, direction: direction, member: member, createdMs: now))
        }
        guard case .createAlert(let alert) = edit else { throw APIError.notFound("id: no alert") }
        return try JSONResponse.make(Self.row(alert), status: .created)
    }

    struct Deleted: Encodable { var id: Int; var deleted: Bool }

    @Sendable func deleteAlert(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try QueryParameters.positiveID("id", context, kind: "alert")
        _ = try await Self.edit(try context.requireTenant()) { _, _, _ in .deleteAlert(id: id) }
        return try JSONResponse.make(Deleted(id: id, deleted: true))
    }

    // MARK: goals

    struct GoalRow: Encodable {
        var id: Int; var name: String; var metric: String; var target: Double; var days: Int; var member: String; var createdAt: String
        var value: Double; var progress: Double?; var achieved: Bool
    }

    struct GoalsAnswer: Encodable { var asOf: String; var goals: [GoalRow] }

    /// Every goal with its metric over its last `days` up to today, newest first.
    @Sendable func goals(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let today = QueryParameters.today(tenant)
        let rows = try await tenant.scan(.none) { state in
            state.workspace.goals.values.sorted { $0.id > $1.id }.map { g in
                let p = state.goalProgress(g, today: today)
                return GoalRow(id: g.id, name: g.name, metric: g.metric.name, target: g.target, days: g.days, member: g.member,
                               createdAt: ISOText.timestamp(g.createdMs), value: p.value, progress: p.progress, achieved: p.achieved)
            }
        }
        return try JSONResponse.make(GoalsAnswer(asOf: TenantCalendar.isoDate(today), goals: rows))
    }

    /// `name`, `metric`, `target`, `days` (1–365, default 30).
    @Sendable func createGoal(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let fields = try Self.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["name", "metric", "target", "days"])
        let name = try Self.name(fields["name"]), metric = try Self.metric(fields["metric"]), target = try Self.number(fields["target"], "target")
        let days = try Self.days(fields["days"], "days", default: 30, max: 365)
        let member = context.member
        _ = try await Self.edit(tenant) { _, id, now in .createGoal(Goal(id: id, name: name, metric: metric, target: target, days: days, member: member, createdMs: now)) }
        let today = QueryParameters.today(tenant)
        let row = try await tenant.read { state -> GoalRow? in
            guard let g = state.workspace.goals.values.max(by: { $0.id < $1.id }) else { return nil }
            let p = state.goalProgress(g, today: today)
            return GoalRow(id: g.id, name: g.name, metric: g.metric.name, target: g.target, days: g.days, member: g.member,
                           createdAt: ISOText.timestamp(g.createdMs), value: p.value, progress: p.progress, achieved: p.achieved)
        }
        return try JSONResponse.make(row, status: .created)
    }

    @Sendable func deleteGoal(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try QueryParameters.positiveID("id", context, kind: "goal")
        _ = try await Self.edit(try context.requireTenant()) { _, _, _ in .deleteGoal(id: id) }
        return try JSONResponse.make(Deleted(id: id, deleted: true))
    }

    // MARK: views

    /// Views written by hand: a view's state is the client's JSON, given back byte for byte.
    static func write(_ v: SavedView, into json: inout JSONWriter) {
        json.object { json in
            json.key("created_at"); json.timestamp(v.createdMs)
            json.key("id"); json.value(v.id)
            json.key("member"); json.value(v.member)
            json.key("name"); json.value(v.name)
            json.key("page"); json.value(v.page)
            json.key("state"); json.raw(Array(v.state.utf8))
        }
    }

    /// The views saved for `page` (every page's without it), by name.
    @Sendable func views(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let page = QueryParameters(request).string("page")
        if let page, !(1...200).contains(page.count) { throw APIError.badRequest(field: "page", "must be 1–200 characters") }
        let list = try await context.requireTenant().read { state in
            state.workspace.views.values.filter { page == nil || $0.page == page }.sorted { ($0.page, $0.name, $0.id) < ($1.page, $1.name, $1.id) }
        }
        var json = JSONWriter()
        json.object { json in
            if let page { json.key("page"); json.value(page) }
            json.key("views"); json.array { json in for v in list { Self.write(v, into: &json) } }
        }
        return json.response()
    }

    /// `page`, `name`, `state` (a JSON object, at most 16 KiB).
    @Sendable func createView(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let fields = try Self.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["page", "name", "state"])
        let page = try Self.name(fields["page"], "page"), name = try Self.name(fields["name"])
        let state = fields["state"] ?? .object([:])
        guard state.object != nil else { throw APIError.badRequest(field: "state", "must be a JSON object") }
        let text = state.jsonText
        guard text.utf8.count <= SavedView.maxStateBytes else { throw APIError.badRequest(field: "state", "must be at most \(SavedView.maxStateBytes) bytes of JSON") }
        let member = context.member
        let edit = try await Self.edit(tenant) { _, id, now in .createView(SavedView(id: id, page: page, name: name, state: text, member: member, createdMs: now)) }
        guard case .createView(let view) = edit else { throw APIError.notFound("id: no view") }
        var json = JSONWriter()
        Self.write(view, into: &json)
        return json.response(status: .created)
    }

    @Sendable func deleteView(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try QueryParameters.positiveID("id", context, kind: "view")
        _ = try await Self.edit(try context.requireTenant()) { _, _, _ in .deleteView(id: id) }
        return try JSONResponse.make(Deleted(id: id, deleted: true))
    }
}
