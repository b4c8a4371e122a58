import Actors
import Hummingbird
import Runtime

/// The metrics API's audiences (`/api/v1/audiences`): an audience is a segment. Its definition
/// compiles to segment rules, so the count is the segment's and every segment is listed here
/// (docs/metrics-api.md, Audiences). Edits go through the segments' one edit path.
struct AudienceRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/v1/audiences", use: list)
        router.post("/api/v1/audiences", use: create)
        router.get("/api/v1/audiences/:id", use: detail)
        router.put("/api/v1/audiences/:id", use: update)
        router.delete("/api/v1/audiences/:id", use: delete)
        router.get("/api/v1/audiences/:id/count", use: count)
    }

    static let descriptionMaxCharacters = 2000

    struct AudienceRow: Encodable {
        var id: Int; var name: String; var description: String?; var owner: String?; var size: Int
        var definition: AudienceDefinitionDocument?; var rules: [RuleDocument]; var createdAt: String; var updatedAt: String
    }

    static func row(_ s: Segment) -> AudienceRow {
        AudienceRow(id: s.id, name: s.name, description: s.description, owner: s.owner, size: s.members.count,
                    definition: AudienceDefinition(rules: s.rules).map(AudienceDefinitionDocument.init), rules: s.rules.map(RuleDocument.init),
                    createdAt: ISOText.timestamp(s.createdMs), updatedAt: ISOText.timestamp(s.updatedMs))
    }

    struct ListAnswer: Encodable { var data: [AudienceRow]; var total: Int }
    struct OneAnswer: Encodable { var data: AudienceRow }
    struct Count: Encodable { var id: Int; var count: Int }
    struct CountAnswer: Encodable { var data: Count }

    /// Every segment of the tenant, by id.
    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let rows = try await tenant.readWithSegments { $0.segments.byID.values.sorted { $0.id < $1.id }.map(Self.row) }
        return try JSONResponse.make(ListAnswer(data: rows, total: rows.count))
    }

    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        return try await answer(tenant, id: try Self.audienceID(context), status: .ok)
    }

    /// The users who match, worked out as of now (the segment is refreshed first).
    @Sendable func count(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.audienceID(context)
        guard let n = try await tenant.readWithSegments({ $0.segments.byID[id]?.members.count }) else { throw SegmentRoutes.unknown(id) }
        return try JSONResponse.make(CountAnswer(data: Count(id: id, count: n)))
    }

    @Sendable func create(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(AudienceBody.self, from: request, limit: 1 << 20)
        let name = try SegmentRoutes.name(body.name.value)
        let description = try Self.description(body.description.value)
        let rules = try AudienceDefinitionParsing.definition(body.definition.value).rules
        let owner = context.member
        let edit = try await SegmentRoutes.apply(tenant) { id, now in
            .create(id: id, name: name, folder: nil, isStatic: false, rules: rules, nowMs: now, owner: owner, description: description)
        }
        guard case .create(let id, _, _, _, _, _, _, _) = edit else { preconditionFailure("the edit made above") }
        return try await answer(tenant, id: id, status: .created)
    }

    /// A partial update: a field left out keeps its value; `description: null` clears it.
    @Sendable func update(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.audienceID(context)
        let body = try await JSONBody.decode(AudienceBody.self, from: request, limit: 1 << 20)
        let name = body.name.isMentioned ? try SegmentRoutes.name(body.name.value) : nil
        let description: String?? = body.description.isMentioned ? .some(try Self.description(body.description.value)) : nil
        let rules = body.definition.isMentioned ? try AudienceDefinitionParsing.definition(body.definition.value).rules : nil
        try await SegmentRoutes.requireOwnerOrAdmin(tenant, id: id, context, what: "audience")
        _ = try await SegmentRoutes.apply(tenant) { _, now in .update(id: id, name: name, folder: nil, rules: rules, nowMs: now, description: description) }
        return try await answer(tenant, id: id, status: .ok)
    }

    @Sendable func delete(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.audienceID(context)
        try await SegmentRoutes.requireOwnerOrAdmin(tenant, id: id, context, what: "audience")
        _ = try await SegmentRoutes.apply(tenant) { _, _ in .delete(id: id) }
        return try JSONResponse.make(ProfileEditing.DeletedAnswer(deleted: true, id: UInt64(id)))
    }

    private func answer(_ tenant: TenantActor, id: Int, status: HTTPResponse.Status) async throws -> Response {
        guard let row = try await tenant.readWithSegments({ $0.segments.byID[id].map(Self.row) }) else { throw SegmentRoutes.unknown(id) }
        return try JSONResponse.make(OneAnswer(data: row), status: status)
    }

    static func audienceID(_ context: BeaconRequestContext) throws -> Int { try QueryParameters.positiveID("id", context, kind: "audience") }

    static func description(_ text: String?) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.count <= descriptionMaxCharacters else { throw APIError.badRequest(field: "description", "is longer than \(descriptionMaxCharacters) characters") }
        return text
    }
}
