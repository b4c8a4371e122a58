import Actors
import Hummingbird
import Runtime

/// Account health (docs/health.md): the list, one account's breakdown and the numbers behind it,
/// and its daily history (its settings are under `SettingsRoutes`).
struct HealthRoutes {

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/health", use: list)
        router.get("/api/health/:accountId", use: detail)
        router.get("/api/accounts/:id/health-history", use: history)
    }

    struct Components: Encodable {
        var activity: Int; var breadth: Int; var depth: Int; var trend: Int; var recency: Int
        init(_ values: [Int]) { (activity, breadth, depth, trend, recency) = (values[0], values[1], values[2], values[3], values[4]) }
    }

    struct Thresholds: Encodable { var green: Int; var yellow: Int }

    /// One account's row, written straight to bytes: a whole list of 10,000 through JSONEncoder
    /// cost ten times the scoring.
    static func write(_ h: AccountHealth, _ state: TenantState, into json: inout JSONWriter) {
        json.object { json in
            json.key("account_id"); json.value(state.accountNames.string(h.account.rawValue))
            json.key("active_users"); json.value(h.facts.activeUsers)
            json.key("components"); writeComponents(h.components, into: &json)
            json.key("events"); json.value(h.facts.events)
            if let day = h.facts.lastEventDay { json.key("last_event_date"); json.date(day) }
            json.key("score"); json.value(h.score)
            json.key("status"); json.value(h.status.rawValue)
            json.key("trend"); json.value(h.component(.trend))
            json.key("users"); json.value(h.facts.users)
        }
    }

    static func writeComponents(_ values: [Int], into json: inout JSONWriter) {
        json.object { json in
            json.key("activity"); json.value(values[0])
            json.key("breadth"); json.value(values[1])
            json.key("depth"); json.value(values[2])
            json.key("trend"); json.value(values[3])
            json.key("recency"); json.value(values[4])
        }
    }

    /// Global filters, `status`, `sort` (score, status, trend; worst first), `order` (asc, desc),
    /// `end` (the day scored; default today), `limit` (default 100), `offset`.
    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let filter = try query.accountFilter()
        let day = try query.endDay(tenant: tenant)
        let status: HealthStatus? = try query.choice("status")
        let order = try query.choice("sort", default: TenantState.HealthOrder.score)
        let descending = try query.choice("order", default: SortDirection.asc) == .desc
        let limit = try query.int("limit", default: 100, range: 1...10_000)
        let offset = try query.int("offset", default: 0, range: 0...Int(Int32.max))
        let json = try await tenant.filtered(filter, offActor: true) { state in
            let page = state.healthList(asOf: day, filter: filter, status: status, order: order, descending: descending, offset: offset, limit: limit)
            let s = state.health.settings
            var json = JSONWriter(capacity: 256 + page.rows.count * 200)
            json.object { json in
                json.key("accounts"); json.array { json in for h in page.rows { Self.write(h, state, into: &json) } }
                json.key("as_of"); json.date(day)
                json.key("counts"); json.object { json in
                    json.key("green"); json.value(page.counts[.green]!)
                    json.key("yellow"); json.value(page.counts[.yellow]!)
                    json.key("red"); json.value(page.counts[.red]!)
                }
                json.key("offset"); json.value(offset)
                json.key("thresholds"); json.object { json in
                    json.key("green"); json.value(s.greenAt)
                    json.key("yellow"); json.value(s.yellowAt)
                }
                json.key("total"); json.value(page.total)
                json.key("window_days"); json.value(HealthFormulas.windowDays)
            }
            return json
        }
        return json.response()
    }

    enum SortDirection: String, CaseIterable { case asc, desc }

    struct Facts: Encodable {
        var users: Int; var activeUsers: Int; var events: Int; var recentEvents: Int; var priorEvents: Int
        var eventTypes: Int; var breadthTarget: Int; var eventsPerActiveUser: Double?; var tenantEventsPerActiveUser: Double
        var lastEventDate: String?; var daysSinceLastEvent: Int?
    }

    struct DetailAnswer: Encodable {
        var accountId: String; var asOf: String; var windowDays: Int; var score: Int; var status: String
        var components: Components; var weights: Components; var thresholds: Thresholds; var facts: Facts
    }

    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("accountId", context)
        let day = try QueryParameters(request).endDay(tenant: tenant)
        let answer = try await tenant.scan(.none) { state -> Result<DetailAnswer, APIError> in
            guard let account = state.accountIndex(id) else { return .failure(AccountRoutes.unknown(id, field: "accountId")) }
            guard let h = state.accountHealthHistory(account, range: DayRange(days: 1, endingOn: day))[0] else {
                return .failure(APIError(.notFound, code: "not_found", message: "accountId: '\(id)' had no event by \(TenantCalendar.isoDate(day))", field: "accountId"))
            }
            let f = h.facts, s = state.health.settings
            return .success(DetailAnswer(
                accountId: id, asOf: TenantCalendar.isoDate(day), windowDays: HealthFormulas.windowDays, score: h.score, status: h.status.rawValue,
                components: Components(h.components), weights: Components(s.weights), thresholds: Thresholds(green: s.greenAt, yellow: s.yellowAt),
                facts: Facts(users: f.users, activeUsers: f.activeUsers, events: f.events, recentEvents: f.recentEvents, priorEvents: f.priorEvents,
                             eventTypes: f.eventTypes, breadthTarget: f.breadthTarget,
                             eventsPerActiveUser: f.activeUsers == 0 ? nil : Double(f.events) / Double(f.activeUsers),
                             tenantEventsPerActiveUser: f.tenantEventsPerActiveUser,
                             lastEventDate: f.lastEventDay.map(TenantCalendar.isoDate), daysSinceLastEvent: f.lastEventDay.map { Int(day - $0) })))
        }
        return try JSONResponse.make(try answer.get())
    }

    struct Point: Encodable { var date: String; var score: Int; var status: String; var components: Components; var source: String }
    /// A day whose status changed or where a component moved by `movedBy` points or more.
    struct Change: Encodable {
        var date: String; var scoreFrom: Int; var scoreTo: Int; var statusFrom: String; var statusTo: String; var moved: [String: Int]
    }
    struct HistoryAnswer: Encodable { var accountId: String; var days: Int; var points: [Point]; var changes: [Change] }
    static let movedBy = 10

    /// `days` (1–90, default 30) ending on `end` (default today).
    @Sendable func history(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        let query = QueryParameters(request)
        let days = try query.int("days", default: 30, range: 1...HealthRecord.keptDays)
        let range = DayRange(days: days, endingOn: try query.endDay(tenant: tenant))
        let today = QueryParameters.today(tenant)
        guard let points = try await tenant.scan(.health, { state in
            state.accountIndex(id).map { state.healthHistory($0, range: range, today: today) }
        }) else { throw AccountRoutes.unknown(id) }
        let changes = zip(points, points.dropFirst()).compactMap { before, after -> Change? in
            let moved = Dictionary(uniqueKeysWithValues: zip(HealthComponent.allCases, zip(before.components, after.components))
                .map { ($0.rawValue, $1.1 - $1.0) }.filter { abs($0.1) >= Self.movedBy })
            guard before.status != after.status || !moved.isEmpty else { return nil }
            return Change(date: TenantCalendar.isoDate(after.day), scoreFrom: before.score, scoreTo: after.score,
                          statusFrom: before.status.rawValue, statusTo: after.status.rawValue, moved: moved)
        }
        return try JSONResponse.make(HistoryAnswer(accountId: id, days: days, points: points.map {
            Point(date: TenantCalendar.isoDate($0.day), score: $0.score, status: $0.status.rawValue, components: Components($0.components), source: $0.source.rawValue)
        }, changes: changes))
    }
}
