import Actors
import Runtime

/// Writes to `user_lists` and `user_list_users`. A list is a visitor-list segment, so it is a
/// segment in the native API too; its members are user ids. Deleting a list takes its
/// memberships with it. A member named by `user_internal_id` or `user_email` is made a user
/// (a stub) when none matches.
enum PersonyzeListWrites {
    static func name(_ fields: [String: JSONValue]) throws -> String {
        if let stray = fields.keys.sorted().first(where: { $0 != "name" }) { throw APIError.badRequest(field: stray, "is not a column of user_lists (name)") }
        guard let name = try PersonyzeBody.text(fields["name"], field: "name", maxBytes: 200) else { throw APIError.badRequest(field: "name", "is required") }
        return name
    }

    static func insertList(_ fields: [String: JSONValue], _ tenant: TenantActor) async throws -> Int {
        let name = try name(fields)
        let edit = try await PersonyzeWrites.commit(tenant) { state, now in
            .users(.init(lists: [.create(id: state.nextSegmentID, name: name, folder: nil, isStatic: false, rules: [.visitorList([])], nowMs: now)], nowMs: now))
        }
        guard case .users(let writes) = edit, case .create(let id, _, _, _, _, _, _, _)? = writes.lists.first else { return 0 }
        return id
    }

    static func listIDs(_ query: RowQuery, _ state: TenantState) throws -> [Int] {
        try PersonyzeWrites.chosen(query, ArrayRowSource(state.personyzeUserLists)).compactMap { $0["id"]?.wholeNumber.map(Int.init) }
    }

    static func updateLists(_ query: RowQuery, _ fields: [String: JSONValue], _ tenant: TenantActor) async throws -> Int {
        let name = try name(fields)
        let edit = try await PersonyzeWrites.commit(tenant) { state, now in
            let ids = try listIDs(query, state)
            guard ids.count <= 1 else { throw APIError.badRequest(field: "name", "list names are unique: rename one list at a time") }
            return .users(.init(lists: ids.map { .update(id: $0, name: name, folder: nil, rules: nil, nowMs: now) }, nowMs: now))
        }
        guard case .users(let writes) = edit else { return 0 }
        return writes.lists.count
    }

    static func deleteLists(_ query: RowQuery, _ tenant: TenantActor) async throws -> Int {
        let edit = try await PersonyzeWrites.commit(tenant) { state, now in
            .users(.init(lists: try listIDs(query, state).map { .delete(id: $0) }, nowMs: now))
        }
        guard case .users(let writes) = edit else { return 0 }
        return writes.lists.count
    }

    static let memberFields: Set<String> = ["user_list_id", "user_id", "user_internal_id", "user_email"]

    static func insertMember(_ fields: [String: JSONValue], _ tenant: TenantActor) async throws -> Int {
        if let stray = fields.keys.sorted().first(where: { !memberFields.contains($0) }) {
            throw APIError.badRequest(field: stray, "is not a column of user_list_users (user_list_id, and user_id, user_internal_id or user_email)")
        }
        guard let list = try PersonyzeBody.whole(fields["user_list_id"], field: "user_list_id", in: 1...Int.max) else {
            throw APIError.badRequest(field: "user_list_id", "is required")
        }
        let userID = try PersonyzeBody.whole(fields["user_id"], field: "user_id", in: 1...Int.max)
        let internalID = try PersonyzeBody.text(fields["user_internal_id"], field: "user_internal_id")
        let email = try PersonyzeBody.text(fields["user_email"], field: "user_email")
        guard [userID != nil, internalID != nil, email != nil].filter({ $0 }).count == 1 else {
            throw APIError.badRequest(field: "user_id", "name the user with exactly one of user_id, user_internal_id and user_email")
        }
        try await PersonyzeWrites.commit(tenant) { state, now in
            guard let segment = state.segments.byID[list], let members = segment.visitorList else {
                throw APIError.badRequest(field: "user_list_id", "no user list \(list)")
            }
            var events: [EventInput] = [], profiles: [PersonyzeEdit.ProfileChange] = [], user: String
            if let userID {
                guard let name = PersonyzeUsers(state).internalID(ofUserID: Int64(userID)) else { throw APIError.badRequest(field: "user_id", "no user \(userID)") }
                user = name
            } else {
                let made = PersonyzeUserWrites.resolve(internalID: internalID, email: email, state: state, nowMs: now)
                user = made.user; events = made.events
                if !made.email.isEmpty { profiles = [.init(user: made.user, changes: made.email)] }
            }
            let lists: [SegmentEdit] = members.contains(user) ? [] : [.editVisitors(id: list, replacing: nil, adding: [user], removing: [], nowMs: now)]
            return .users(.init(events: events, profiles: profiles, lists: lists, nowMs: now))
        }
        return 1
    }

    static func deleteMembers(_ query: RowQuery, _ tenant: TenantActor) async throws -> Int {
        let edit = try await PersonyzeWrites.commit(tenant) { state, now in
            let lists = query.pinnedValues(of: "user_list_id").map { $0.compactMap { Int($0) } }
            let rows = try PersonyzeWrites.chosen(query, ArrayRowSource(state.personyzeListMembers(lists: lists)))
            var removing: [Int: [String]] = [:]
            let users = PersonyzeUsers(state)
            for row in rows {
                guard let list = row["user_list_id"]?.wholeNumber, let user = row["user_id"]?.wholeNumber, let name = users.internalID(ofUserID: user) else { continue }
                removing[Int(list), default: []].append(name)
            }
            return .users(.init(lists: removing.keys.sorted().map { .editVisitors(id: $0, replacing: nil, adding: [], removing: removing[$0]!, nowMs: now) }, nowMs: now))
        }
        guard case .users(let writes) = edit else { return 0 }
        return writes.lists.reduce(0) { n, list in if case .editVisitors(_, _, _, let removing, _) = list { n + removing.count } else { n } }
    }

    static func refused(_ refusal: SegmentEditRefusal) -> APIError {
        switch refusal {
        case .duplicateName(let name): APIError(.conflict, code: "conflict", message: "name: a list or segment named '\(name.prefix(80))' exists", field: "name")
        case .targeted(let nudges): APIError(.conflict, code: "conflict", message: "id: actions \(nudges.map(String.init).joined(separator: ", ")) target this list", field: "id")
        case .inUse(let readers): APIError(.conflict, code: "conflict", message: "id: conditions \(readers.map(String.init).joined(separator: ", ")) read this list", field: "id")
        case .tooManyVisitors(let limit): APIError.badRequest(field: "user_id", "a list holds at most \(limit) users")
        case .unknownSegment(let id), .notVisitorList(let id), .unknownReference(let id), .cycle(let id):
            APIError.badRequest(field: "user_list_id", "no user list \(id)")
        case .duplicateFolder(let name): APIError.badRequest(field: "name", "'\(name.prefix(80))' is taken")
        }
    }
}
