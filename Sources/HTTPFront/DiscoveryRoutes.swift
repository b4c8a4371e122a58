import Actors
import Hummingbird
import Runtime

/// Discoveries (docs/discoveries.md): behaviours of users' first days that go with reaching a
/// success event, their status and pins, and the success events (three at most).
struct DiscoveryRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/discoveries", use: list)
        router.get("/api/discoveries/summary", use: summary)
        router.get("/api/discoveries/success-events", use: successEvents)
        router.post("/api/discoveries/success-events", use: addSuccessEvent)
        router.delete("/api/discoveries/success-events/:id", use: removeSuccessEvent)
        router.patch("/api/discoveries/:id", use: mark)
    }

    struct Behaviour: Encodable { var kind: String; var eventType: String; var property: String?; var value: String?; var description: String }
    struct SuccessRef: Encodable { var id: Int; var eventType: String; var timeWindowDays: Int }
    struct Interval: Encodable { var low: Double; var high: Double; var level: Double }
    struct Row: Encodable {
        var id: Int; var successEvent: SuccessRef; var behaviour: Behaviour; var behaviourWindowDays: Int
        var lift: Double; var confidenceInterval: Interval
        var doers: Int; var doersReached: Int; var doerRate: Double; var others: Int; var othersReached: Int; var otherRate: Double
        var status: String; var pinned: Bool; var foundAt: String; var updatedAt: String
    }

    static func row(_ f: DiscoveryFinding, _ record: DiscoveryRecord, _ success: SuccessEvent) -> Row {
        let b = f.behaviour, interval = f.interval
        return Row(id: record.id, successEvent: SuccessRef(id: success.id, eventType: success.eventType, timeWindowDays: success.windowDays),
                   behaviour: Behaviour(kind: b.kind.rawValue, eventType: b.eventType, property: b.kind == .property ? b.key : b.kind == .page ? "page" : nil,
                                        value: b.kind == .event ? nil : b.value, description: b.description),
                   behaviourWindowDays: success.behaviourDays, lift: f.lift, confidenceInterval: Interval(low: interval.low, high: interval.high, level: 0.95),
                   doers: f.doers, doersReached: f.doersReached, doerRate: f.doerRate, others: f.others, othersReached: f.othersReached,
                   otherRate: f.otherRate, status: record.status.rawValue, pinned: record.pinned,
                   foundAt: ISOText.timestamp(record.foundMs), updatedAt: ISOText.timestamp(record.updatedMs))
    }

    /// The latest run's findings that have a record, pinned first, then by lift.
    static func rows(_ answer: (run: DiscoveryRun, discoveries: Discoveries)) -> [Row] {
        let d = answer.discoveries
        let rows = answer.run.findings.compactMap { f -> Row? in
            guard let success = d.successEvents[f.successID], let id = d.id(of: Discoveries.Key(successID: f.successID, behaviour: f.behaviour)),
                  let record = d.records[id] else { return nil }
            return row(f, record, success)
        }
        return rows.sorted { a, b in a.pinned != b.pinned ? a.pinned : a.lift != b.lift ? a.lift > b.lift : a.id < b.id }
    }

    enum StatusFilter: String, CaseIterable { case new, reviewed, actioned, dismissed, all }

    struct RunInfo: Encodable { var computedAt: String; var durationMs: Double }
    struct ListAnswer: Encodable { var status: String; var minLift: Double; var total: Int; var run: RunInfo?; var discoveries: [Row] }

    /// `status` (new, reviewed, actioned, dismissed, all; default: all but dismissed), `min_lift` (default 1), `limit` (default 50, ≤ 500), `success_event_id`.
    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let status: StatusFilter? = try query.choice("status")
        let minLift = try Self.minLift(query)
        let limit = try query.int("limit", default: 50, range: 1...500)
        let successID = try query.string("success_event_id").map { text -> Int in
            guard let id = Int(text), id > 0 else { throw APIError.badRequest(field: "success_event_id", "must be a positive integer, got '\(text.prefix(64))'") }
            return id
        }
        let answer = try await tenant.discoveryAnswer()
        if let successID, answer.discoveries.successEvents[successID] == nil {
            throw APIError(.notFound, code: "not_found", message: "success_event_id: no success event \(successID)", field: "success_event_id")
        }
        let matching = Self.rows(answer).filter { row in
            let statusMatches = switch status {
            case nil: row.status != DiscoveryRecord.Status.dismissed.rawValue
            case .all?: true
            case let s?: row.status == s.rawValue
            }
            return statusMatches && row.lift >= minLift && (successID == nil || row.successEvent.id == successID)
        }
        let run = answer.discoveries.successEvents.isEmpty ? nil : RunInfo(computedAt: ISOText.timestamp(answer.run.computedMs), durationMs: answer.run.durationMs)
        return try JSONResponse.make(ListAnswer(status: status?.rawValue ?? "active", minLift: minLift, total: matching.count, run: run,
                                                discoveries: Array(matching.prefix(limit))))
    }

    static func minLift(_ query: QueryParameters) throws -> Double {
        guard let text = query.string("min_lift") else { return 1 }
        guard let value = Double(text), value.isFinite, (0...1_000_000).contains(value) else {
            throw APIError.badRequest(field: "min_lift", "must be a number of 0–1000000, got '\(text.prefix(64))'")
        }
        return value
    }

    struct SummaryAnswer: Encodable {
        var totalActive: Int; var new: Int; var reviewed: Int; var actioned: Int; var dismissed: Int; var pinned: Int
        var highestLift: Double?; var topDiscoveryId: Int?; var successEvents: Int; var run: RunInfo?
    }

    /// Active means found by the latest run and not dismissed.
    @Sendable func summary(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let answer = try await context.requireTenant().discoveryAnswer()
        let rows = Self.rows(answer)
        func count(_ s: DiscoveryRecord.Status) -> Int { rows.filter { $0.status == s.rawValue }.count }
        let active = rows.filter { $0.status != DiscoveryRecord.Status.dismissed.rawValue }
        let top = active.max { $0.lift < $1.lift }
        let run = answer.discoveries.successEvents.isEmpty ? nil : RunInfo(computedAt: ISOText.timestamp(answer.run.computedMs), durationMs: answer.run.durationMs)
        return try JSONResponse.make(SummaryAnswer(
            totalActive: active.count, new: count(.new), reviewed: count(.reviewed), actioned: count(.actioned), dismissed: count(.dismissed),
            pinned: rows.filter(\.pinned).count, highestLift: top?.lift, topDiscoveryId: top?.id,
            successEvents: answer.discoveries.successEvents.count, run: run))
    }

    struct SuccessRow: Encodable {
        var id: Int; var eventType: String; var timeWindowDays: Int; var behaviourWindowDays: Int; var createdAt: String
        var cohortUsers: Int?; var reachedUsers: Int?; var discoveries: Int
    }
    struct SuccessAnswer: Encodable { var limit: Int; var successEvents: [SuccessRow] }

    @Sendable func successEvents(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let answer = try await context.requireTenant().discoveryAnswer()
        let rows = answer.discoveries.successEvents.values.sorted { $0.id < $1.id }.map { s in
            SuccessRow(id: s.id, eventType: s.eventType, timeWindowDays: s.windowDays, behaviourWindowDays: s.behaviourDays,
                       createdAt: ISOText.timestamp(s.createdMs), cohortUsers: answer.run.cohorts[s.id]?.users, reachedUsers: answer.run.cohorts[s.id]?.reached,
                       discoveries: answer.run.findings.filter { $0.successID == s.id }.count)
        }
        return try JSONResponse.make(SuccessAnswer(limit: Discoveries.maxSuccessEvents, successEvents: rows))
    }

    static func refused(_ refusal: DiscoveryEditRefusal) -> APIError {
        switch refusal {
        case .unknownSuccessEvent(let id): APIError(.notFound, code: "not_found", message: "id: no success event \(id)", field: "id")
        case .unknownDiscovery(let id): APIError(.notFound, code: "not_found", message: "id: no discovery \(id)", field: "id")
        case .tooManySuccessEvents:
            APIError(.conflict, code: "conflict", message: "body: at most \(Discoveries.maxSuccessEvents) success events; delete one first", field: "body")
        case .duplicateEventType(let type): APIError(.conflict, code: "conflict", message: "event_type: '\(type)' is a success event already", field: "event_type")
        case .duplicateID(let id): APIError(.conflict, code: "conflict", message: "id: \(id) is taken", field: "id")
        }
    }

    static func edit(_ tenant: TenantActor, _ makeEdit: @escaping @Sendable (TenantState, Int, Int64) throws -> DiscoveryEdit) async throws -> DiscoveryEdit {
        do { return try await tenant.editDiscoveries(makeEdit) } catch let refusal as DiscoveryEditRefusal { throw Self.refused(refusal) }
    }

    /// `event_type` (required), `time_window_days` (1–365, default 30), `behaviour_window_days` (1–time_window_days, default 7 or less).
    @Sendable func addSuccessEvent(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let fields = try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16),
                                                allowed: ["event_type", "time_window_days", "behaviour_window_days"])
        guard let type = fields["event_type"]?.string, (1...200).contains(type.count) else {
            throw APIError.badRequest(field: "event_type", "is required: an event type of 1–200 characters")
        }
        let window = try WorkspaceRoutes.days(fields["time_window_days"], "time_window_days", default: SuccessEvent.defaultWindowDays, max: SuccessEvent.maxWindowDays)
        let behaviour = try WorkspaceRoutes.days(fields["behaviour_window_days"], "behaviour_window_days", default: min(SuccessEvent.defaultBehaviourDays, window), max: window)
        let edit = try await Self.edit(tenant) { _, id, now in
            .addSuccessEvent(SuccessEvent(id: id, eventType: type, windowDays: window, behaviourDays: behaviour, createdMs: now))
        }
        guard case .addSuccessEvent(let s) = edit else { throw APIError.notFound("id: no success event") }
        return try JSONResponse.make(SuccessRow(id: s.id, eventType: s.eventType, timeWindowDays: s.windowDays, behaviourWindowDays: s.behaviourDays,
                                                createdAt: ISOText.timestamp(s.createdMs), cohortUsers: nil, reachedUsers: nil, discoveries: 0), status: .created)
    }

    @Sendable func removeSuccessEvent(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try QueryParameters.positiveID("id", context, kind: "success event")
        _ = try await Self.edit(try context.requireTenant()) { _, _, _ in .removeSuccessEvent(id: id) }
        return try JSONResponse.make(WorkspaceRoutes.Deleted(id: id, deleted: true))
    }

    struct Marked: Encodable { var id: Int; var status: String; var pinned: Bool; var updatedAt: String }

    /// `status` (new, reviewed, actioned, dismissed) and/or `pinned` (boolean).
    @Sendable func mark(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try QueryParameters.positiveID("id", context, kind: "discovery")
        let fields = try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["status", "pinned"])
        var status: DiscoveryRecord.Status?
        if let value = fields["status"], !value.isNull {
            guard let text = value.string, let s = DiscoveryRecord.Status(rawValue: text) else {
                throw APIError.badRequest(field: "status", "must be new, reviewed, actioned or dismissed")
            }
            status = s
        }
        var pinned: Bool?
        if let value = fields["pinned"], !value.isNull {
            guard case .bool(let b) = value else { throw APIError.badRequest(field: "pinned", "must be true or false") }
            pinned = b
        }
        guard status != nil || pinned != nil else { throw APIError.badRequest(field: "body", "needs status or pinned") }
        let (s, p) = (status, pinned)
        _ = try await Self.edit(tenant) { _, _, now in .mark(id: id, status: s, pinned: p, atMs: now) }
        let record = try await tenant.read { $0.discoveries.records[id] }
        guard let record else { throw APIError(.notFound, code: "not_found", message: "id: no discovery \(id)", field: "id") }
        return try JSONResponse.make(Marked(id: id, status: record.status.rawValue, pinned: record.pinned, updatedAt: ISOText.timestamp(record.updatedMs)))
    }
}
