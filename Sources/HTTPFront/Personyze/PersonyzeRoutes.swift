import Actors
import Hummingbird
import Runtime

/// The Personyze-compatible REST API under `/personyze/rest` (docs/personyze.md): one path
/// grammar for every object, HTTP Basic `api:KEY`, answers and plain-text errors in the seed's
/// shapes. Each object's rows come from the shared `RowQuery` over a `RowSource`; writes become
/// Beacon's own edits (profiles, segments, the Personyze tables, events).
struct PersonyzeRoutes {
    static let prefix = "/personyze/rest/"
    static let wholeTable = "Cannot do this operation on whole table"
    static let rowNotFound = "Row not found"
    /// Rows one read may look at before it is refused as too large.
    static let rowBudget = 20_000_000
    let bodyLimit: Int
    let trackerCode: PersonyzeTrackerCode

    func add(to router: Router<BeaconRequestContext>) {
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("/personyze/rest/**", method: method, use: handle)
            router.on("/personyze/rest", method: method, use: handle)
        }
    }

    @Sendable func handle(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let raw = String(request.uri.path.dropFirst(min(Self.prefix.count, request.uri.path.count)))
        let path: PersonyzePath
        do { path = try PersonyzePath(raw: raw) } catch { throw APIError.badRequest(field: error.segment, error.message) }
        guard let object = PersonyzeObject(rawValue: path.object) else {
            throw APIError(.notFound, code: "not_found", message: "object: '\(path.object.prefix(60))' is not an object of this API (\(PersonyzeObject.allCases.map(\.rawValue).joined(separator: ", ")))", field: "object")
        }
        guard let method = PersonyzeObject.Method(rawValue: request.method.rawValue), object.methods.contains(method) else {
            var refusal = APIError(.methodNotAllowed, code: "method_not_allowed",
                                   message: "\(request.method.rawValue) is not allowed on \(object.rawValue): it takes \(object.methods.map(\.rawValue).joined(separator: ", "))")
            refusal.headers[.allow] = object.methods.map(\.rawValue).joined(separator: ", ")
            throw refusal
        }
        let tenant = try context.requireTenant()
        switch method {
        case .get: return try await read(path, object, tenant, request: request)
        case .post: return try await PersonyzeWrites(bodyLimit: bodyLimit).insert(object, path, tenant, request)
        case .put: return try await PersonyzeWrites(bodyLimit: bodyLimit).update(object, path, tenant, request)
        case .delete: return try await PersonyzeWrites(bodyLimit: bodyLimit).delete(object, path, tenant)
        }
    }

    /// The query a path addresses: its modifiers, and `/<id>` as one more condition on the key.
    static func query(_ path: PersonyzePath, _ object: PersonyzeObject) throws -> RowQuery {
        var query = path.query
        if let id = path.id {
            guard let key = object.primaryKey else { throw APIError.badRequest(field: "id", "\(object.rawValue) rows have no single id: address them with where") }
            let pin = RowQuery.Condition(column: key, op: .equal, values: [String(id)])
            query.conditions = query.conditions.isEmpty ? [[pin]] : query.conditions.map { $0 + [pin] }
        }
        return query
    }

    func read(_ path: PersonyzePath, _ object: PersonyzeObject, _ tenant: TenantActor, request: Request) async throws -> Response {
        if object == .trackerCode { return trackerCode.response(request, tenant: tenant) }
        let query = try Self.query(path, object)
        guard path.id != nil || object.allowsRead(query) else { throw APIError(.badRequest, code: "whole_table", message: Self.wholeTable) }
        let rows = try await tenant.scan { state in try Self.rows(object, query, state) }
        if path.id != nil {
            guard let row = rows.first else { throw APIError(.badRequest, code: "row_not_found", message: Self.rowNotFound) }
            return Self.render([row], query: query, object: object, single: true)
        }
        if let column = path.column {
            var w = JSONWriter(capacity: rows.count * 8 + 16)
            w.array { w in for row in rows { Self.write(row[column] ?? .null, into: &w) } }
            return w.response()
        }
        return Self.render(rows, query: query, object: object, single: false)
    }

    /// The object's rows the query keeps, read on an immutable view.
    static func rows(_ object: PersonyzeObject, _ query: RowQuery, _ state: TenantState) throws -> [Row] {
        var budget = rowBudget
        do {
            switch object {
            case .users: return try query.run(PersonyzeUsers(state), budget: &budget)
            case .userLists: return try query.run(ArrayRowSource(state.personyzeUserLists), budget: &budget)
            case .userListUsers:
                let lists = query.pinnedValues(of: "user_list_id").map { $0.compactMap { Int($0) } }
                return try query.run(ArrayRowSource(state.personyzeListMembers(lists: lists)), budget: &budget)
            case .actions: return try query.run(ArrayRowSource(state.personyzeActions), budget: &budget)
            case .conditions: return try query.run(ArrayRowSource(state.personyzeConditions), budget: &budget)
            case .placeholders, .grabVariables, .products, .articles: return try query.run(state.personyze[object.table!], budget: &budget)
            case .productsInteractions: return try PersonyzeInteractions.productRows(state, query, budget: &budget)
            case .events: return try PersonyzeInteractions.eventRows(state, query, forms: false, budget: &budget)
            case .forms: return try PersonyzeInteractions.eventRows(state, query, forms: true, budget: &budget)
            case .sessionsArchive: return try PersonyzeSessions.rows(state, query, budget: &budget)
            case .userInterests: return try PersonyzeInterests.rows(state, query, budget: &budget)
            case .summaryActions: return try PersonyzeSummaryActions.rows(state, query, budget: &budget)
            case .productsStats1Day, .productsStats2Day, .productsStats4Day, .productsStatsWeek, .productsStatsRecent, .productsStatsAll:
                return query.select(PersonyzeProductStats.rows(state, object.statsWindow!, query))
            case .trackerCode, .commands: return []
            }
        } catch {
            throw APIError(.badRequest, code: "too_large", message: "where: the query reads more than \(rowBudget) rows; narrow it with an indexed column")
        }
    }

    /// Rows as a JSON array of objects (one object for `/<id>`): the chosen columns in their
    /// order, else the key first and the rest by name.
    static func render(_ rows: [Row], query: RowQuery, object: PersonyzeObject, single: Bool) -> Response {
        var w = JSONWriter(capacity: rows.count * 128 + 16)
        func one(_ row: Row, _ w: inout JSONWriter) {
            w.object { w in
                let keys = query.columns ?? row.keys.sorted { a, b in
                    a == object.primaryKey ? b != object.primaryKey : b == object.primaryKey ? false : a < b
                }
                for key in keys {
                    w.key(text: key)
                    write(row[key] ?? .null, into: &w)
                }
            }
        }
        if single { one(rows[0], &w) } else { w.array { w in for row in rows { one(row, &w) } } }
        return w.response()
    }

    static func write(_ value: RowValue, into w: inout JSONWriter) {
        switch value {
        case .null: w.raw(Array("null".utf8))
        case .int(let n): w.raw(Array(String(n).utf8))
        case .double(let d): w.raw(Array((d.isFinite ? "\(d)" : "null").utf8))
        case .text(let t): w.value(t)
        }
    }

    /// A number as the whole answer (a new id, rows affected).
    static func number(_ n: Int) -> Response {
        var w = JSONWriter(capacity: 24)
        w.value(n)
        return w.response()
    }
}
