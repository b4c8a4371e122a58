import Actors
import Hummingbird
import Runtime

/// Accounts: the list with usage and the global filters, one account's detail, users and trend,
/// its properties, owner and notes, declining accounts, feature usage per account and the
/// values the filters can take.
struct AccountRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/accounts", use: list)
        router.get("/api/accounts/declining", use: declining)
        router.get("/api/accounts/feature-usage", use: featureUsage)
        router.get("/api/accounts/filter-options", use: filterOptions)
        router.get("/api/accounts/:id", use: detail)
        router.get("/api/accounts/:id/users", use: users)
        router.get("/api/accounts/:id/trend", use: trend)
        router.put("/api/accounts/:id/properties", use: setProperties)
        router.put("/api/accounts/:id/owner", use: setOwner)
        router.post("/api/accounts/:id/notes", use: addNote)
        router.delete("/api/accounts/:id/notes/:noteId", use: deleteNote)
    }

    struct AccountRow: Encodable {
        var accountId: String; var users: Int; var activeUsers: Int; var events: Int
        var firstSeen: String?; var lastSeen: String?; var properties: [String: String]; var ownerEmail: String?
    }

    static func row(_ u: TenantState.AccountUsage) -> AccountRow {
        AccountRow(accountId: u.account, users: u.users, activeUsers: u.activeUsers, events: u.events,
                   firstSeen: u.firstSeenMs.map(ISOText.timestamp), lastSeen: u.lastSeenMs.map(ISOText.timestamp),
                   properties: u.profile.properties, ownerEmail: u.profile.owner)
    }

    struct ListAnswer: Encodable { var days: Int; var start: String; var end: String; var total: Int; var offset: Int; var accounts: [AccountRow] }

    /// Global filters, `sort` (events, active_users, users, last_seen, name), `limit` (default 100), `offset`.
    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let filter = try query.accountFilter()
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let order = try query.choice("sort", default: TenantState.AccountOrder.events)
        let limit = try query.int("limit", default: 100, range: 1...10_000)
        let offset = try query.int("offset", default: 0, range: 0...Int(Int32.max))
        let page = try await tenant.filtered(filter) { $0.accountList(range, filter: filter, order: order, offset: offset, limit: limit) }
        return try JSONResponse.make(ListAnswer(days: range.count, start: TenantCalendar.isoDate(range.first), end: TenantCalendar.isoDate(range.last),
                                                total: page.total, offset: offset, accounts: page.rows.map(Self.row)))
    }

    struct DetailAnswer: Encodable {
        var accountId: String; var days: Int; var users: Int; var activeUsers: Int; var events: Int
        var firstSeen: String?; var lastSeen: String?; var properties: [String: String]; var ownerEmail: String?; var externalId: String?
        var notes: [ProfileEditing.NoteRow]; var topUsers: [UserRoutes.TopRow]
    }

    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        let range = try QueryParameters(request).dayRange(defaultDays: 30, tenant: tenant)
        guard let d = try await tenant.read({ $0.accountDetail(id, range: range) }) else { throw Self.unknown(id) }
        let u = d.usage
        return try JSONResponse.make(DetailAnswer(
            accountId: u.account, days: range.count, users: u.users, activeUsers: u.activeUsers, events: u.events,
            firstSeen: u.firstSeenMs.map(ISOText.timestamp), lastSeen: u.lastSeenMs.map(ISOText.timestamp), properties: u.profile.properties,
            ownerEmail: u.profile.owner, externalId: u.profile.properties["external_id"], notes: u.profile.notes.map(ProfileEditing.row),
            topUsers: d.topUsers.map(UserRoutes.row)))
    }

    static func unknown(_ id: String, field: String = "id") -> APIError { APIError(.notFound, code: "not_found", message: "\(field): no account '\(id)'", field: field) }

    struct UsersAnswer: Encodable { var accountId: String; var days: Int; var users: [UserRoutes.TopRow] }

    /// The ten (or `limit`) most active users of the account in `days`.
    @Sendable func users(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        let query = QueryParameters(request)
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let limit = try query.int("limit", default: 10, range: 1...1000)
        guard let rows = try await tenant.scan(.none, { s in s.accountIndex(id).map { s.accountTopUsers($0, range: range, limit: limit) } }) else { throw Self.unknown(id) }
        return try JSONResponse.make(UsersAnswer(accountId: id, days: range.count, users: rows.map(UserRoutes.row)))
    }

    struct TrendPoint: Encodable { var date: String; var activeUsers: Int; var events: Int }
    struct TrendAnswer: Encodable { var accountId: String; var days: Int; var series: [TrendPoint] }

    @Sendable func trend(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        let range = try QueryParameters(request).dayRange(defaultDays: 30, tenant: tenant)
        guard let series = try await tenant.read({ s in s.accountIndex(id).map { s.accountTrend($0, range: range) } }) else { throw Self.unknown(id) }
        return try JSONResponse.make(TrendAnswer(accountId: id, days: range.count, series: series.map {
            TrendPoint(date: TenantCalendar.isoDate($0.day), activeUsers: $0.activeUsers, events: $0.events)
        }))
    }

    struct ProfileAnswer: Encodable { var accountId: String; var properties: [String: String]; var ownerEmail: String? }

    private func profileAnswer(_ tenant: TenantActor, _ id: String) async throws -> Response {
        let profile = try await tenant.read { s in s.accountIndex(id).map { s.profiles.account($0) } } ?? AccountProfile()
        return try JSONResponse.make(ProfileAnswer(accountId: id, properties: profile.properties, ownerEmail: profile.owner))
    }

    /// Sets firmographics (industry, company_size, segment, revenue_range or any key); null removes one.
    @Sendable func setProperties(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.accountID(context)
        let changes = try ProfileEditing.propertyChanges(try await JSONBody.decode(PropertiesBody.self, from: request, limit: 1 << 20))
        _ = try await ProfileEditing.apply(tenant) { _, _ in .setAccountProperties(account: id, properties: changes) }
        return try await profileAnswer(tenant, id)
    }

    @Sendable func setOwner(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.accountID(context)
        let body = try await JSONBody.decode(OwnerBody.self, from: request, limit: 1 << 16)
        let owner = try BodyField.requiredText(body.ownerEmail, "owner_email")
        guard owner.contains("@") else { throw APIError.badRequest(field: "owner_email", "must be an email address, got '\(owner)'") }
        _ = try await ProfileEditing.apply(tenant) { _, _ in .setAccountOwner(account: id, owner: owner) }
        return try await profileAnswer(tenant, id)
    }

    /// Accounts named in a write: any non-empty id up to the field limit (the account may have no events yet).
    static func accountID(_ context: BeaconRequestContext) throws -> String {
        let id = QueryParameters.pathParameter("id", context)
        guard !id.isEmpty, id.utf8.count <= IngestLimits.maxFieldBytes else { throw APIError.badRequest(field: "id", "must be 1 to \(IngestLimits.maxFieldBytes) bytes") }
        return id
    }

    @Sendable func addNote(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.accountID(context)
        return try await ProfileEditing.addNote(request, tenant) { .addAccountNote(account: id, note: $0) }
    }

    @Sendable func deleteNote(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("id", context)
        return try await ProfileEditing.deleteNote(context, tenant) { .deleteAccountNote(account: id, noteID: $0) }
    }

    struct DecliningRow: Encodable {
        var accountId: String; var events: Int; var previousEvents: Int; var activeUsers: Int; var previousActiveUsers: Int
        var declinePct: Double; var ownerEmail: String?
    }
    struct DecliningAnswer: Encodable { var days: Int; var start: String; var end: String; var previousStart: String; var total: Int; var accounts: [DecliningRow] }

    /// Accounts with fewer events in the last `days` (default 30) than in the `days` before.
    @Sendable func declining(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let filter = try query.accountFilter()
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let limit = try query.int("limit", default: 100, range: 1...10_000)
        let rows = try await tenant.filtered(filter) { $0.decliningAccounts(range, filter: filter) }
        return try JSONResponse.make(DecliningAnswer(
            days: range.count, start: TenantCalendar.isoDate(range.first), end: TenantCalendar.isoDate(range.last),
            previousStart: TenantCalendar.isoDate(range.first - DayNumber(range.count)), total: rows.count,
            accounts: rows.prefix(limit).map {
                DecliningRow(accountId: $0.account, events: $0.events, previousEvents: $0.previousEvents, activeUsers: $0.activeUsers,
                             previousActiveUsers: $0.previousActiveUsers, declinePct: ($0.decline * 1000).rounded() / 10, ownerEmail: $0.profile.owner)
            }))
    }

    struct FeatureCell: Encodable { var users: Int; var events: Int; var adoptionRate: Double }
    struct FeatureRow: Encodable { var accountId: String; var activeUsers: Int; var features: [String: FeatureCell] }
    struct FeatureAnswer: Encodable { var days: Int; var features: [String]; var total: Int; var accounts: [FeatureRow] }

    /// `features` (required, comma-separated event types, at most 20) per account in `days`.
    @Sendable func featureUsage(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let features = try query.requiredString("features").split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard features.count <= 20, !features.contains(where: \.isEmpty) else {
            throw APIError.badRequest(field: "features", "needs 1 to 20 comma-separated event types")
        }
        let filter = try query.accountFilter()
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let limit = try query.int("limit", default: 100, range: 1...10_000)
        let rows = try await tenant.filtered(filter, offActor: true) { state -> Result<[TenantState.AccountFeatureUsage], APIError> in
            var types: [EventTypeIndex] = []
            for name in features {
                guard let t = state.eventTypeIndex(name) else { return .failure(.badRequest(field: "features", "unknown event type '\(name)'")) }
                types.append(t)
            }
            return .success(state.featureUsage(types, range: range, filter: filter))
        }.get()
        return try JSONResponse.make(FeatureAnswer(days: range.count, features: features, total: rows.count, accounts: rows.prefix(limit).map { row in
            var cells: [String: FeatureCell] = [:]
            for (name, use) in zip(features, row.features) {
                cells[name] = FeatureCell(users: use.users, events: use.events,
                                          adoptionRate: row.activeUsers == 0 ? 0 : (Double(use.users) / Double(row.activeUsers) * 1000).rounded() / 1000)
            }
            return FeatureRow(accountId: row.account, activeUsers: row.activeUsers, features: cells)
        }))
    }

    struct FilterOptionsAnswer: Encodable {
        var industry: [String]; var companySize: [String]; var segment: [String]; var revenueRange: [String]
        var ownerEmail: [String]; var other: [String: [String]]
    }

    @Sendable func filterOptions(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let (properties, owners) = try await tenant.read { $0.accountFilterOptions() }
        let named = ["industry", "company_size", "segment", "revenue_range"]
        return try JSONResponse.make(FilterOptionsAnswer(
            industry: properties["industry"] ?? [], companySize: properties["company_size"] ?? [], segment: properties["segment"] ?? [],
            revenueRange: properties["revenue_range"] ?? [], ownerEmail: owners, other: properties.filter { !named.contains($0.key) }))
    }
}
