import Actors
import Hummingbird
import Runtime

/// Privacy (docs/privacy.md): what is held on a user, as JSON or CSV, and anonymizing them (on
/// disk too).
struct PrivacyRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/privacy/users/:email", use: user)
        router.post("/api/privacy/anonymize", use: anonymize)
        router.get("/api/privacy/export", use: export)
    }

    static func email(_ text: String?, field: String) throws -> String {
        guard let text, (1...320).contains(text.count) else { throw APIError.badRequest(field: field, "is required: the user's email or id (1–320 characters)") }
        return text
    }

    static func record(_ tenant: TenantActor, _ email: String, field: String) async throws -> TenantState.PrivacyRecord {
        let record = try await tenant.scan { state in state.privacyUser(email).map { state.privacyRecord(user: $0) } }
        guard let record else { throw APIError(.notFound, code: "not_found", message: "\(field): no user '\(email.prefix(320))'", field: field) }
        return record
    }

    struct Note: Encodable { var id: UInt64; var content: String; var createdAt: String }
    struct Event: Encodable { var timestamp: String; var eventType: String; var accountId: String?; var page: String?; var properties: [String: String] }
    struct UserAnswer: Encodable {
        var user: String; var anonymous: Bool; var firstSeen: String; var lastSeen: String; var eventCount: Int
        var accountId: String?; var externalId: String?; var latestProperties: [String: String]
        var profileProperties: [String: String]; var notes: [Note]; var identities: [String]
        var eventTypes: [String: Int]; var eventsRetained: Int; var recentEvents: [Event]
    }

    /// Everything held on the user: the summary, properties, profile and notes, merged identities, event counts and the latest 100 events.
    @Sendable func user(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let email = try Self.email(QueryParameters.pathParameter("email", context), field: "email")
        let r = try await Self.record(try context.requireTenant(), email, field: "email")
        let recent = r.events.suffix(100).reversed().map(Self.event)
        return try JSONResponse.make(UserAnswer(
            user: r.name, anonymous: r.anonymous, firstSeen: ISOText.timestamp(r.firstSeenMs), lastSeen: ISOText.timestamp(r.lastSeenMs),
            eventCount: r.eventCount, accountId: r.account, externalId: r.externalID, latestProperties: r.latestProperties,
            profileProperties: r.profile.properties, notes: r.profile.notes.map { Note(id: $0.id, content: $0.content, createdAt: ISOText.timestamp($0.createdMs)) },
            identities: r.identities, eventTypes: r.eventTypes, eventsRetained: r.events.count, recentEvents: recent))
    }

    static func event(_ e: TenantState.PrivacyEvent) -> Event {
        Event(timestamp: ISOText.timestamp(e.timestampMs), eventType: e.eventType, accountId: e.account, page: e.page, properties: e.properties)
    }

    /// Every row about the user: `kind` (user, property, profile_property, note, identity, event), `timestamp`, `name`, `value`.
    @Sendable func export(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let email = try Self.email(QueryParameters(request).string("email"), field: "email")
        let r = try await Self.record(try context.requireTenant(), email, field: "email")
        var csv = CSVWriter(capacity: 256 + r.events.count * 96)
        csv.row(["kind", "timestamp", "name", "value"])
        csv.row(["user", ISOText.timestamp(r.firstSeenMs), "user", r.name])
        csv.row(["user", ISOText.timestamp(r.lastSeenMs), "last_seen", String(r.eventCount)])
        if let account = r.account { csv.row(["user", "", "account_id", account]) }
        if let external = r.externalID { csv.row(["user", "", "external_id", external]) }
        for (k, v) in r.latestProperties.sorted(by: { $0.key < $1.key }) { csv.row(["property", "", k, v]) }
        for (k, v) in r.profile.properties.sorted(by: { $0.key < $1.key }) { csv.row(["profile_property", "", k, v]) }
        for n in r.profile.notes { csv.row(["note", ISOText.timestamp(n.createdMs), String(n.id), n.content]) }
        for name in r.identities { csv.row(["identity", "", "merged", name]) }
        for e in r.events {
            var value = JSONWriter()
            value.object { json in
                if let a = e.account { json.key("account_id"); json.value(a) }
                if let p = e.page { json.key("page"); json.value(p) }
                json.key("properties"); json.object { json in for (k, v) in e.properties.sorted(by: { $0.key < $1.key }) { json.key(text: k); json.value(v) } }
            }
            csv.row(["event", ISOText.timestamp(e.timestampMs), e.eventType, String(decoding: value.bytes, as: UTF8.self)])
        }
        return csv.response(filename: "privacy-export.csv")
    }

    struct AnonymizeAnswer: Encodable {
        var anonymized: Bool; var user: String; var eventsKept: Int; var eventsCleared: Int
        var snapshotsRemoved: Int?; var walSegmentsRemoved: Int?
    }

    /// `email`: the user becomes `anon-<keyed hash>`, loses their properties, and the email leaves the disk. The answer does not repeat the email.
    @Sendable func anonymize(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let fields = try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 16), allowed: ["email"])
        let email = try Self.email(fields["email"]?.string, field: "email")
        let done: TenantActor.Anonymized
        do { done = try await context.requireTenant().anonymize(email: email) } catch let refusal as DataEditRefusal { throw DataRoutes.refused(refusal) }
        return try JSONResponse.make(AnonymizeAnswer(anonymized: true, user: done.name, eventsKept: done.eventsKept, eventsCleared: done.eventsCleared,
                                                     snapshotsRemoved: done.snapshotsRemoved, walSegmentsRemoved: done.walSegmentsRemoved))
    }
}
