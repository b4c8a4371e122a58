import Actors
import Foundation
import Hummingbird
import Runtime

/// The metrics API's marks (`/api/v1/marks`): timeline annotations, public or private to their
/// creator. A private mark of someone else is answered 404, as if it did not exist.
struct MarkRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/v1/marks", use: list)
        router.post("/api/v1/marks", use: create)
        router.get("/api/v1/marks/:id", use: detail)
        router.delete("/api/v1/marks/:id", use: delete)
    }

    static let titleMaxCharacters = 200
    static let descriptionMaxCharacters = 2000
    static let metadataMaxBytes = 10 * 1024

    struct MarkRow: Encodable {
        var id: Int; var title: String; var description: String?; var timestamp: String; var category: String; var source: String
        var sourceRef: String?; var scope: String; var metadata: String?; var createdBy: String; var createdAt: String
    }

    static func row(_ m: Mark) -> MarkRow {
        MarkRow(id: m.id, title: m.title, description: m.description, timestamp: ISOText.timestamp(m.timestampMs), category: m.category.rawValue,
                source: m.source.rawValue, sourceRef: m.sourceRef, scope: m.scope.rawValue, metadata: m.metadata, createdBy: m.creator,
                createdAt: ISOText.timestamp(m.createdMs))
    }

    struct ListAnswer: Encodable { var data: [MarkRow]; var total: Int }
    struct OneAnswer: Encodable { var data: MarkRow }

    /// `from`, `to` (ISO-8601 or epoch ms, both included), `category`, `source`, `limit` (default 500).
    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let from = try query.instant("from"), to = try query.instant("to")
        if let from, let to, from > to { throw APIError.badRequest(field: "to", "is before from") }
        let category: Mark.Category? = try query.string("category").map { try Self.choice($0, field: "category") }
        let source: Mark.Source? = try query.string("source").map { try Self.choice($0, field: "source") }
        let markQuery = MarkQuery(viewer: context.member, fromMs: from, toMs: to, category: category, source: source,
                                  limit: try query.int("limit", default: 500, range: 1...10_000))
        let found = try await tenant.read { $0.marks.matching(markQuery) }
        return try JSONResponse.make(ListAnswer(data: found.marks.map(Self.row), total: found.total))
    }

    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.markID(context)
        let member = context.member
        guard let mark = try await tenant.read({ $0.marks.byID[id] }), mark.isVisible(to: member) else { throw Self.unknown(id) }
        return try JSONResponse.make(OneAnswer(data: Self.row(mark)))
    }

    @Sendable func create(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(MarkBody.self, from: request, limit: 1 << 16)
        let title = try Self.bounded(try BodyField.requiredText(body.title, "title"), field: "title", max: Self.titleMaxCharacters)
        // Counted in characters, not BodyField's 1024 bytes: 2000 characters are allowed.
        let description = try body.description.flatMap { $0.isEmpty ? nil : $0 }.map { try Self.bounded($0, field: "description", max: Self.descriptionMaxCharacters) }
        let timestamp = try BodyField.timestamp(body.timestamp, "timestamp")
        let category: Mark.Category = try body.category.map { try Self.choice($0, field: "category") } ?? .release
        let scope: Mark.Scope = try body.scope.map { try Self.choice($0, field: "scope") } ?? .public
        let sourceRef = try BodyField.text(body.sourceRef, "source_ref")
        let metadata = try Self.metadata(body.metadata)
        let creator = context.member
        let edit = try await tenant.editMarks { id, now in
            .create(Mark(id: id, title: title, description: description, timestampMs: timestamp ?? now, category: category, sourceRef: sourceRef,
                         scope: scope, metadata: metadata, source: .api, creator: creator, createdMs: now))
        }
        guard case .create(let mark) = edit else { preconditionFailure("the edit made above") }
        return try JSONResponse.make(OneAnswer(data: Self.row(mark)), status: .created)
    }

    /// The creator or an admin; a private mark of someone else is a 404 here too.
    @Sendable func delete(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.markID(context)
        let member = context.member
        guard let mark = try await tenant.read({ $0.marks.byID[id] }), mark.isVisible(to: member) else { throw Self.unknown(id) }
        try context.requireOwnerOrAdmin(mark.creator, of: "mark")
        do {
            _ = try await tenant.editMarks { _, _ in .delete(id: id) }
        } catch MarkEditRefusal.unknownMark {
            throw Self.unknown(id)   // deleted by another request meanwhile
        }
        return try JSONResponse.make(ProfileEditing.DeletedAnswer(deleted: true, id: UInt64(id)))
    }

    static func markID(_ context: BeaconRequestContext) throws -> Int { try QueryParameters.positiveID("id", context, kind: "mark") }

    static func unknown(_ id: Int) -> APIError { APIError(.notFound, code: "not_found", message: "id: no mark \(id)", field: "id") }

    static func choice<Choice: RawRepresentable & CaseIterable>(_ text: String, field: String) throws -> Choice where Choice.RawValue == String {
        guard let value = Choice(rawValue: text) else {
            throw APIError.badRequest(field: field, "must be one of \(Choice.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text.prefix(64))'")
        }
        return value
    }

    static func bounded(_ text: String, field: String, max: Int) throws -> String {
        guard text.count <= max else { throw APIError.badRequest(field: field, "is longer than \(max) characters") }
        return text
    }

    /// JSON text of at most 10 KB, checked to be JSON.
    static func metadata(_ value: JSONValue?) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string else { throw APIError.badRequest(field: "metadata", "must be JSON text (a string)") }
        guard text.utf8.count <= metadataMaxBytes else { throw APIError.badRequest(field: "metadata", "is larger than 10 KB") }
        guard (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) != nil else {
            throw APIError.badRequest(field: "metadata", "is not valid JSON")
        }
        return text
    }
}
