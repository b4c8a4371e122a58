import Actors
import Runtime

/// Writes to `users`. A user is Beacon's user: `internal_id` is its id, and the other columns are
/// profile properties. A new user gets an `identify` event (as the SDKs' identify calls do), so
/// it is a user with a first-seen time like any other. POST with a known `internal_id` (or, when
/// none is given, a known `email`) patches that user and answers its `user_id`.
enum PersonyzeUserWrites {
    /// Columns made from the data: a client may not set them.
    static let computed: Set<String> = ["user_id", "last_session_time", "session_counter", "data_last_modified"]

    static func changes(_ fields: [String: JSONValue]) throws -> [ProfileEdit.PropertyChange] {
        var out: [ProfileEdit.PropertyChange] = []
        for key in fields.keys.sorted() where key != "internal_id" {
            try PersonyzeBody.checkColumn(key)
            if computed.contains(key) { throw APIError.badRequest(field: key, "is kept by the server from the data") }
            let cell = try PersonyzeBody.cell(fields[key]!, field: key)
            if key == "email", let cell, case .text(let text) = cell, text.utf8.count > 320 { throw APIError.badRequest(field: key, "must be at most 320 bytes") }
            out.append(.init(key, cell?.text))
        }
        return out
    }

    /// A user, made if none matches: the writes that make it, and its Beacon id.
    static func resolve(internalID: String?, email: String?, state: TenantState, nowMs: Int64) -> (user: String, events: [EventInput], email: [ProfileEdit.PropertyChange]) {
        let users = PersonyzeUsers(state)
        var name = internalID ?? email!
        if internalID == nil, let found = users.users(withProperty: "email", in: [email!]).first { name = users.internalID(ofRow: found) }
        guard users.id(ofInternalID: name) == nil else { return (name, [], []) }
        let event = EventInput(eventType: "identify", user: name, timestampMs: nowMs)
        return (name, [event], email.map { [.init("email", $0)] } ?? [])
    }

    static func insert(_ fields: [String: JSONValue], _ tenant: TenantActor) async throws -> Int {
        let internalID = try PersonyzeBody.text(fields["internal_id"], field: "internal_id")
        let email = try PersonyzeBody.text(fields["email"], field: "email")
        guard internalID != nil || email != nil else { throw APIError.badRequest(field: "internal_id", "is required, or email: a user needs one of them") }
        let changes = try changes(fields)
        let edit = try await PersonyzeWrites.commit(tenant) { state, now in
            let made = resolve(internalID: internalID, email: email, state: state, nowMs: now)
            return .users(.init(events: made.events, profiles: [.init(user: made.user, changes: changes)], nowMs: now))
        }
        guard case .users(let writes) = edit, let user = writes.profiles.first?.user,
              let id = try await tenant.read({ PersonyzeUsers($0).id(ofInternalID: user) }) else { return 0 }
        return id + 1
    }

    static func update(_ query: RowQuery, _ fields: [String: JSONValue], _ tenant: TenantActor) async throws -> Int {
        if fields["internal_id"] != nil { throw APIError.badRequest(field: "internal_id", "is the user's id and cannot change") }
        let changes = try changes(fields)
        let edit = try await PersonyzeWrites.commit(tenant) { state, now in
            let rows = try PersonyzeWrites.chosen(query, PersonyzeUsers(state))
            let users = rows.compactMap { $0["internal_id"]?.text }
            return .users(.init(profiles: users.map { .init(user: $0, changes: changes) }, nowMs: now))
        }
        guard case .users(let writes) = edit else { return 0 }
        return writes.profiles.count
    }

    /// Deleting users is a bulk deletion (docs/privacy.md): their ids are marked Do Not Process at
    /// once and their events and profiles go in the background.
    static func delete(_ query: RowQuery, _ tenant: TenantActor) async throws -> Int {
        let users = try await tenant.scan { state in
            try PersonyzeWrites.chosen(query, PersonyzeUsers(state), limit: PersonyzeWrites.maxUsersDeleted).compactMap { $0["internal_id"]?.text }
        }
        guard !users.isEmpty else { return 0 }
        let deletion: Metadata.Deletion
        do { deletion = try await tenant.requestDeletion(.visitor, ids: users) } catch let refusal as MetadataEditRefusal {
            switch refusal {
            case .deletionPending(let id): throw APIError.badRequest(field: "where", "user '\(id.prefix(80))' is being deleted already")
            default: throw APIError.badRequest(field: "where", "the deletion was refused: \(refusal)")
            }
        }
        Task { try? await tenant.completeDeletion(deletion.id) }
        return users.count
    }
}
