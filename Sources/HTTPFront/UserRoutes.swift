import Actors
import Hummingbird
import Runtime

/// Users: the most active ones, and one user's detail with their latest events.
struct UserRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/users/top", use: top)
        router.get("/api/users/:id", use: detail)
    }

    struct TopRow: Encodable { var userEmail: String; var events: Int; var accountId: String?; var lastSeen: String }
    struct TopAnswer: Encodable { var days: Int; var users: [TopRow] }

    @Sendable func top(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        try query.rejectUnsupportedFilters()
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let limit = try query.int("limit", default: 10, range: 1...1000)
        let rows = try await tenant.read { $0.topUsers(range, limit: limit) }
        return try JSONResponse.make(TopAnswer(days: range.count, users: rows.map {
            TopRow(userEmail: $0.user, events: $0.events, accountId: $0.account, lastSeen: ISOText.timestamp($0.lastSeenMs))
        }))
    }

    struct EventRow: Encodable { var eventType: String; var timestamp: String; var pageUrl: String?; var accountId: String?; var properties: [String: String] }
    struct DetailAnswer: Encodable {
        var userEmail: String; var anonymous: Bool; var firstSeen: String; var lastSeen: String; var events: Int
        var accountId: String?; var externalId: String?; var properties: [String: String]; var latestEvents: [EventRow]
    }

    /// `events_limit` latest events (default 100, at most 500).
    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = (context.parameters.get("id") ?? "").removingPercentEncoding ?? ""
        let limit = try QueryParameters(request).int("events_limit", default: 100, range: 1...500)
        guard let d = try await tenant.read({ $0.userDetail(id, eventsLimit: limit) }) else {
            throw APIError(.notFound, code: "not_found", message: "id: no user '\(id)'", field: "id")
        }
        return try JSONResponse.make(DetailAnswer(
            userEmail: d.user, anonymous: d.isAnonymous, firstSeen: ISOText.timestamp(d.firstSeenMs), lastSeen: ISOText.timestamp(d.lastSeenMs),
            events: d.events, accountId: d.account, externalId: d.externalID, properties: d.properties,
            latestEvents: d.latestEvents.map { EventRow(eventType: $0.eventType, timestamp: ISOText.timestamp($0.timestampMs), pageUrl: $0.page,
                                                        accountId: $0.account, properties: $0.properties) }))
    }
}

import Foundation
