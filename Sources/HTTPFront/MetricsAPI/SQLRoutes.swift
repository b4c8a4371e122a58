import Actors
import Foundation
import Hummingbird
import Runtime
import SQLEngine

/// `POST /api/v1/sql` (and `POST /api/v1/data/query`, the path the public source uses):
/// `{"query": "SELECT …", "limit": N}` run by SQLite over the tenant's tables, off the actor on
/// an immutable view (docs/sql.md). Admin keys only, as the seed's roles say for raw SQL.
struct SQLRoutes {
    static let paths: Set<String> = ["/api/v1/sql", "/api/v1/data/query"]

    struct Body: Decodable {
        var query: String?
        @WholeNumber var limit: Int?
    }

    struct Answer: Encodable {
        struct Column: Encodable { var name: String; var data_type: String }
        var columns: [Column]
        var rows: [[SQLCell]]
        var row_count: Int
        var truncated: Bool
        var execution_time_ms: Double
    }

    func add(to router: Router<BeaconRequestContext>) {
        for path in Self.paths.sorted() {
            router.post(RouterPath(stringLiteral: path)) { request, context in try await query(request, context) }
        }
    }

    func query(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        guard context.role == .admin else {
            throw APIError.forbidden("SQL queries need the admin role; this API key is a \(context.role.name)")
        }
        let body = try await JSONBody.decode(Body.self, from: request, limit: 1 << 20)
        guard let text = body.query, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest(field: "query", "is required: one SELECT statement")
        }
        guard text.utf8.count <= Int(SQLQuery.maxQueryBytes) else {
            throw APIError.badRequest(field: "query", "is \(text.utf8.count) bytes; at most \(SQLQuery.maxQueryBytes)")
        }
        let limit = body.limit ?? SQLQuery.defaultRowLimit
        guard (1...SQLQuery.maxRowLimit).contains(limit) else {
            throw APIError.badRequest(field: "limit", "must be 1 to \(SQLQuery.maxRowLimit), got \(limit)")
        }
        let started = ContinuousClock.now
        let answer = try await Self.run(text, on: tenant, rowLimit: limit, field: "query")
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return try JSONResponse.make(["data": Answer(
            columns: answer.columns.map { .init(name: $0.name, data_type: $0.dataType) },
            rows: answer.rows.map { $0.map(SQLCell.init) }, row_count: answer.rows.count, truncated: answer.truncated,
            execution_time_ms: (ms * 1000).rounded() / 1000)])
    }
}

extension SQLRoutes {
    /// Runs `sql` on the scan pool over a view of the tenant; a refusal is a 400 naming `field`.
    static func run(_ sql: String, on tenant: TenantActor, rowLimit: Int, field: String) async throws -> SQLAnswer {
        let result = try await tenant.scan(.none) { state -> Result<SQLAnswer, SQLQueryError> in
            do throws(SQLQueryError) { return .success(try SQLQuery.run(sql, on: state, rowLimit: rowLimit)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let answer): return answer
        case .failure(let error): throw APIError(.badRequest, code: error.kind.rawValue, message: error.message, field: field)
        }
    }
}

/// A SQL value as JSON: null, a number or a string (blobs as base64 strings).
struct SQLCell: Encodable {
    var value: SQLValue
    init(_ value: SQLValue) { self.value = value }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch value {
        case .null: try c.encodeNil()
        case .integer(let v): try c.encode(v)
        case .real(let v): if v.isFinite { try c.encode(v) } else { try c.encodeNil() }
        case .text(let v), .blob(let v): try c.encode(v)
        }
    }
}
