import Actors
import Hummingbird
import Runtime

/// Event questions: correlation, property keys of an event type, trends split by a property.
struct EventRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/events/correlation", use: correlation)
        router.get("/api/events/:eventType/properties", use: properties)
        router.get("/api/trends", use: trends)
    }

    /// Resolves an event type name on the actor, or a 400 naming `field`.
    static func type(_ name: String, _ state: TenantState, field: String) -> Result<EventTypeIndex, APIError> {
        state.eventTypeIndex(name).map { .success($0) } ?? .failure(.badRequest(field: field, "unknown event type '\(name)'"))
    }

    struct CorrelationAnswer: Encodable {
        var eventA: String; var eventB: String; var days: Int; var activeUsers: Int; var usersA: Int; var usersB: Int; var usersBoth: Int
        var rateWithA: Double; var rateWithoutA: Double; var lift: Double
    }

    /// How much likelier doers of `event_a` are to do `event_b` than other active users, over `days`.
    @Sendable func correlation(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let a = try query.requiredString("event_a"), b = try query.requiredString("event_b")
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let c = try await tenant.read { state in
            Self.type(a, state, field: "event_a").flatMap { ta in Self.type(b, state, field: "event_b").map { tb in state.correlation(ta, tb, range) } }
        }.get()
        return try JSONResponse.make(CorrelationAnswer(eventA: a, eventB: b, days: range.count, activeUsers: c.activeUsers, usersA: c.usersA,
                                                       usersB: c.usersB, usersBoth: c.usersBoth, rateWithA: c.rateWithA,
                                                       rateWithoutA: c.rateWithoutA, lift: c.lift))
    }

    struct ValueRow: Encodable { var value: String; var events: Int }
    struct KeyRow: Encodable { var key: String; var events: Int; var examples: [ValueRow] }
    struct PropertiesAnswer: Encodable { var eventType: String; var days: Int; var properties: [KeyRow] }

    @Sendable func properties(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let name = QueryParameters.pathParameter("eventType", context)
        let range = try QueryParameters(request).dayRange(defaultDays: 30, tenant: tenant)
        let keys = try await tenant.scan { state in Self.type(name, state, field: "eventType").map { state.propertyKeys(of: $0, range) } }.get()
        return try JSONResponse.make(PropertiesAnswer(eventType: name, days: range.count, properties: keys.map {
            KeyRow(key: $0.key, events: $0.events, examples: $0.topValues.map { ValueRow(value: $0.value, events: $0.events) })
        }))
    }

    struct SeriesRow: Encodable { var value: String; var total: Int; var daily: [Int] }
    struct TrendAnswer: Encodable { var event: String; var groupBy: String?; var days: Int; var dates: [String]; var series: [SeriesRow] }

    /// Events per day for `event`, split by the property `group_by` (top 10 values, then "(other)").
    @Sendable func trends(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let event = try query.requiredString("event")
        let groupBy = query.string("group_by")
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let type = try await tenant.read { state in Self.type(event, state, field: "event") }.get()
        let series: [TenantState.TrendSeries]
        if let groupBy {
            // The one pass over the type's events is split across the cores.
            series = try await tenant.scanSplit({ state, chunks in state.trendCounts(of: type, range, groupBy: groupBy, chunks: chunks) }) { parts, state in
                var total = TenantState.TrendCounts(width: range.count)
                for part in parts { total.add(part) }
                return state.trendSeries(total)
            }
        } else {
            series = try await tenant.read { $0.trend(of: type, range, groupBy: nil) }
        }
        return try JSONResponse.make(TrendAnswer(event: event, groupBy: groupBy, days: range.count, dates: range.all.map(TenantCalendar.isoDate),
                                                 series: series.map { SeriesRow(value: $0.value, total: $0.total, daily: $0.daily) }))
    }
}
