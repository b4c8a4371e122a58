import Actors
import Foundation
import Hummingbird
import Runtime

/// `POST /api/events/query`: users who did every include condition and none of the excludes.
struct EventQueryRoutes {
    static let maxIncludes = 4
    static let maxExcludes = 10

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/api/events/query", use: query)
    }

    /// A condition as read from the body, before its event type is looked up.
    struct ConditionInput {
        var path: String
        var event: String
        var filters: [PropertyFilter]
        var withinDays: Int?
        var minCount: Int
    }

    struct ConditionRow: Encodable { var event: String; var users: Int; var events: Int; var withinDays: Int; var minCount: Int; var filters: Int }
    struct Answer: Encodable {
        var days: Int; var start: String; var end: String; var matchingUsers: Int; var activeUsers: Int; var share: Double
        var includes: [ConditionRow]; var excludes: [ConditionRow]; var offset: Int; var users: [String]
    }

    @Sendable func query(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(EventQueryBody.self, from: request, limit: 1 << 20)
        let includes = try Self.conditions(body.includes, name: "includes", required: true, max: Self.maxIncludes)
        let excludes = try Self.conditions(body.excludes, name: "excludes", required: false, max: Self.maxExcludes)
        let range = try BodyField.dayRange(days: body.days, end: body.end, defaultDays: 30, tenant: tenant)
        let days = range.count, end = range.last
        for condition in includes + excludes {
            if let within = condition.withinDays, within > days {
                throw APIError.badRequest(field: "\(condition.path).within_days", "must not exceed days (\(days)), got \(within)")
            }
        }
        let limit = body.limit ?? 100
        guard (0...10_000).contains(limit) else { throw APIError.badRequest(field: "limit", "must be between 0 and 10000") }
        let offset = body.offset ?? 0
        guard (0...Int(Int32.max)).contains(offset) else { throw APIError.badRequest(field: "offset", "must be between 0 and \(Int32.max)") }

        let answer = try await tenant.scan { state -> Result<Answer, APIError> in
            func resolve(_ input: ConditionInput) -> Result<TenantState.EventCondition, APIError> {
                guard let type = state.eventTypeIndex(input.event) else {
                    return .failure(.badRequest(field: "\(input.path).event", "unknown event type '\(input.event)'"))
                }
                return .success(TenantState.EventCondition(eventType: type, filters: input.filters,
                                                           days: DayRange(days: input.withinDays ?? days, endingOn: end), minCount: input.minCount))
            }
            let included: [TenantState.EventCondition], excluded: [TenantState.EventCondition]
            do {
                included = try includes.map { try resolve($0).get() }
                excluded = try excludes.map { try resolve($0).get() }
            } catch let error as APIError { return .failure(error) } catch { return .failure(.badRequest(field: "body", "\(error)")) }
            let result = state.eventQuery(includes: included, excludes: excluded)
            let active = state.activeUsers(in: range).count
            func rows(_ inputs: [ConditionInput], _ results: [TenantState.ConditionResult]) -> [ConditionRow] {
                zip(inputs, results).map { ConditionRow(event: $0.event, users: $1.users.count, events: $1.events, withinDays: $0.withinDays ?? days,
                                                        minCount: $0.minCount, filters: $0.filters.count) }
            }
            let matching = result.matching.count
            return .success(Answer(
                days: days, start: TenantCalendar.isoDate(range.first), end: TenantCalendar.isoDate(range.last), matchingUsers: matching,
                activeUsers: active, share: active == 0 ? 0 : (Double(matching) / Double(active) * 10_000).rounded() / 10_000,
                includes: rows(includes, result.includes), excludes: rows(excludes, result.excludes), offset: offset,
                users: result.matching.members(offset: offset, limit: limit).map { state.userNames.string($0) }))
        }.get()
        return try JSONResponse.make(answer)
    }

    static func conditions(_ list: [EventQueryBody.Condition]?, name: String, required: Bool, max: Int) throws -> [ConditionInput] {
        guard let list else {
            if required { throw APIError.badRequest(field: name, "is required (an array of 1 to \(max) conditions)") }
            return []
        }
        guard list.count <= max, !(required && list.isEmpty) else {
            throw APIError.badRequest(field: name, "takes \(required ? 1 : 0) to \(max) conditions, got \(list.count)")
        }
        return try list.enumerated().map { i, condition in
            let path = "\(name)[\(i)]"
            guard let event = condition.event, !event.isEmpty else { throw APIError.badRequest(field: "\(path).event", "is required (an event type)") }
            let within = try positive(condition.withinDays, at: "\(path).within_days")
            let minCount = try positive(condition.minCount, at: "\(path).min_count") ?? 1
            guard minCount <= Self.maxMinCount else { throw APIError.badRequest(field: "\(path).min_count", "must be at most \(Self.maxMinCount)") }
            return ConditionInput(path: path, event: event, filters: try FilterParsing.filters(condition.filters, at: "\(path).where"),
                                  withinDays: within, minCount: minCount)
        }
    }

    static let maxMinCount = 1_000_000

    /// `number` unless it is below 1.
    static func positive(_ number: Int?, at path: String) throws -> Int? {
        guard let number else { return nil }
        guard number >= 1 else { throw APIError.badRequest(field: path, "must be a positive integer") }
        return number
    }
}
