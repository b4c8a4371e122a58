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
        let answer = try await tenant.scan { state in try Self.answer(object, query, state) }
        if path.id != nil {
            guard answer.count > 0 else { throw APIError(.badRequest, code: "row_not_found", message: Self.rowNotFound) }
            return Self.render([answer.row(0)], query: query, object: object, single: true)
        }
        if let column = path.column {
            var w = JSONWriter(capacity: answer.count * 8 + 16)
            w.array { w in for i in 0..<answer.count { Self.write(answer.cell(i, column), into: &w) } }
            return w.response()
        }
        switch answer {
        case .rows(let rows): return Self.render(rows, query: query, object: object, single: false)
        case .block(let block): return Self.render(block, query: query, object: object)
        }
    }

    /// The object's rows the query keeps, read on an immutable view: the wide reports as a
    /// block, the rest as dictionaries.
    static func answer(_ object: PersonyzeObject, _ query: RowQuery, _ state: TenantState) throws -> PersonyzeAnswer {
        switch object {
        case .sessionsArchive:
            var budget = rowBudget
            do { return .block(try PersonyzeSessions.rows(state, query, budget: &budget)) } catch { throw tooLarge }
        case .productsStats1Day, .productsStats2Day, .productsStats4Day, .productsStatsWeek, .productsStatsRecent, .productsStatsAll:
            return .block(query.select(PersonyzeProductStats.rows(state, object.statsWindow!, query)))
        default: return .rows(try rows(object, query, state))
        }
    }

    static let tooLarge = APIError(.badRequest, code: "too_large", message: "where: the query reads more than \(rowBudget) rows; narrow it with an indexed column")

    /// The rows of the objects answered as dictionaries.
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
            case .userInterests: return try PersonyzeInterests.rows(state, query, budget: &budget)
            case .summaryActions: return try PersonyzeSummaryActions.rows(state, query, budget: &budget)
            case .trackerCode, .commands, .sessionsArchive, .productsStats1Day, .productsStats2Day, .productsStats4Day, .productsStatsWeek,
                 .productsStatsRecent, .productsStatsAll: return []
            }
        } catch {
            throw tooLarge
        }
    }

    /// Rows as a JSON array of objects (one object for `/<id>`): the chosen columns in their
    /// order, else the key first and the rest by name.
    static func render(_ rows: [Row], query: RowQuery, object: PersonyzeObject, single: Bool) -> Response {
        var w = JSONWriter(capacity: rows.count * 128 + 16)
        func one(_ row: Row, _ w: inout JSONWriter) {
            w.object { w in
                let keys = query.columns ?? keyOrder(row.keys, object)
                for key in keys {
                    w.key(text: key)
                    write(row[key] ?? .null, into: &w)
                }
            }
        }
        if single { one(rows[0], &w) } else { w.array { w in for row in rows { one(row, &w) } } }
        return w.response()
    }

    /// Keys in answer order when no columns were chosen: the object's key first, the rest by name.
    static func keyOrder(_ keys: some Sequence<String>, _ object: PersonyzeObject) -> [String] {
        keys.sorted { a, b in a == object.primaryKey ? b != object.primaryKey : b == object.primaryKey ? false : a < b }
    }

    /// A block as a JSON array of objects, in the same key order as rows: each key's bytes
    /// made once, not once per row.
    static func render(_ block: RowBlock, query: RowQuery, object: PersonyzeObject) -> Response {
        let keys = query.columns ?? keyOrder(block.columns, object)
        let sources = keys.map(block.index(of:))
        let fragments = keys.map { key in
            var w = JSONWriter(capacity: key.utf8.count + 4)
            w.key(text: key)
            return w.bytes
        }
        var w = JSONWriter(capacity: block.count * (16 * keys.count + 2) + 16)
        w.array { w in
            for row in 0..<block.count {
                w.object { w in
                    for (k, source) in sources.enumerated() {
                        w.rawKey(fragments[k])
                        write(source.map { block.cell(row, $0) } ?? .null, into: &w)
                    }
                }
            }
        }
        return w.response()
    }

    static let null = Array("null".utf8)

    static func write(_ value: RowValue, into w: inout JSONWriter) {
        switch value {
        case .null: w.raw(null)
        case .int(let n): w.value(Int(n))
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
