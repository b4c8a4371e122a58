import Actors
import Foundation
import Hummingbird
import Runtime

/// Segments: estimate while editing, create (dynamic or static), list and search, folders,
/// one segment with its users, edit, delete, compare two.
struct SegmentRoutes {
    func add(to router: Router<BeaconRequestContext>) {
        router.get("/api/segments", use: list)
        router.post("/api/segments", use: create)
        router.post("/api/segments/estimate", use: estimate)
        router.get("/api/segments/compare", use: compare)
        router.get("/api/segments/folders", use: folders)
        router.post("/api/segments/folders", use: createFolder)
        router.get("/api/segments/:id", use: detail)
        router.put("/api/segments/:id", use: update)
        router.delete("/api/segments/:id", use: delete)
    }

    struct SegmentRow: Encodable {
        var id: Int; var name: String; var folder: String?; var segmentType: String; var size: Int
        var createdAt: String; var updatedAt: String; var rules: [RuleDocument]; var owner: String?; var description: String?
    }

    static func row(_ s: Segment) -> SegmentRow {
        SegmentRow(id: s.id, name: s.name, folder: s.folder, segmentType: s.isStatic ? "static" : "dynamic", size: s.members.count,
                   createdAt: ISOText.timestamp(s.createdMs), updatedAt: ISOText.timestamp(s.updatedMs), rules: s.rules.map(RuleDocument.init),
                   owner: s.owner, description: s.description)
    }

    struct EstimateAnswer: Encodable { var size: Int; var totalUsers: Int; var share: Double; var sample: [String] }

    /// `rules`: compiled and counted without saving; the size, the share of all users and a sample.
    @Sendable func estimate(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(SegmentEstimateBody.self, from: request, limit: 1 << 20)
        let rules = try SegmentRuleParsing.rules(body.rules)
        let sampleSize = body.sampleSize ?? 10
        guard (0...100).contains(sampleSize) else { throw APIError.badRequest(field: "sample_size", "must be between 0 and 100") }
        let now = tenant.now()
        let answer = try await tenant.readWithSegments { state -> Result<EstimateAnswer, APIError> in
            if let missing = rules.flatMap(\.segmentReferences).first(where: { state.segments.byID[$0] == nil }) {
                return .failure(.badRequest(field: "rules", "in_segment names segment \(missing), which does not exist"))
            }
            let members = state.members(of: rules, today: state.day(of: now)) { state.segments.byID[$0]?.members }
            let total = state.knownUserCount
            return .success(EstimateAnswer(size: members.count, totalUsers: total, share: total == 0 ? 0 : (Double(members.count) / Double(total) * 10_000).rounded() / 10_000,
                                           sample: members.members(offset: 0, limit: sampleSize).map { state.userNames.string($0) }))
        }.get()
        return try JSONResponse.make(answer)
    }

    struct ListAnswer: Encodable { var total: Int; var segments: [SegmentRow] }

    /// `search` (in names, event types and property keys of the rules), `folder`.
    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        let search = query.string("search")
        let folder = query.string("folder")
        let rows = try await tenant.readWithSegments { $0.segments.matching(folder: folder, search: search).map(Self.row) }
        return try JSONResponse.make(ListAnswer(total: rows.count, segments: rows))
    }

    @Sendable func create(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await JSONBody.decode(SegmentBody.self, from: request, limit: 1 << 20)
        let name = try Self.name(body.name.value)
        let rules = try SegmentRuleParsing.rules(body.rules.value)
        let folder = try BodyField.text(body.folder.value, "folder")
        let type = try BodyField.text(body.segmentType, "segment_type") ?? "dynamic"
        guard type == "dynamic" || type == "static" else { throw APIError.badRequest(field: "segment_type", "must be dynamic or static, got '\(type)'") }
        let owner = context.member
        let edit = try await Self.apply(tenant) { id, now in
            .create(id: id, name: name, folder: folder, isStatic: type == "static", rules: rules, nowMs: now, owner: owner)
        }
        guard case .create(let id, _, _, _, _, _, _, _) = edit else { preconditionFailure("the edit made above") }
        return try await detailAnswer(tenant, id: id, offset: 0, limit: 100, status: .created)
    }

    static func name(_ text: String?) throws -> String {
        let name = try BodyField.requiredText(text, "name")
        guard name.count <= 200 else { throw APIError.badRequest(field: "name", "is longer than 200 characters") }
        return name
    }

    @Sendable func update(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.segmentID(context)
        let body = try await JSONBody.decode(SegmentBody.self, from: request, limit: 1 << 20)
        let name = body.name.isMentioned ? try Self.name(body.name.value) : nil
        let rules = body.rules.isMentioned ? try SegmentRuleParsing.rules(body.rules.value) : nil
        let folder: String?? = body.folder.isMentioned ? .some(try BodyField.text(body.folder.value, "folder")) : nil
        guard name != nil || rules != nil || folder != nil else { throw APIError.badRequest(field: "body", "changes nothing: give name, rules or folder") }
        try await Self.requireOwnerOrAdmin(tenant, id: id, context)
        _ = try await Self.apply(tenant) { _, now in .update(id: id, name: name, folder: folder, rules: rules, nowMs: now) }
        return try await detailAnswer(tenant, id: id, offset: 0, limit: 100, status: .ok)
    }

    @Sendable func delete(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.segmentID(context)
        try await Self.requireOwnerOrAdmin(tenant, id: id, context)
        _ = try await Self.apply(tenant) { _, _ in .delete(id: id) }
        return try JSONResponse.make(ProfileEditing.DeletedAnswer(deleted: true, id: UInt64(id)))
    }

    struct DetailAnswer: Encodable { var segment: SegmentRow; var offset: Int; var users: [String] }

    /// The definition and its users, `limit` (default 100) from `offset`.
    @Sendable func detail(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.segmentID(context)
        let query = QueryParameters(request)
        return try await detailAnswer(tenant, id: id, offset: try query.int("offset", default: 0, range: 0...Int(Int32.max)),
                                      limit: try query.int("limit", default: 100, range: 0...10_000), status: .ok)
    }

    private func detailAnswer(_ tenant: TenantActor, id: Int, offset: Int, limit: Int, status: HTTPResponse.Status) async throws -> Response {
        guard let answer = try await tenant.readWithSegments({ state -> DetailAnswer? in
            state.segments.byID[id].map { s in
                DetailAnswer(segment: Self.row(s), offset: offset, users: s.members.members(offset: offset, limit: limit).map { state.userNames.string($0) })
            }
        }) else { throw Self.unknown(id) }
        return try JSONResponse.make(answer, status: status)
    }

    static func segmentID(_ context: BeaconRequestContext, name: String = "id") throws -> Int {
        try QueryParameters.positiveID(name, context, kind: "segment")
    }

    static func unknown(_ id: Int, field: String = "id") -> APIError {
        APIError(.notFound, code: "not_found", message: "\(field): no segment \(id)", field: field)
    }

    /// A 404 for a segment that does not exist, a 403 unless the caller owns it or is an admin.
    /// Checked before the edit: an owner never changes, and ids are never reused.
    static func requireOwnerOrAdmin(_ tenant: TenantActor, id: Int, _ context: BeaconRequestContext, what: String = "segment") async throws {
        guard let owner = try await tenant.read({ $0.segments.byID[id].map(\.owner) }) else { throw unknown(id) }
        try context.requireOwnerOrAdmin(owner, of: what)
    }

    /// Applies an edit, turning a refusal into the answer that names the field at fault.
    static func apply(_ tenant: TenantActor, _ makeEdit: @escaping @Sendable (Int, Int64) -> SegmentEdit) async throws -> SegmentEdit {
        do {
            return try await tenant.editSegments(makeEdit)
        } catch let refusal as SegmentEditRefusal {
            switch refusal {
            case .unknownSegment(let id): throw unknown(id)
            case .unknownReference(let id): throw APIError.badRequest(field: "rules", "in_segment names segment \(id), which does not exist")
            case .cycle(let id): throw APIError.badRequest(field: "rules", "segment \(id) would read itself through in_segment")
            case .duplicateName(let name): throw APIError(.conflict, code: "conflict", message: "name: a segment named '\(name)' exists", field: "name")
            case .duplicateFolder(let name): throw APIError(.conflict, code: "conflict", message: "name: a folder named '\(name)' exists", field: "name")
            case .targeted(let nudges):
                throw APIError(.conflict, code: "conflict", message: "id: nudges \(nudges.map(String.init).joined(separator: ", ")) target this segment", field: "id")
            case .inUse(let readers):
                throw APIError(.conflict, code: "conflict", message: "id: segments \(readers.map(String.init).joined(separator: ", ")) read this one through in_segment", field: "id")
            case .notVisitorList(let id):
                throw APIError(.forbidden, code: "forbidden", message: "segmentId: segment \(id) is not a visitor list; only segments created from a list of visitors can have visitors changed", field: "segmentId")
            case .tooManyVisitors(let limit):
                throw APIError.badRequest(field: "visitors", "a segment holds at most \(limit) visitors")
            }
        }
    }

    struct Side: Encodable { var id: Int; var name: String; var size: Int }
    struct Difference: Encodable { var eventType: String; var shareA: Double; var shareB: Double; var difference: Double }
    struct CompareAnswer: Encodable {
        var a: Side; var b: Side; var overlap: Int; var onlyA: Int; var onlyB: Int; var jaccard: Double; var days: Int; var eventDifferences: [Difference]
    }

    /// `a`, `b` (segment ids), `days`/`end` for the usage comparison.
    @Sendable func compare(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = QueryParameters(request)
        func id(_ name: String) throws -> Int {
            let text = try query.requiredString(name)
            guard let id = Int(text), id > 0 else { throw APIError.badRequest(field: name, "must be a segment id, got '\(text)'") }
            return id
        }
        let a = try id("a"), b = try id("b")
        let range = try query.dayRange(defaultDays: 30, tenant: tenant)
        let answer = try await tenant.readWithSegments { state -> Result<CompareAnswer, APIError> in
            guard let sa = state.segments.byID[a] else { return .failure(Self.unknown(a, field: "a")) }
            guard let sb = state.segments.byID[b] else { return .failure(Self.unknown(b, field: "b")) }
            let o = state.segmentOverlap(sa, sb, range: range)
            return .success(CompareAnswer(
                a: Side(id: a, name: sa.name, size: o.sizeA), b: Side(id: b, name: sb.name, size: o.sizeB), overlap: o.overlap,
                onlyA: o.sizeA - o.overlap, onlyB: o.sizeB - o.overlap, jaccard: o.jaccard, days: range.count,
                eventDifferences: o.differences.map {
                    Difference(eventType: $0.eventType, shareA: ($0.shareA * 10_000).rounded() / 10_000, shareB: ($0.shareB * 10_000).rounded() / 10_000,
                               difference: ($0.difference * 10_000).rounded() / 10_000)
                }))
        }.get()
        return try JSONResponse.make(answer)
    }

    struct FolderRow: Encodable { var name: String; var segments: Int }
    struct FoldersAnswer: Encodable { var folders: [FolderRow] }

    @Sendable func folders(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let rows = try await tenant.read { $0.segments.folderSizes.map { FolderRow(name: $0.folder, segments: $0.segments) } }
        return try JSONResponse.make(FoldersAnswer(folders: rows))
    }

    @Sendable func createFolder(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let name = try Self.name(try await JSONBody.decode(FolderBody.self, from: request, limit: 1 << 16).name)
        _ = try await Self.apply(tenant) { _, _ in .createFolder(name: name) }
        return try JSONResponse.make(FolderRow(name: name, segments: 0), status: .created)
    }
}
