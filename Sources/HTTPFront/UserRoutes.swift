import Foundation
import Actors
import Hummingbird
import Runtime

/// Users: the most active ones, and one user's detail with their latest events.
struct UserRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/users/top", use: top)
        router.get("/api/users/:id", use: detail)
        router.put("/api/users/:id/properties", use: setProperties)
        router.get("/api/users/:id/notes", use: notes)
        router.post("/api/users/:id/notes", use: addNote)
        router.delete("/api/users/:id/notes/:noteId", use: deleteNote)
        router.get("/api/users/:id/trend", use: trend)
    }

    static func row(_ u: TenantState.UserActivity) -> TopRow {
        TopRow(userEmail: u.user, events: u.events, accountId: u.account, lastSeen: ISOText.timestamp(u.lastSeenMs))
    }

    struct TopRow: Encodable { var userEmail: String; var events: Int; var accountId: String?; var lastSeen: String }
    struct TopAnswer: Encodable { var days: Int; var users: [TopRow] }

    @Sendable func top(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let filter = try query.accountFilter()
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let limit = try query.int("limit", default: 10, range: 1...1000)
        let rows = try await tenant.filtered(filter, offActor: true) { state in state.topUsers(range, limit: limit, among: state.resolve(filter)?.users) }
        return try JSONResponse.make(TopAnswer(days: range.count, users: rows.map(Self.row)))
    }

    struct EventRow: Encodable { var eventType: String; var timestamp: String; var pageUrl: String?; var accountId: String?; var properties: [String: String] }
    struct DetailAnswer: Encodable {
        var userEmail: String; var anonymous: Bool; var firstSeen: String; var lastSeen: String; var events: Int
        var accountId: String?; var externalId: String?; var properties: [String: String]; var notes: [ProfileEditing.NoteRow]
        var latestEvents: [EventRow]
    }

    /// `events_limit` latest events (default 100, at most 500).
    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        let limit = try QueryParameters(request).int("events_limit", default: 100, range: 1...500)
        guard let d = try await tenant.scan(.none, { $0.userDetail(id, eventsLimit: limit) }) else {
            throw APIError(.notFound, code: "not_found", message: "id: no user '\(id)'", field: "id")
        }
        return try JSONResponse.make(DetailAnswer(
            userEmail: d.user, anonymous: d.isAnonymous, firstSeen: ISOText.timestamp(d.firstSeenMs), lastSeen: ISOText.timestamp(d.lastSeenMs),
            events: d.events, accountId: d.account, externalId: d.externalID, properties: d.properties, notes: d.notes.map(ProfileEditing.row),
            latestEvents: d.latestEvents.map { EventRow(eventType: $0.eventType, timestamp: ISOText.timestamp($0.timestampMs), pageUrl: $0.page,
                                                        accountId: $0.account, properties: $0.properties) }))
    }

    static func unknown(_ id: String) -> APIError { APIError(.notFound, code: "not_found", message: "id: no user '\(id)'", field: "id") }

    struct PropertiesAnswer: Encodable { var userEmail: String; var externalId: String?; var properties: [String: String] }

    /// Sets attributes (first_name, last_name, external_id, custom keys); null removes one.
    @Sendable func setProperties(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        let changes = try ProfileEditing.propertyChanges(try await JSONBody.decode(PropertiesBody.self, from: request, limit: 1 << 20))
        _ = try await ProfileEditing.apply(tenant) { _, _ in .setUserProperties(user: id, properties: changes) }
        let answer = try await tenant.read { s in s.userIndex(id).map { (s.userProperties($0.rawValue), s.externalID(of: $0)) } }
        guard let (properties, externalID) = answer else { throw Self.unknown(id) }
        return try JSONResponse.make(PropertiesAnswer(userEmail: id, externalId: externalID, properties: properties))
    }

    struct NotesAnswer: Encodable { var userEmail: String; var notes: [ProfileEditing.NoteRow] }

    @Sendable func notes(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        guard let notes = try await tenant.read({ $0.userNotes(id) }) else { throw Self.unknown(id) }
        return try JSONResponse.make(NotesAnswer(userEmail: id, notes: notes.map(ProfileEditing.row)))
    }

    @Sendable func addNote(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        return try await ProfileEditing.addNote(request, tenant) { .addUserNote(user: id, note: $0) }
    }

    @Sendable func deleteNote(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        return try await ProfileEditing.deleteNote(context, tenant) { .deleteUserNote(user: id, noteID: $0) }
    }

    struct TrendPoint: Encodable { var date: String; var active: Bool; var events: Int; var eventTypes: Int }
    struct TrendAnswer: Encodable { var userEmail: String; var days: Int; var activeDays: Int; var series: [TrendPoint] }

    @Sendable func trend(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        let range = try QueryParameters(request).dayRange(defaultDays: 30, tenant: tenant)
        guard let series = try await tenant.scan(.none, { $0.userTrend(id, range: range) }) else { throw Self.unknown(id) }
        return try JSONResponse.make(TrendAnswer(userEmail: id, days: range.count, activeDays: series.filter { $0.events > 0 }.count, series: series.map {
            TrendPoint(date: TenantCalendar.isoDate($0.day), active: $0.events > 0, events: $0.events, eventTypes: $0.eventTypes)
        }))
    }
}
