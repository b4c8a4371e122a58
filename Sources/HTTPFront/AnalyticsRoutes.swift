import Actors
import Hummingbird
import Runtime

/// Analytics: retention and feature adoption (from the day indexes).
struct AnalyticsRoutes {
    static let maxCompared = 4

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/adoption", use: adoption)
        router.get("/api/adoption/compare", use: compareAdoption)
        router.get("/api/adoption/:eventType", use: featureAdoption)
        router.get("/api/retention", use: retention)
    }

    struct CohortRow: Encodable { var cohort: String; var users: Int; var retained: [Int]; var rates: [Double] }
    struct RetentionAnswer: Encodable { var eventA: String; var eventB: String; var period: String; var periods: Int; var cohorts: [CohortRow] }

    /// Cohorts by the period of each user's first `event_a`, retained by `event_b` in each later
    /// period (`any` for any event); cohorts starting within `days`/`end` (default 90 days).
    @Sendable func retention(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let eventA = try query.requiredString("event_a"), eventB = try query.requiredString("event_b")
        let periodText = query.string("period") ?? "week"
        guard let period = TenantState.RetentionPeriod(rawValue: periodText) else {
            throw APIError.badRequest(field: "period", "must be day, week or month, got '\(periodText)'")
        }
        let periods = try query.int("periods", default: 4, range: 1...52)
        let range = try query.dayRange(defaultDays: 90, tenant: tenant)
        let cohorts = try await tenant.read { state -> Result<[TenantState.Cohort], APIError> in
            func type(_ name: String, _ field: String) -> Result<EventTypeIndex?, APIError> {
                name == "any" ? .success(nil) : EventRoutes.type(name, state, field: field).map { $0 }
            }
            return type(eventA, "event_a").flatMap { a in
                type(eventB, "event_b").map { b in state.retention(entry: a, returning: b, period: period, cohortRange: range, periods: periods) }
            }
        }.get()
        return try JSONResponse.make(RetentionAnswer(eventA: eventA, eventB: eventB, period: period.rawValue, periods: periods, cohorts: cohorts.map { cohort in
            CohortRow(cohort: TenantCalendar.isoDate(cohort.start), users: cohort.users, retained: cohort.retained,
                      rates: cohort.retained.map { cohort.users == 0 ? 0 : Double($0) / Double(cohort.users) })
        }))
    }

    struct AdoptionRow: Encodable { var eventType: String; var users: Int; var activeUsers: Int; var events: Int; var adoptionRate: Double }
    struct AdoptionAnswer: Encodable { var days: Int; var start: String; var end: String; var activeUsers: Int; var eventTypes: [AdoptionRow] }

    static func row(_ a: TenantState.Adoption) -> AdoptionRow {
        AdoptionRow(eventType: a.eventType, users: a.users, activeUsers: a.activeUsers, events: a.events, adoptionRate: a.rate)
    }

    /// Every event type: distinct users who sent it over distinct active users, in `days`.
    @Sendable func adoption(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let range = try QueryParameters(request).dayRange(defaultDays: 30, tenant: tenant)
        let (rows, active) = try await tenant.read { ($0.adoption(range), $0.distinctActiveUsers(range)) }
        return try JSONResponse.make(AdoptionAnswer(days: range.count, start: TenantCalendar.isoDate(range.first), end: TenantCalendar.isoDate(range.last),
                                                    activeUsers: active, eventTypes: rows.map(Self.row)))
    }

    struct TrendPoint: Encodable { var date: String; var users: Int; var activeUsers: Int; var cumulativeUsers: Int }
    struct FeatureAnswer: Encodable { var days: Int; var adoption: AdoptionRow; var daily: [TrendPoint] }

    /// One feature's adoption with a daily trend (users that day, active that day, adopted so far).
    @Sendable func featureAdoption(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let eventType = QueryParameters.pathParameter("eventType", context)
        let range = try QueryParameters(request).dayRange(defaultDays: 30, tenant: tenant)
        guard let (total, daily) = try await tenant.read({ $0.adoption(of: eventType, range) }) else {
            throw APIError(.notFound, code: "not_found", message: "eventType: no events of type '\(eventType)'", field: "eventType")
        }
        return try JSONResponse.make(Self.featureAnswer(range, total, daily))
    }

    static func featureAnswer(_ range: DayRange, _ total: TenantState.Adoption, _ daily: [TenantState.AdoptionDay]) -> FeatureAnswer {
        FeatureAnswer(days: range.count, adoption: row(total), daily: daily.map {
            TrendPoint(date: TenantCalendar.isoDate($0.day), users: $0.users, activeUsers: $0.activeUsers, cumulativeUsers: $0.cumulativeUsers)
        })
    }

    struct CompareAnswer: Encodable { var days: Int; var features: [FeatureAnswer] }

    /// Up to four features side by side (`features`, comma-separated).
    @Sendable func compareAdoption(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let features = try query.requiredString("features").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...Self.maxCompared).contains(features.count), !features.contains(where: \.isEmpty) else {
            throw APIError.badRequest(field: "features", "needs 1 to \(Self.maxCompared) event types, got \(features.count)")
        }
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let results = try await tenant.read { state in features.map { state.adoption(of: $0, range) } }
        var answers: [FeatureAnswer] = []
        for (name, result) in zip(features, results) {
            guard let (total, daily) = result else { throw APIError.badRequest(field: "features", "unknown event type '\(name)'") }
            answers.append(Self.featureAnswer(range, total, daily))
        }
        return try JSONResponse.make(CompareAnswer(days: range.count, features: answers))
    }
}
