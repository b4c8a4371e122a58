import Actors
import Foundation
import Hummingbird
import Runtime

/// The Pendo-compatible API under `/pendo` (docs/pendo.md): the seed's paths, request and answer
/// shapes, and `x-pendo-integration-key` auth, over the same store. This slice: token verify,
/// visitors, accounts, track types and server-side track events.
struct PendoRoutes {
    let registry: TenantRegistry
    let grants: [String: APIKeyGrant]

    static let appID = PipelineEnvironment.appID
    static let verifyPath = "/pendo/api/v1/token/verify"

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/pendo/api/v1/token/verify", use: verify)
        router.get("/pendo/api/v1/visitor/:visitorId", use: visitor)
        router.get("/pendo/api/v1/account/:accountId", use: account)
        router.get("/pendo/api/v1/tracktype", use: trackTypes)
        router.post("/pendo/data/track", use: track)
    }

    struct Verified: Encodable { var valid: Bool; var writeAccess: Bool; var subscription: String; var role: String }

    /// Open to every caller: an invalid key is the seed's 403, not a 401.
    @Sendable func verify(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        guard let key = AuthMiddleware.apiKey(in: request), let tenant = registry.tenant(forKey: key) else {
            throw APIError(.forbidden, code: "forbidden", message: "x-pendo-integration-key: the key is not valid", field: "x-pendo-integration-key")
        }
        let role = (grants[key] ?? .bare(key)).role
        return try JSONResponse.make(Verified(valid: true, writeAccess: role >= .editor, subscription: tenant.id, role: role.name), encoder: Self.encoder)
    }

    /// Pendo's fields are camelCase: answers are encoded with the names as written.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    /// A path id, or with `x-pendo-base64-encoded-params: true` a `b64_` id decoded (URL-safe base64).
    static func pathID(_ name: String, _ request: Request, _ context: BeaconRequestContext) throws -> String {
        let raw = QueryParameters.pathParameter(name, context)
        guard raw.hasPrefix("b64_"), request.headers[.init("x-pendo-base64-encoded-params")!]?.lowercased() == "true" else { return raw }
        var text = raw.dropFirst(4).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let id = String(data: data, encoding: .utf8), !id.isEmpty else {
            throw APIError.badRequest(field: name, "is not URL-safe base64 after b64_")
        }
        return id
    }

    static func idHash(_ id: String) -> Int { PendoIDs.idHash(id) }

    struct VisitorAuto: Encodable {
        var accountId: String?; var firstvisit: Int64; var lastvisit: Int64; var idhash: Int; var lastbrowsername: String?; var lastupdated: Int64
    }
    struct VisitorMetadata: Encodable { var auto: VisitorAuto; var agent: [String: String]; var custom: [String: String] }
    struct Visitor: Encodable { var id: String; var accountIds: [String]; var metadata: VisitorMetadata }

    @Sendable func visitor(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try Self.pathID("visitorId", request, context)
        let detail = try await context.requireTenant().read { state in state.userDetail(id, eventsLimit: 0).map { ($0, state.privacyUser(id).map { state.profiles.user($0).properties } ?? [:]) } }
        guard let (d, custom) = detail else {
            throw APIError(.notFound, code: "not_found", message: "visitorId: Error while getting visitor, no such entity found", field: "visitorId")
        }
        var agent = d.properties
        for key in custom.keys { agent[key] = nil }
        let auto = VisitorAuto(accountId: d.account, firstvisit: d.firstSeenMs, lastvisit: d.lastSeenMs, idhash: Self.idHash(d.user),
                               lastbrowsername: agent["browser"], lastupdated: d.lastSeenMs)
        return try JSONResponse.make(Visitor(id: d.user, accountIds: d.account.map { [$0] } ?? [], metadata: VisitorMetadata(auto: auto, agent: agent, custom: custom)),
                                     encoder: Self.encoder)
    }

    struct AccountAuto: Encodable { var firstvisit: Int64?; var lastvisit: Int64?; var lastupdated: Int64?; var idhash: Int }
    struct AccountMetadata: Encodable { var auto: AccountAuto; var custom: [String: String] }
    struct Account: Encodable { var id: String; var metadata: AccountMetadata }

    @Sendable func account(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try Self.pathID("accountId", request, context)
        let tenant = try context.requireTenant()
        let today = QueryParameters.today(tenant)
        let detail = try await tenant.read { $0.accountDetail(id, range: DayRange(first: today, last: today), topUsers: 0) }
        guard let u = detail?.usage else { throw APIError(.notFound, code: "not_found", message: "accountId: no such entity found", field: "accountId") }
        return try JSONResponse.make(Account(id: u.account, metadata: AccountMetadata(
            auto: AccountAuto(firstvisit: u.firstSeenMs, lastvisit: u.lastSeenMs, lastupdated: u.lastSeenMs, idhash: Self.idHash(u.account)),
            custom: u.profile.properties)), encoder: Self.encoder)
    }

    struct User: Encodable { var id: String; var username: String }

    /// Every track type, or those `id` lists (comma-separated ids or names): the rows of the
    /// `trackTypes` source, as `GET /page` answers the `pages` source's.
    @Sendable func trackTypes(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try await PendoObjectRoutes().objects(.trackTypes, request, context)
    }

    struct Tracked: Encodable { var accepted: Int }

    /// The seed's Track object: `type` "track", `event`, `visitorId`, `timestamp` (ms), optional
    /// `accountId`, `properties` and `context` (`ip`, `userAgent`, `url`, `title`).
    @Sendable func track(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body: JSONValue
        do { body = try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 20) } catch let error as APIError {
            throw APIError.badRequest(field: error.field ?? "body", "Error unmarshalling track event data: \(error.message)")
        }
        let fields = try WorkspaceRoutes.object(body, allowed: ["type", "event", "visitorId", "accountId", "timestamp", "properties", "context"])
        guard fields["type"]?.string == "track" else { throw APIError.badRequest(field: "type", "must be \"track\"") }
        guard let event = fields["event"]?.string, (1...200).contains(event.count) else { throw APIError.badRequest(field: "event", "is required: the action's name (1–200 characters)") }
        guard let visitor = fields["visitorId"]?.string, (1...320).contains(visitor.count) else { throw APIError.badRequest(field: "visitorId", "is required: 1–320 characters") }
        var account: String?
        if let value = fields["accountId"], !value.isNull {
            guard let text = value.string, (1...320).contains(text.count) else { throw APIError.badRequest(field: "accountId", "must be 1–320 characters") }
            account = text
        }
        guard let ts = fields["timestamp"]?.integer else { throw APIError.badRequest(field: "timestamp", "is required: milliseconds since the epoch") }
        let timestamp = try TimeInput.checked(Int64(ts), field: "timestamp")
        var properties: [EventInput.Property] = []
        if let value = fields["properties"], !value.isNull {
            guard let object = value.object else { throw APIError.badRequest(field: "properties", "must be an object") }
            guard object.count <= 100 else { throw APIError.badRequest(field: "properties", "has more than 100 keys") }
            for (key, v) in object.sorted(by: { $0.key < $1.key }) where !v.isNull {
                guard !key.isEmpty, key.utf8.count <= 256 else { throw APIError.badRequest(field: "properties.\(key)", "keys must be 1 to 256 bytes") }
                properties.append(.init(key, v.scalarText ?? v.jsonText))
            }
        }
        var page: String?
        if let value = fields["context"], !value.isNull {
            guard let object = value.object else { throw APIError.badRequest(field: "context", "must be an object") }
            for (key, v) in object.sorted(by: { $0.key < $1.key }) where !v.isNull {
                guard let text = v.string else { throw APIError.badRequest(field: "context.\(key)", "must be a string") }
                switch key {
                case "url": page = URL(string: text)?.path.nilIfEmpty ?? text
                case "userAgent": properties.append(.init("user_agent", text))
                case "ip": properties.append(.init("ip", text))
                case "title": properties.append(.init("page_title", text))
                default: throw APIError.badRequest(field: "context.\(key)", "is not a context field (ip, userAgent, url, title)")
                }
            }
        }
        let input = EventInput(eventType: event, user: visitor, account: account, page: page, timestampMs: timestamp, properties: properties)
        do { _ = try await tenant.ingest([input]) } catch let error as IngestValidationError {
            throw APIError.badRequest(field: error.field == "event_type" ? "event" : error.field, error.message)
        }
        return try JSONResponse.make(Tracked(accepted: 1), encoder: Self.encoder)
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
