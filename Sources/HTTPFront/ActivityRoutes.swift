import Actors
import Hummingbird
import Runtime

/// Native reads answered from the indexes: live users, activity, monthly uniques, new against
/// returning users, event types, pages and data totals.
struct ActivityRoutes {
    let liveCache = LiveCache()
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/live", use: live)
        router.get("/api/activity", use: activity)
        router.get("/api/users/monthly", use: monthly)
        router.get("/api/users/new-vs-returning", use: newVsReturning)
        router.get("/api/events", use: events)
        router.get("/api/pages", use: pages)
        router.get("/api/data/stats", use: stats)
    }

    /// Users active in the last 5 minutes and 60 per-minute points; `at` pins the clock for replays.
    @Sendable func live(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let now = try QueryParameters(request).instant("at") ?? tenant.now()
        return try await Self.liveJSON(tenant, now: now, cache: liveCache).response()
    }

    /// `GET /api/live`'s answer; the live stream sends the same.
    static func liveJSON(_ tenant: TenantActor, now: Int64, cache: LiveCache) async throws -> JSONWriter {
        let live = try await tenant.read { state in
            cache.answer(tenant: tenant.id, version: state.version, minute: now / 60_000) { LiveCache.render(state.liveUsers(nowMs: now)) }
        }
        var json = JSONWriter()
        json.object { json in
            json.key("active_users"); json.value(live.activeUsers)
            json.key("as_of"); json.timestamp(now)
            json.key("sparkline"); json.raw(live.sparkline)
            json.key("window_minutes"); json.value(5)
        }
        return json
    }

    struct ActivityPoint: Encodable { var date: String; var activeUsers: Int; var events: Int; var newUsers: Int }
    struct ActivityAnswer: Encodable { var days: Int; var start: String; var end: String; var series: [ActivityPoint] }

    @Sendable func activity(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let filter = try query.accountFilter()
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let series = try await tenant.filtered(filter, offActor: filter.segment != nil) { state in state.activity(range, filter: state.resolve(filter)) }
        return try JSONResponse.make(ActivityAnswer(
            days: range.count, start: TenantCalendar.isoDate(range.first), end: TenantCalendar.isoDate(range.last),
            series: series.map { ActivityPoint(date: TenantCalendar.isoDate($0.day), activeUsers: $0.activeUsers, events: $0.events, newUsers: $0.newUsers) }))
    }

    struct MonthPoint: Encodable { var month: String; var users: Int; var events: Int }
    struct MonthlyAnswer: Encodable { var months: [MonthPoint] }

    @Sendable func monthly(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let months = try await tenant.read { $0.monthlyUniques() }
        return try JSONResponse.make(MonthlyAnswer(months: months.map {
            MonthPoint(month: TenantCalendar.monthLabel($0.month), users: $0.users, events: $0.events)
        }))
    }

    struct SplitPoint: Encodable { var date: String; var new: Int; var returning: Int }
    struct SplitAnswer: Encodable { var days: Int; var series: [SplitPoint]; var totalNew: Int; var totalReturning: Int }

    /// New users: first event ever on that day; returning: active that day, first seen before.
    @Sendable func newVsReturning(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let range = try QueryParameters(request).dayRange(defaultDays: 30, tenant: tenant)
        let series = try await tenant.read { $0.activity(range) }
        let points = series.map { SplitPoint(date: TenantCalendar.isoDate($0.day), new: $0.newUsers, returning: $0.activeUsers - $0.newUsers) }
        return try JSONResponse.make(SplitAnswer(days: range.count, series: points,
                                                 totalNew: points.reduce(0) { $0 + $1.new },
                                                 totalReturning: points.reduce(0) { $0 + $1.returning }))
    }

    struct EventTypeRow: Encodable { var eventType: String; var count: Int; var users: Int }
    struct EventsAnswer: Encodable { var days: Int; var eventTypes: [EventTypeRow] }

    @Sendable func events(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let range = try QueryParameters(request).dayRange(defaultDays: 90, tenant: tenant)
        // Archived types are kept in the data and left out of the list.
        let rows = try await tenant.read { state in state.eventTypeUsage(range).filter { !state.catalog.archivedTypes.contains($0.name) } }
        return try JSONResponse.make(EventsAnswer(days: range.count, eventTypes: rows.map { EventTypeRow(eventType: $0.name, count: $0.count, users: $0.users) }))
    }

    struct PageRow: Encodable { var pageUrl: String; var views: Int }
    struct PagesAnswer: Encodable { var days: Int; var pages: [PageRow] }

    @Sendable func pages(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let limit = try query.int("limit", default: 100, range: 1...10_000)
        let rows = try await tenant.read { $0.pageViews(range, limit: limit) }
        return try JSONResponse.make(PagesAnswer(days: range.count, pages: rows.map { PageRow(pageUrl: $0.page, views: $0.views) }))
    }

    struct StatsAnswer: Encodable {
        var events: Int; var eventsRetained: Int; var users: Int; var anonymousUsers: Int; var accounts: Int
        var eventTypes: Int; var pages: Int; var firstDay: String?; var lastDay: String?; var newestEvent: String?
    }

    @Sendable func stats(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let s = try await tenant.read { $0.dataStats }
        return try JSONResponse.make(StatsAnswer(
            events: s.eventsIngested, eventsRetained: s.eventsRetained, users: s.users, anonymousUsers: s.anonymousUsers,
            accounts: s.accounts, eventTypes: s.eventTypes, pages: s.pages,
            firstDay: s.firstDay.map(TenantCalendar.isoDate), lastDay: s.lastDay.map(TenantCalendar.isoDate),
            newestEvent: s.newestTimestampMs.map(ISOText.timestamp)))
    }
}
