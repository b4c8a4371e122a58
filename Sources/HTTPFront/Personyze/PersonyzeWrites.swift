import Actors
import Hummingbird
import Runtime

/// POST, PUT and DELETE on the Personyze objects (docs/personyze.md, "Writes"). POST answers
/// the new row's id, PUT and DELETE the number of rows affected. Rows a PUT or DELETE addresses
/// are chosen on the actor, in the same turn as the edit, so nothing changes between the two.
struct PersonyzeWrites {
    let bodyLimit: Int
    /// Rows one PUT or DELETE may change.
    static let maxRowsChanged = 100_000
    /// Users one DELETE may remove: a bulk deletion's size.
    static let maxUsersDeleted = 500

    func insert(_ object: PersonyzeObject, _ path: PersonyzePath, _ tenant: TenantActor, _ request: Request) async throws -> Response {
        guard path.id == nil, path.conditions.isEmpty, path.columns == nil, path.column == nil, path.orderBy.isEmpty, path.limit == nil else {
            throw APIError.badRequest(field: "path", "POST takes the object alone: /personyze/rest/\(object.rawValue)")
        }
        if object == .commands { return try await PersonyzeCommands.run(request, tenant, bodyLimit: bodyLimit) }
        let fields = try await PersonyzeBody.fields(request, limit: min(bodyLimit, 1 << 20))
        switch object {
        case .users: return PersonyzeRoutes.number(try await PersonyzeUserWrites.insert(fields, tenant))
        case .productsInteractions: return PersonyzeRoutes.number(try await PersonyzeInteractionWrites.insert(fields, tenant))
        case .userLists: return PersonyzeRoutes.number(try await PersonyzeListWrites.insertList(fields, tenant))
        case .userListUsers: return PersonyzeRoutes.number(try await PersonyzeListWrites.insertMember(fields, tenant))
        default: return PersonyzeRoutes.number(try await PersonyzeTableWrites.insert(object.table!, fields, tenant))
        }
    }

    func update(_ object: PersonyzeObject, _ path: PersonyzePath, _ tenant: TenantActor, _ request: Request) async throws -> Response {
        let query = try Self.addressed(path, object)
        let fields = try await PersonyzeBody.fields(request, limit: min(bodyLimit, 1 << 20))
        guard !fields.isEmpty else { throw APIError.badRequest(field: "body", "must change at least one column") }
        switch object {
        case .users: return PersonyzeRoutes.number(try await PersonyzeUserWrites.update(query, fields, tenant))
        case .userLists: return PersonyzeRoutes.number(try await PersonyzeListWrites.updateLists(query, fields, tenant))
        default: return PersonyzeRoutes.number(try await PersonyzeTableWrites.update(object.table!, query, fields, tenant))
        }
    }

    func delete(_ object: PersonyzeObject, _ path: PersonyzePath, _ tenant: TenantActor) async throws -> Response {
        let query = try Self.addressed(path, object)
        switch object {
        case .users: return PersonyzeRoutes.number(try await PersonyzeUserWrites.delete(query, tenant))
        case .userLists: return PersonyzeRoutes.number(try await PersonyzeListWrites.deleteLists(query, tenant))
        case .userListUsers: return PersonyzeRoutes.number(try await PersonyzeListWrites.deleteMembers(query, tenant))
        case .productsInteractions: return PersonyzeRoutes.number(try await PersonyzeInteractionWrites.delete(query, tenant))
        default: return PersonyzeRoutes.number(try await PersonyzeTableWrites.delete(object.table!, query, tenant))
        }
    }

    /// The rows a PUT or DELETE names: `/<id>` or a `where` (a write never takes the whole table).
    static func addressed(_ path: PersonyzePath, _ object: PersonyzeObject) throws -> RowQuery {
        guard path.id != nil || !path.conditions.isEmpty else { throw APIError(.badRequest, code: "whole_table", message: PersonyzeRoutes.wholeTable) }
        guard path.columns == nil, path.column == nil else { throw APIError.badRequest(field: "columns", "a write takes no columns") }
        let query = try PersonyzeRoutes.query(path, object)
        guard path.id != nil || object.allowsRead(query) else { throw APIError(.badRequest, code: "whole_table", message: PersonyzeRoutes.wholeTable) }
        return query
    }

    /// Runs the query on a view during an edit; more rows than a write may change is a 400.
    static func chosen(_ query: RowQuery, _ source: some RowSource, limit: Int = maxRowsChanged) throws -> [Row] {
        var budget = PersonyzeRoutes.rowBudget
        var bounded = query
        bounded.columns = nil
        let rows: [Row]
        do { rows = try bounded.run(source, budget: &budget) } catch {
            throw APIError(.badRequest, code: "too_large", message: "where: the write reads more than \(PersonyzeRoutes.rowBudget) rows")
        }
        guard rows.count <= limit else { throw APIError.badRequest(field: "where", "selects \(rows.count) rows; one write changes at most \(limit)") }
        return rows
    }

    /// A refused edit as the 400 (or 409) naming what is wrong.
    static func refused(_ refusal: PersonyzeEditRefusal) -> APIError {
        switch refusal {
        case .tooManyRows(let table, let limit): APIError.badRequest(field: "body", "\(table.rawValue) holds at most \(limit) rows")
        case .tooManyColumns(let limit): APIError.badRequest(field: "body", "a row holds at most \(limit) columns")
        case .unknownRow: APIError(.badRequest, code: "row_not_found", message: PersonyzeRoutes.rowNotFound)
        case .duplicateInternalID(_, let id): APIError(.conflict, code: "conflict", message: "internal_id: '\(id.prefix(80))' is another row's", field: "internal_id")
        case .invalidEvent(let error): APIError.badRequest(field: error.field, error.message)
        case .unknownUser(let user): APIError.badRequest(field: "user_id", "no user '\(user.prefix(80))'")
        case .list(let refusal): PersonyzeListWrites.refused(refusal)
        }
    }

    /// Applies an edit made on the actor, turning a refusal into its answer.
    @discardableResult
    static func commit(_ tenant: TenantActor, _ makeEdit: @Sendable (TenantState, Int64) throws -> PersonyzeEdit) async throws -> PersonyzeEdit {
        do { return try await tenant.editPersonyze(makeEdit) } catch let refusal as PersonyzeEditRefusal { throw refused(refusal) }
    }
}
