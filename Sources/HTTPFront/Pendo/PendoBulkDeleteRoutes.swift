import Actors
import Foundation
import Hummingbird
import Runtime

/// The seed's four bulk-delete requests (docs/pendo.md, Bulk deletes): up to 500 visitors or
/// accounts per request, marked Do Not Process at once and deleted in the background, with a
/// receipt kept for good.
struct PendoBulkDeleteRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.post("/pendo/api/v1/bulkdelete/visitor") { request, context in try await requestDeletion(.visitor, key: "visitors", request, context) }
        router.post("/pendo/api/v1/bulkdelete/account") { request, context in try await requestDeletion(.account, key: "accounts", request, context) }
        router.get("/pendo/api/v1/bulkdelete", use: pending)
        router.get("/pendo/api/v1/bulkdelete/:id", use: one)
    }

    struct Receipt: Encodable {
        var id: String; var kind: String; var ids: [String]; var status: String
        var requestedAt: Int64; var completedAt: Int64?; var eventsDeleted: Int
    }

    static func receipt(_ d: Metadata.Deletion) -> Receipt {
        Receipt(id: String(d.id), kind: d.kind.rawValue, ids: d.ids, status: d.completedMs == nil ? "pending" : "complete",
                requestedAt: d.requestedMs, completedAt: d.completedMs, eventsDeleted: d.eventsDeleted)
    }

    func requestDeletion(_ kind: Metadata.Kind, key: String, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 20)
        let fields = try WorkspaceRoutes.object(body, allowed: [key])
        guard let list = fields[key]?.array, !list.isEmpty else { throw APIError.badRequest(field: key, "No IDs in payload") }
        guard list.count <= Metadata.maxDeletionIDs else { throw APIError.badRequest(field: key, "holds \(list.count) ids; at most \(Metadata.maxDeletionIDs) per request") }
        var ids: [String] = []
        for (i, value) in list.enumerated() {
            guard let id = value.string, !id.isEmpty, id.utf8.count <= 320 else { throw APIError.badRequest(field: "\(key)[\(i)]", "must be an id of 1 to 320 bytes") }
            if !ids.contains(id) { ids.append(id) }
        }
        let deletion: Metadata.Deletion
        do { deletion = try await tenant.requestDeletion(kind, ids: ids) } catch let refusal as MetadataEditRefusal { throw PendoMetadataRoutes.refused(refusal) }
        // The deletion rebuilds the events beside the actor; maintenance resumes it after a restart.
        Task { try? await tenant.completeDeletion(deletion.id) }
        return try JSONResponse.make(Self.receipt(deletion), encoder: PendoRoutes.encoder)
    }

    @Sendable func pending(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let list = try await context.requireTenant().read { s in s.metadata.deletions.values.filter { $0.completedMs == nil }.sorted { $0.id < $1.id } }
        return try JSONResponse.make(list.map(Self.receipt), encoder: PendoRoutes.encoder)
    }

    @Sendable func one(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let text = QueryParameters.pathParameter("id", context)
        guard let id = Int(text), let deletion = try await context.requireTenant().read({ $0.metadata.deletions[id] }) else {
            throw APIError(.notFound, code: "not_found", message: "id: no deletion request '\(text)'", field: "id")
        }
        return try JSONResponse.make(Self.receipt(deletion), encoder: PendoRoutes.encoder)
    }
}
