import Actors
import Hummingbird
import Runtime
import SQLEngine

/// What data exists before a query is written: `GET /api/v1/data/sources`, a source's fields,
/// and a field's most frequent values (`search`, `limit`), answered through the same SQL tables.
struct DataSourceRoutes {
    struct SourceList: Encodable {
        struct Source: Encodable { var id, name, description, table: String }
        var sources: [Source]
    }
    struct FieldList: Encodable {
        struct Field: Encodable { var name, data_type, description: String }
        var source: String
        var table: String
        var fields: [Field]
    }
    struct ValueList: Encodable {
        var source: String
        var field: String
        var values: [SQLCell]
    }

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/v1/data/sources") { _, context in
            _ = try context.requireTenant()
            return try JSONResponse.make(["data": SourceList(sources: SQLCatalog.sources.map {
                .init(id: $0.id, name: $0.name, description: $0.description, table: $0.table)
            })])
        }
        router.get("/api/v1/data/sources/:source/fields") { _, context in
            _ = try context.requireTenant()
            let source = try Self.source(context)
            return try JSONResponse.make(["data": FieldList(source: source.id, table: source.table, fields: source.fields.map {
                .init(name: $0.name, data_type: $0.type.rawValue, description: $0.description)
            })])
        }
        router.get("/api/v1/data/sources/:source/values/:field") { request, context in try await values(request, context) }
    }

    static func source(_ context: BeaconRequestContext) throws -> SQLSourceInfo {
        let id = context.parameters.get("source") ?? ""
        guard let source = SQLCatalog.source(id) else {
            throw APIError(.notFound, code: "not_found", message: "source: no source '\(id.prefix(64))'; one of \(SQLCatalog.sources.map(\.id).joined(separator: ", "))", field: "source")
        }
        return source
    }

    func values(_ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let source = try Self.source(context)
        let field = context.parameters.get("field") ?? ""
        guard source.fields.contains(where: { $0.name == field }) else {
            throw APIError(.notFound, code: "not_found", message: "field: \(source.id) has no field '\(field.prefix(64))'", field: "field")
        }
        let query = QueryParameters(request)
        let search = query.string("search") ?? ""
        // Letters, digits, space, '-', '_', '.': nothing that could end the SQL string it goes in.
        guard search.count <= 100, search.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || " -_.".unicodeScalars.contains($0) }) else {
            throw APIError.badRequest(field: "search", "at most 100 letters, digits, spaces, '-', '_' or '.'")
        }
        let limit = try query.int("limit", default: 100, range: 1...1000)
        let filter = search.isEmpty ? "" : " AND instr(lower(\(field)), lower('\(search)')) > 0"
        let sql = "SELECT \(field) FROM \(source.table) WHERE \(field) IS NOT NULL\(filter) GROUP BY \(field) ORDER BY count(*) DESC, \(field) LIMIT \(limit)"
        let answer = try await SQLRoutes.run(sql, on: tenant, rowLimit: limit, field: "field")
        return try JSONResponse.make(["data": ValueList(source: source.id, field: field, values: answer.rows.map { SQLCell($0[0]) })])
    }
}
