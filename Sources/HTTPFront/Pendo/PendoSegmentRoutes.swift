import Actors
import Foundation
import Hummingbird
import Runtime

/// The seed's twelve segment requests under `/pendo/api/v1/segment` (docs/pendo.md, Segments).
/// Every Beacon segment is listed and readable; only visitor-list segments (those uploaded here,
/// or made natively from a `visitor_list` rule) can have their visitors changed or be deleted
/// here, as the seed allows only for segments the API created.
struct PendoSegmentRoutes {
    let exports: PendoExportJobs
    /// The server's body limit: a visitor list may be as long as a body may.
    let bodyLimit: Int

    static let base = "/pendo/api/v1/segment"
    /// The seed's caps on one PATCH.
    static let maxPatchOperations = 10
    static let maxPatchVisitors = 1000

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/pendo/api/v1/segment", use: list)
        router.post("/pendo/api/v1/segment/upload", use: upload)
        router.get("/pendo/api/v1/segment/:segmentId", use: one)
        router.put("/pendo/api/v1/segment/:segmentId", use: replace)
        router.delete("/pendo/api/v1/segment/:segmentId", use: delete)
        router.get("/pendo/api/v1/segment/:segmentId/status", use: status)
        router.put("/pendo/api/v1/segment/:segmentId/visitor/:visitorId", use: addVisitor)
        router.delete("/pendo/api/v1/segment/:segmentId/visitor/:visitorId", use: removeVisitor)
        router.patch("/pendo/api/v1/segment/:segmentId/visitor", use: patch)
        router.post("/pendo/api/v1/segment/:segmentId/visitors", use: startExport)
        router.get("/pendo/api/v1/segment/:segmentId/visitors/:jobId/status", use: exportStatus)
        router.get("/pendo/api/v1/segment/:segmentId/visitors/:jobId/results/:contentType", use: exportResults)
    }

    /// Starting an export reads the segment only, so Viewer keys may do it.
    static func isExportStart(_ path: String) -> Bool {
        path.hasPrefix(base + "/") && path.hasSuffix("/visitors") && path.split(separator: "/").count == 6
    }

    struct SegmentObject: Encodable {
        var id: String; var name: String; var kind = "Segment"
        var createdByUser: PendoRoutes.User; var createdAt: Int64; var lastUpdatedByUser: PendoRoutes.User; var lastUpdatedAt: Int64
        var rootVersionId: String; var stableVersionId: String
        var shared = true; var apiSegment: Bool; var visitorCount: Int
    }

    static func object(_ s: Segment) -> SegmentObject {
        let user = PendoRoutes.User(id: s.owner ?? "beacon", username: s.owner ?? "beacon")
        let id = String(s.id)
        return SegmentObject(id: id, name: s.name, createdByUser: user, createdAt: s.createdMs, lastUpdatedByUser: user, lastUpdatedAt: s.updatedMs,
                             rootVersionId: id, stableVersionId: id, apiSegment: s.visitorList != nil, visitorCount: s.members.count)
    }

    static func segmentID(_ context: BeaconRequestContext) throws -> Int {
        let text = QueryParameters.pathParameter("segmentId", context)
        guard let id = Int(text), id > 0 else { throw APIError.badRequest(field: "segmentId", "must be a segment id, got '\(text)'") }
        return id
    }

    static func notFound(_ id: Int) -> APIError {
        APIError(.notFound, code: "not_found", message: "segmentId: entity not found (no segment \(id))", field: "segmentId")
    }

    private func segment(_ tenant: TenantActor, _ id: Int) async throws -> SegmentObject {
        guard let found = try await tenant.readWithSegments({ $0.segments.byID[id].map(Self.object) }) else { throw Self.notFound(id) }
        return found
    }

    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let rows = try await context.requireTenant().readWithSegments { state in state.segments.byID.keys.sorted().map { Self.object(state.segments.byID[$0]!) } }
        return try JSONResponse.make(rows, encoder: PendoRoutes.encoder)
    }

    @Sendable func one(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try JSONResponse.make(try await segment(try context.requireTenant(), try Self.segmentID(context)), encoder: PendoRoutes.encoder)
    }

    /// The seed's `{"name", "visitors"}`; ids are trimmed, and a bad one stops the upload.
    static func visitors(_ value: JSONValue?, field: String = "visitors") throws -> [String] {
        guard let list = value?.array else { throw APIError.badRequest(field: field, "must be an array of visitor ids") }
        guard list.count <= Segment.maxListedVisitors else { throw APIError.badRequest(field: field, "holds more than \(Segment.maxListedVisitors) ids") }
        return try list.enumerated().map { i, v in try visitorID(v.string, field: "\(field)[\(i)]") }
    }

    static func visitorID(_ text: String?, field: String) throws -> String {
        guard let id = text?.trimmingCharacters(in: .whitespaces), !id.isEmpty, id.utf8.count <= 320 else {
            throw APIError.badRequest(field: field, "must be a visitor id (1 to 320 bytes once trimmed)")
        }
        return id
    }

    func body(_ request: Request) async throws -> [String: JSONValue] {
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: bodyLimit)
        return try WorkspaceRoutes.object(body, allowed: ["name", "visitors"])
    }

    @Sendable func upload(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let fields = try await body(request)
        let name = try SegmentRoutes.name(fields["name"]?.string)
        let ids = Set(try Self.visitors(fields["visitors"]))
        let owner = context.member.isEmpty ? nil : context.member
        let edit = try await SegmentRoutes.apply(tenant) { id, now in
            .create(id: id, name: name, folder: nil, isStatic: false, rules: [.visitorList(ids)], nowMs: now, owner: owner)
        }
        guard case .create(let id, _, _, _, _, _, _, _) = edit else { preconditionFailure("the edit made above") }
        return try JSONResponse.make(try await segment(tenant, id), encoder: PendoRoutes.encoder)
    }

    /// Checked before an edit: the segment exists and is a visitor list (else the seed's 403).
    private func requireVisitorList(_ tenant: TenantActor, _ id: Int) async throws {
        guard let isList = try await tenant.readWithSegments({ $0.segments.byID[id].map { $0.visitorList != nil } }) else { throw Self.notFound(id) }
        guard isList else { throw APIError(.forbidden, code: "forbidden", message: "segmentId: segment \(id) was not created through the API (from a visitor list)", field: "segmentId") }
    }

    /// `name` and/or `visitors`; what is given overwrites.
    @Sendable func replace(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.segmentID(context)
        let fields = try await body(request)
        let name = try fields["name"].map { try SegmentRoutes.name($0.string) }
        let ids = try fields["visitors"].map { Set(try Self.visitors($0)) }
        guard name != nil || ids != nil else { throw APIError.badRequest(field: "body", "changes nothing: give name, visitors or both") }
        try await requireVisitorList(tenant, id)
        if let name { _ = try await SegmentRoutes.apply(tenant) { _, now in .update(id: id, name: name, folder: nil, rules: nil, nowMs: now) } }
        if let ids { _ = try await SegmentRoutes.apply(tenant) { _, now in .editVisitors(id: id, replacing: ids, adding: [], removing: [], nowMs: now) } }
        return try JSONResponse.make(try await segment(tenant, id), encoder: PendoRoutes.encoder)
    }

    struct Done: Encodable { var segmentId: String; var deleted: Bool? = nil; var visitorCount: Int? = nil }

    @Sendable func delete(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.segmentID(context)
        try await requireVisitorList(tenant, id)
        _ = try await SegmentRoutes.apply(tenant) { _, _ in .delete(id: id) }
        return try JSONResponse.make(Done(segmentId: String(id), deleted: true), encoder: PendoRoutes.encoder)
    }

    struct Status: Encodable {
        var checkFound: Int; var checkTotal: Int; var command = "Finish"; var entityTagId: String; var entityTagName: String
        var lastUpdatedAt: Int64; var requestId: String; var status = 200; var totalTagged: Int
    }

    /// Uploads are applied when acknowledged, so a segment is always `Finish`ed: `checkTotal` ids
    /// listed, `checkFound` of them with data.
    @Sendable func status(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let id = try Self.segmentID(context)
        let found = try await context.requireTenant().scan(.segments) { state -> Status? in
            guard let s = state.segments.byID[id] else { return nil }
            return Status(checkFound: s.members.count, checkTotal: s.visitorList?.count ?? s.members.count, entityTagId: String(id), entityTagName: s.name,
                          lastUpdatedAt: s.updatedMs, requestId: "\(id)-\(s.updatedMs)", totalTagged: s.members.count)
        }
        guard let found else { throw Self.notFound(id) }
        return try JSONResponse.make(found, encoder: PendoRoutes.encoder)
    }

    private func editVisitors(_ context: BeaconRequestContext, adding: [String], removing: [String]) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.segmentID(context)
        try await requireVisitorList(tenant, id)
        _ = try await SegmentRoutes.apply(tenant) { _, now in .editVisitors(id: id, replacing: nil, adding: adding, removing: removing, nowMs: now) }
        let count = try await tenant.readWithSegments { $0.segments.byID[id]?.members.count ?? 0 }
        return try JSONResponse.make(Done(segmentId: String(id), visitorCount: count), encoder: PendoRoutes.encoder)
    }

    @Sendable func addVisitor(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let visitor = try Self.visitorID(try PendoRoutes.pathID("visitorId", request, context), field: "visitorId")
        return try await editVisitors(context, adding: [visitor], removing: [])
    }

    @Sendable func removeVisitor(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let visitor = try Self.visitorID(try PendoRoutes.pathID("visitorId", request, context), field: "visitorId")
        return try await editVisitors(context, adding: [], removing: [visitor])
    }

    /// A JSON Patch list (the seed shows no body; docs/pendo.md gives this reading):
    /// `[{"op": "add" | "remove", "path": "/visitors", "value": [ids]}]`, at most 10 operations
    /// and 1,000 visitors in all.
    @Sendable func patch(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(JSONValue.self, from: request, limit: 1 << 20)
        guard let operations = body.array else { throw APIError.badRequest(field: "body", "must be an array of operations {op, path, value}") }
        guard !operations.isEmpty else { throw APIError.badRequest(field: "body", "holds no operations") }
        guard operations.count <= Self.maxPatchOperations else {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "body: Segment patch requests can have at most \(Self.maxPatchOperations) operations", field: "body")
        }
        var adding: [String] = [], removing: [String] = []
        for (i, value) in operations.enumerated() {
            let fields = try WorkspaceRoutes.object(value, allowed: ["op", "path", "value"], field: "body[\(i)]")
            guard let op = fields["op"]?.string, op == "add" || op == "remove" else { throw APIError.badRequest(field: "body[\(i)].op", "must be add or remove") }
            if let path = fields["path"], path.string != "/visitors" { throw APIError.badRequest(field: "body[\(i)].path", "must be /visitors") }
            let ids = try Self.visitors(fields["value"], field: "body[\(i)].value")
            if op == "add" { adding += ids } else { removing += ids }
            guard adding.count + removing.count <= Self.maxPatchVisitors else {
                throw APIError(.contentTooLarge, code: "body_too_large", message: "body: Segment patch requests can have at most \(Self.maxPatchVisitors) visitors", field: "body")
            }
        }
        // An id both added and removed in one PATCH ends removed.
        return try await editVisitors(context, adding: adding, removing: removing)
    }

    @Sendable func startExport(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try Self.segmentID(context)
        let names = try await tenant.scan(.segments) { state -> [String]? in
            state.segments.byID[id].map { s in s.members.members.map { state.userNames.string($0) } }
        }
        guard let names else { throw Self.notFound(id) }
        let job = await exports.start(tenant: tenant.settings.id, segment: id, visitors: names)
        return try JSONResponse.make(["jobId": job], encoder: PendoRoutes.encoder)
    }

    struct JobStatus: Encodable { var jobId: String; var segmentId: String; var status = "complete"; var state = "Finish"; var totalVisitors: Int; var results: String }

    private func job(_ context: BeaconRequestContext) async throws -> (id: String, job: PendoExportJobs.Job) {
        let tenant = try context.requireTenant()
        let segment = try Self.segmentID(context)
        let id = QueryParameters.pathParameter("jobId", context)
        guard let job = await exports.job(id, tenant: tenant.settings.id), job.segment == segment else {
            throw APIError(.notFound, code: "not_found", message: "jobId: job ID not found for segment \(segment)", field: "jobId")
        }
        return (id, job)
    }

    @Sendable func exportStatus(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let (id, job) = try await job(context)
        return try JSONResponse.make(JobStatus(jobId: id, segmentId: String(job.segment), totalVisitors: job.visitors.count,
                                               results: "\(Self.base)/\(job.segment)/visitors/\(id)/results/csv"), encoder: PendoRoutes.encoder)
    }

    @Sendable func exportResults(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let type = QueryParameters.pathParameter("contentType", context)
        guard type == "csv" else { throw APIError.badRequest(field: "contentType", "must be csv, the only supported value") }
        let (id, job) = try await job(context)
        var csv = CSVWriter(capacity: job.visitors.count * 24 + 16)
        csv.row(["visitorId"])
        for name in job.visitors { csv.row([name]) }
        return csv.response(filename: "segment-\(job.segment)-\(id).csv")
    }
}
