import Actors
import Foundation
import Hummingbird
import Runtime

/// Writes that become events: `products_interactions` (one product event per row) and `do`
/// (the seed's commands, in one request, all or nothing). A user named by `internal_id` or
/// email is made (a stub) when none matches.
enum PersonyzeInteractionWrites {
    static let interactionFields: Set<String> = ["user_id", "user_internal_id", "user_email", "product_internal_id", "status", "quantity",
                                                 "amount", "action_id", "transaction_time", "time"]
    /// Rows one DELETE may remove.
    static let maxDeleted = 100_000

    /// How a write names its user.
    enum UserKey: Sendable, Hashable { case userID(Int64), internalID(String), email(String) }

    /// Finds or makes the users `keys` name, adding a stub's events and email to `writes`.
    static func resolve(_ key: UserKey, field: String, state: TenantState, nowMs: Int64, made: inout [UserKey: String],
                        writes: inout PersonyzeEdit.UserWrites) throws -> String {
        if let name = made[key] { return name }
        let name: String
        switch key {
        case .userID(let id):
            guard let found = PersonyzeUsers(state).internalID(ofUserID: id) else { throw APIError.badRequest(field: field, "no user \(id)") }
            name = found
        case .internalID(let id), .email(let id):
            let internalID: String? = if case .internalID = key { id } else { nil }
            let email: String? = if case .email = key { id } else { nil }
            let stub = PersonyzeUserWrites.resolve(internalID: internalID, email: email, state: state, nowMs: nowMs)
            name = stub.user
            writes.events.append(contentsOf: stub.events)
            if !stub.email.isEmpty { writes.profiles.append(.init(user: stub.user, changes: stub.email)) }
        }
        made[key] = name
        return name
    }

    static func insert(_ fields: [String: JSONValue], _ tenant: TenantActor) async throws -> Int {
        if let stray = fields.keys.sorted().first(where: { !interactionFields.contains($0) }) {
            throw APIError.badRequest(field: stray, "is not a column of products_interactions (\(interactionFields.sorted().joined(separator: ", ")))")
        }
        var keys: [UserKey] = []
        if let id = try PersonyzeBody.whole(fields["user_id"], field: "user_id", in: 1...Int.max) { keys.append(.userID(Int64(id))) }
        if let id = try PersonyzeBody.text(fields["user_internal_id"], field: "user_internal_id") { keys.append(.internalID(id)) }
        if let email = try PersonyzeBody.text(fields["user_email"], field: "user_email") { keys.append(.email(email)) }
        guard keys.count == 1 else { throw APIError.badRequest(field: "user_id", "name the user with exactly one of user_id, user_internal_id and user_email") }
        guard let product = try PersonyzeBody.text(fields["product_internal_id"], field: "product_internal_id", maxBytes: 256) else {
            throw APIError.badRequest(field: "product_internal_id", "is required")
        }
        guard let status = fields["status"]?.string, let metric = PersonyzeInteractions.metric(ofStatus: status) else {
            throw APIError.badRequest(field: "status", "must be viewed, delivered, extra, favorite or goal")
        }
        var properties: [EventInput.Property] = [.init("product_id", product)]
        let quantity = try PersonyzeBody.whole(fields["quantity"], field: "quantity", in: 1...1_000_000) ?? 1
        properties.append(.init("quantity", String(quantity)))
        if let value = fields["amount"], !value.isNull {
            guard let amount = PersonyzeBody.number(value),
                  amount.isFinite, abs(amount) < 1e15 else { throw APIError.badRequest(field: "amount", "must be a number") }
            properties.append(.init("amount", value.scalarText ?? String(amount)))
        }
        if let action = try PersonyzeBody.whole(fields["action_id"], field: "action_id", in: 1...Int.max) { properties.append(.init("action_id", String(action))) }
        let seconds = 1...(IngestLimits.computableTimestampsMs.upperBound / 1000)
        if let t = try PersonyzeBody.whole(fields["transaction_time"], field: "transaction_time", in: 0...Int(seconds.upperBound)) {
            properties.append(.init("transaction_time", String(t)))
        }
        let time = try PersonyzeBody.whole(fields["time"], field: "time", in: 0...Int(seconds.upperBound)).map { Int64($0) * 1000 }
        let key = keys[0], written = properties
        try await PersonyzeWrites.commit(tenant) { state, now in
            var writes = PersonyzeEdit.UserWrites(nowMs: now)
            var made: [UserKey: String] = [:]
            let user = try resolve(key, field: "user_id", state: state, nowMs: now, made: &made, writes: &writes)
            writes.events.append(EventInput(eventType: metric.eventType, user: user, timestampMs: time ?? now, properties: written))
            return .users(writes)
        }
        return 1
    }

    /// Deleting interactions rewrites the events (docs/data-management.md): the events the rows
    /// stand for go, and every index built from them is worked out again.
    static func delete(_ query: RowQuery, _ tenant: TenantActor) async throws -> Int {
        // Nothing to remove needs no rewrite.
        let any = try await tenant.scan { state in
            var budget = PersonyzeRoutes.rowBudget, first = query
            first.limit = 1; first.offset = 0; first.orderBy = []
            return (try? PersonyzeInteractions.productRows(state, first, budget: &budget).isEmpty == false) ?? true
        }
        guard any else { return 0 }
        let done = try await tenant.editData { state, now in
            var budget = PersonyzeRoutes.rowBudget
            var bounded = query
            bounded.columns = nil
            let rows: [Row]
            do { rows = try PersonyzeInteractions.productRows(state, bounded, budget: &budget) } catch {
                throw APIError(.badRequest, code: "too_large", message: "where: the write reads more than \(PersonyzeRoutes.rowBudget) rows")
            }
            guard rows.count <= maxDeleted else { throw APIError.badRequest(field: "where", "selects \(rows.count) rows; one write removes at most \(maxDeleted)") }
            let ids = rows.compactMap { $0["id"]?.wholeNumber.map(Int.init) }
            return .rewrite(.deleteEvents(ids), nowMs: now)
        }
        return done.affected
    }
}
