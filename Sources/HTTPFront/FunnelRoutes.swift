import Actors
import Foundation
import Hummingbird
import Runtime

/// Ordered funnels: `GET /api/funnels` (event types in the query) and `POST /api/funnels` (steps
/// with property filters and their own windows, exclusions, and the users at a step).
struct FunnelRoutes {
    static let maxSteps = 20

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/funnels", use: funnel)
        router.post("/api/funnels", use: richFunnel)
        router.get("/api/funnels/compare", use: compare)
    }

    struct CompareRow: Encodable { var segmentId: Int?; var name: String; var size: Int; var funnel: FunnelAnswer }
    struct CompareAnswer: Encodable { var steps: [String]; var segments: [CompareRow] }

    /// The GET funnel's parameters plus `segments` (1 to 4 comma-separated segment ids): the funnel
    /// for all users, then for each segment's users.
    @Sendable func compare(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let steps = try Self.stepNames(query)
        let ids = try query.requiredString("segments").split(separator: ",", omittingEmptySubsequences: false).map { part -> Int in
            guard let id = Int(part.trimmingCharacters(in: .whitespaces)), id > 0 else { throw APIError.badRequest(field: "segments", "must be segment ids, got '\(part)'") }
            return id
        }
        guard (1...4).contains(ids.count) else { throw APIError.badRequest(field: "segments", "takes 1 to 4 segment ids, got \(ids.count)") }
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let windowDays = try query.int("window_days", default: 7, range: 1...365)
        let windowMs = Int64(windowDays) * TenantCalendar.dayMs
        let comparison = try await tenant.scan(.segments) { $0.funnelComparison(steps: steps, range: range, windowMs: windowMs, segments: ids) }
        let rows: [CompareRow]
        switch comparison {
        case .failure(.unknownStep(let unknown)):
            throw APIError.badRequest(field: "steps", "unknown event type '\(unknown)'")
        case .failure(.unknownSegment(let missing)):
            throw APIError(.notFound, code: "not_found", message: "segments: no segment \(missing)", field: "segments")
        case .success(let c):
            rows = [CompareRow(segmentId: nil, name: "All users", size: c.everyoneSize,
                               funnel: Self.answer(c.everyone, range: range, windowDays: windowDays, userList: nil))]
                + c.bySegment.map { segment, funnel in
                    CompareRow(segmentId: segment.id, name: segment.name, size: segment.members.count,
                               funnel: Self.answer(funnel, range: range, windowDays: windowDays, userList: nil))
                }
        }
        return try JSONResponse.make(CompareAnswer(steps: steps, segments: rows))
    }

    /// `steps`: 2 to 20 comma-separated event types.
    static func stepNames(_ query: QueryParameters) throws -> [String] {
        let steps = try query.requiredString("steps").split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard steps.count >= 2, steps.count <= Self.maxSteps else {
            throw APIError.badRequest(field: "steps", "needs 2 to \(Self.maxSteps) event types, got \(steps.count)")
        }
        if let empty = steps.firstIndex(where: \.isEmpty) { throw APIError.badRequest(field: "steps", "step \(empty + 1) is empty") }
        return steps
    }

    struct StepRow: Encodable {
        var step: Int; var eventType: String; var users: Int
        var conversionFromPrevious: Double; var conversionFromFirst: Double; var medianSecondsFromPrevious: Double?
    }
    struct UserList: Encodable { var step: Int; var status: String; var total: Int; var offset: Int; var users: [String] }
    struct FunnelAnswer: Encodable {
        var days: Int; var start: String; var end: String; var windowDays: Int; var steps: [StepRow]; var overallConversion: Double
        var userList: UserList?
    }

    /// `steps` (comma-separated event types, 2 to 20), `days`/`end` for the first step, `window_days` (default 7).
    @Sendable func funnel(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let steps = try Self.stepNames(query)
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let windowDays = try query.int("window_days", default: 7, range: 1...365)
        let result = try await tenant.scan { state -> Result<TenantState.Funnel, APIError> in
            if let unknown = steps.first(where: { state.eventTypeIndex($0) == nil }) {
                return .failure(APIError.badRequest(field: "steps", "unknown event type '\(unknown)'"))
            }
            return .success(state.funnel(steps: steps, range: range, windowMs: Int64(windowDays) * TenantCalendar.dayMs))
        }.get()
        return try JSONResponse.make(Self.answer(result, range: range, windowDays: windowDays, userList: nil))
    }

    static func answer(_ result: TenantState.Funnel, range: DayRange, windowDays: Int, userList: UserList?) -> FunnelAnswer {
        let first = max(1, result.steps.first?.users ?? 0)
        let rows = result.steps.enumerated().map { i, step in
            let previous = i == 0 ? step.users : result.steps[i - 1].users
            return StepRow(step: i + 1, eventType: step.eventType, users: step.users,
                           conversionFromPrevious: previous == 0 ? 0 : Double(step.users) / Double(previous),
                           conversionFromFirst: Double(step.users) / Double(first),
                           medianSecondsFromPrevious: step.medianMsFromPrevious.map { Double($0) / 1000 })
        }
        return FunnelAnswer(days: range.count, start: TenantCalendar.isoDate(range.first), end: TenantCalendar.isoDate(range.last), windowDays: windowDays,
                            steps: rows, overallConversion: (result.steps.first?.users ?? 0) == 0 ? 0 : Double(result.steps.last?.users ?? 0) / Double(first),
                            userList: userList)
    }

    struct StepInput { var path: String; var event: String; var filters: [PropertyFilter]; var withinMinutes: Int? }
    struct ExclusionInput { var path: String; var event: String; var filters: [PropertyFilter]; var afterStep: Int? }
    struct UsersRequest { var step: Int; var dropped: Bool; var limit: Int; var offset: Int }

    /// The JSON form: `steps` (2–20; each an event type, or `{"event","where","within_minutes"}`),
    /// `window_days` (default 7), `exclusions` (`{"event","where","after_step"}`), `days`/`end`,
    /// and `users` (`{"step","status":"converted"|"dropped","limit","offset"}`) to list who.
    @Sendable func richFunnel(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(FunnelBody.self, from: request, limit: 1 << 20)
        let steps = try Self.steps(body.steps)
        let exclusions = try Self.exclusions(body.exclusions, stepCount: steps.count)
        let windowDays = body.windowDays ?? 7
        guard (1...365).contains(windowDays) else { throw APIError.badRequest(field: "window_days", "must be between 1 and 365, got \(windowDays)") }
        let range = try BodyField.dayRange(days: body.days, end: body.end, defaultDays: 30, tenant: tenant)
        let usersRequest = try Self.usersRequest(body.users, stepCount: steps.count)
        let (result, userList) = try await tenant.scan { state -> Result<(TenantState.Funnel, UserList?), APIError> in
            var definition = TenantState.FunnelDefinition(steps: [], windowMs: Int64(windowDays) * TenantCalendar.dayMs)
            for step in steps {
                guard let type = state.eventTypeIndex(step.event) else { return .failure(.badRequest(field: "\(step.path).event", "unknown event type '\(step.event)'")) }
                definition.steps.append(.init(eventType: type, filters: step.filters, withinMs: step.withinMinutes.map { Int64($0) * 60_000 }))
            }
            for exclusion in exclusions {
                guard let type = state.eventTypeIndex(exclusion.event) else {
                    return .failure(.badRequest(field: "\(exclusion.path).event", "unknown event type '\(exclusion.event)'"))
                }
                definition.exclusions.append(.init(eventType: type, filters: exclusion.filters, afterStep: exclusion.afterStep))
            }
            let funnel = state.funnel(definition, range: range)
            let list = usersRequest.map { wanted -> UserList in
                let who = state.funnelUsers(funnel, step: wanted.step, dropped: wanted.dropped)
                return UserList(step: wanted.step, status: wanted.dropped ? "dropped" : "converted", total: who.count, offset: wanted.offset,
                                users: who.members(offset: wanted.offset, limit: wanted.limit).map { state.userNames.string($0) })
            }
            return .success((funnel, list))
        }.get()
        return try JSONResponse.make(Self.answer(result, range: range, windowDays: windowDays, userList: userList))
    }

    static func steps(_ list: [FunnelBody.Step]?) throws -> [StepInput] {
        guard let list else { throw APIError.badRequest(field: "steps", "is required (an array of 2 to \(maxSteps) steps)") }
        guard (2...maxSteps).contains(list.count) else { throw APIError.badRequest(field: "steps", "needs 2 to \(maxSteps) steps, got \(list.count)") }
        return try list.enumerated().map { i, step in
            let path = "steps[\(i)]"
            guard let event = step.event, !event.isEmpty else { throw APIError.badRequest(field: "\(path).event", "is required (an event type)") }
            let within = try EventQueryRoutes.positive(step.withinMinutes, at: "\(path).within_minutes")
            if i == 0, within != nil { throw APIError.badRequest(field: "\(path).within_minutes", "has no previous step to count from") }
            if let within, within > 525_600 { throw APIError.badRequest(field: "\(path).within_minutes", "must be at most 525600 (a year), got \(within)") }
            return StepInput(path: path, event: event, filters: try FilterParsing.filters(step.filters, at: "\(path).where"), withinMinutes: within)
        }
    }

    static func exclusions(_ list: [FunnelBody.Exclusion]?, stepCount: Int) throws -> [ExclusionInput] {
        guard let list else { return [] }
        guard list.count <= 10 else { throw APIError.badRequest(field: "exclusions", "must be an array of at most 10 exclusions") }
        return try list.enumerated().map { i, exclusion in
            let path = "exclusions[\(i)]"
            guard let event = exclusion.event, !event.isEmpty else { throw APIError.badRequest(field: "\(path).event", "is required (an event type)") }
            let after = try EventQueryRoutes.positive(exclusion.afterStep, at: "\(path).after_step")
            if let after, after >= stepCount {
                throw APIError.badRequest(field: "\(path).after_step", "must be between 1 and \(stepCount - 1) (the exclusion sits between that step and the next)")
            }
            return ExclusionInput(path: path, event: event, filters: try FilterParsing.filters(exclusion.filters, at: "\(path).where"), afterStep: after)
        }
    }

    static func usersRequest(_ users: FunnelBody.Users?, stepCount: Int) throws -> UsersRequest? {
        guard let users else { return nil }
        guard let step = users.step, (1...stepCount).contains(step) else {
            throw APIError.badRequest(field: "users.step", "must be a step number between 1 and \(stepCount)")
        }
        let status = users.status?.string ?? "converted"
        guard status == "converted" || status == "dropped" else { throw APIError.badRequest(field: "users.status", "must be converted or dropped, got '\(status)'") }
        if status == "dropped" && step == 1 { throw APIError.badRequest(field: "users.step", "nobody drops at step 1; ask for step 2 or later") }
        let limit = users.limit ?? 100
        guard (1...10_000).contains(limit) else { throw APIError.badRequest(field: "users.limit", "must be between 1 and 10000") }
        let offset = users.offset ?? 0
        guard (0...Int(Int32.max)).contains(offset) else { throw APIError.badRequest(field: "users.offset", "must be an integer between 0 and \(Int32.max)") }
        return UsersRequest(step: step, dropped: status == "dropped", limit: limit, offset: offset)
    }
}
