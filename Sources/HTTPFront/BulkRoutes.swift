import Actors
import Foundation
import Hummingbird
import Runtime
import SwiftCSV

/// Bulk profile updates (docs/bulk.md): many users' or accounts' properties in one write, from
/// JSON or a CSV upload; every row is checked first and all apply or none.
struct BulkRoutes {
    static let maxRows = 5_000
    static let maxCSVBytes = 8 << 20

    func add(to router: Router<BeaconRequestContext>) {
        router.post("/api/bulk/users", use: users)
        router.post("/api/bulk/accounts", use: accounts)
        router.post("/api/bulk/users/import", use: importUsers)
        router.post("/api/bulk/accounts/import", use: importAccounts)
    }

    enum Kind {
        case users, accounts
        var idField: String { self == .users ? "email" : "account_id" }
        func edit(_ id: String, _ changes: [ProfileEdit.PropertyChange]) -> ProfileEdit {
            self == .users ? .setUserProperties(user: id, properties: changes) : .setAccountProperties(account: id, properties: changes)
        }
    }

    struct Answer: Encodable { var updated: Int; var fieldsSet: Int }

    @Sendable func users(_ request: Request, context: BeaconRequestContext) async throws -> Response { try await Self.json(request, context, .users) }
    @Sendable func accounts(_ request: Request, context: BeaconRequestContext) async throws -> Response { try await Self.json(request, context, .accounts) }
    @Sendable func importUsers(_ request: Request, context: BeaconRequestContext) async throws -> Response { try await Self.csv(request, context, .users) }
    @Sendable func importAccounts(_ request: Request, context: BeaconRequestContext) async throws -> Response { try await Self.csv(request, context, .accounts) }

    /// `{"updates": [{"email" | "account_id", "fields": {...}}]}`: strings, numbers or booleans (kept as text); null removes a key.
    static func json(_ request: Request, _ context: BeaconRequestContext, _ kind: Kind) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try WorkspaceRoutes.object(try await JSONBody.decode(JSONValue.self, from: request, limit: maxCSVBytes), allowed: ["updates"])
        guard case .array(let updates)? = body["updates"], !updates.isEmpty else { throw APIError.badRequest(field: "updates", "is required: a list of 1–\(maxRows) updates") }
        guard updates.count <= maxRows else { throw APIError.badRequest(field: "updates", "has \(updates.count) updates; at most \(maxRows) are taken at once") }
        var edits: [ProfileEdit] = []
        for (i, update) in updates.enumerated() {
            let at = "updates[\(i)]"
            guard let fields = update.object else { throw APIError.badRequest(field: at, "must be an object with \(kind.idField) and fields") }
            if let stray = fields.keys.sorted().first(where: { $0 != kind.idField && $0 != "fields" }) {
                throw APIError.badRequest(field: "\(at).\(stray)", "is not a field (\(kind.idField), fields)")
            }
            guard let id = fields[kind.idField]?.string, (1...320).contains(id.count) else {
                throw APIError.badRequest(field: "\(at).\(kind.idField)", "is required: 1–320 characters")
            }
            guard let values = fields["fields"]?.object, !values.isEmpty else { throw APIError.badRequest(field: "\(at).fields", "is required: an object setting at least one key") }
            guard values.count <= ProfileEditing.maxProperties else { throw APIError.badRequest(field: "\(at).fields", "sets more than \(ProfileEditing.maxProperties) keys") }
            let changes = try values.sorted { $0.key < $1.key }.map { key, value in try ProfileEditing.change(key, value, field: "\(at).fields.\(key)") }
            edits.append(kind.edit(id, changes))
        }
        return try await apply(tenant, edits, kind, field: { "updates[\($0)].\(kind.idField)" })
    }

    static func apply(_ tenant: TenantActor, _ edits: [ProfileEdit], _ kind: Kind, field: (Int) -> String) async throws -> Response {
        do {
            let n = try await tenant.editProfiles(edits)
            let fields = edits.reduce(0) { total, edit in
                switch edit {
                case .setUserProperties(_, let c), .setAccountProperties(_, let c): total + c.count
                default: total
                }
            }
            return try JSONResponse.make(Answer(updated: n, fieldsSet: fields))
        } catch let refused as TenantActor.BulkRefusal {
            // Users must have events; accounts may be described first.
            throw APIError(.notFound, code: "not_found", message: "\(field(refused.index)): no such user; nothing was updated", field: field(refused.index))
        }
    }

    /// A CSV body: a header with `email` (users) or `account_id` (accounts) and one column per
    /// field; an empty cell leaves that field as it is. Rows are numbered from 1 after the header.
    static func csv(_ request: Request, _ context: BeaconRequestContext, _ kind: Kind) async throws -> Response {
        let tenant = try context.requireTenant()
        let buffer = try await request.body.collect(upTo: maxCSVBytes)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else { throw APIError.badRequest(field: "body", "must be UTF-8 text") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw APIError.badRequest(field: "body", "is empty: send a header row and at least one row") }
        // RFC 4180 quotes come in pairs (a quote inside a cell is doubled): an odd count leaves a cell open to the end.
        guard text.utf8.lazy.filter({ $0 == UInt8(ascii: "\"") }).count % 2 == 0 else {
            throw APIError.badRequest(field: "body", "is not CSV: a quoted cell is never closed")
        }
        let table: CSV<Enumerated>
        do { table = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false, rowLimit: maxRows + 1) } catch {
            throw APIError.badRequest(field: "body", "is not CSV: \(error)")
        }
        let header = table.header.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let idColumn = header.firstIndex(of: kind.idField) else { throw APIError.badRequest(field: "header", "needs a column \(kind.idField)") }
        if let blank = header.firstIndex(of: "") { throw APIError.badRequest(field: "header", "column \(blank + 1) has no name") }
        if let twice = header.first(where: { name in header.filter { $0 == name }.count > 1 }) { throw APIError.badRequest(field: "header", "names '\(twice)' twice") }
        guard header.count - 1 <= ProfileEditing.maxProperties else { throw APIError.badRequest(field: "header", "has more than \(ProfileEditing.maxProperties) field columns") }
        guard !table.rows.isEmpty else { throw APIError.badRequest(field: "body", "has a header and no rows") }
        guard table.rows.count <= maxRows else { throw APIError.badRequest(field: "body", "has more than \(maxRows) rows") }
        var edits: [ProfileEdit] = []
        for (i, row) in table.rows.enumerated() {
            let at = "rows[\(i + 1)]"
            // The library pads short rows to the longest; a cell past the header with text in it is the row's own.
            if row.count > header.count, row[header.count...].contains(where: { !$0.isEmpty }) {
                throw APIError.badRequest(field: at, "has more cells than the header's \(header.count)")
            }
            let id = row[idColumn].trimmingCharacters(in: .whitespaces)
            guard (1...320).contains(id.count) else { throw APIError.badRequest(field: "\(at).\(kind.idField)", "is required: 1–320 characters") }
            var changes: [ProfileEdit.PropertyChange] = []
            for (c, name) in header.enumerated() where c != idColumn && c < row.count && !row[c].isEmpty {
                changes.append(try ProfileEditing.change(name, text: row[c], field: "\(at).\(name)"))
            }
            guard !changes.isEmpty else { throw APIError.badRequest(field: at, "sets no field: every cell but \(kind.idField) is empty") }
            edits.append(kind.edit(id, changes))
        }
        return try await apply(tenant, edits, kind, field: { "rows[\($0 + 1)].\(kind.idField)" })
    }
}
