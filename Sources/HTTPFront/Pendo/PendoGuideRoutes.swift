import Actors
import Foundation
import Hummingbird
import Runtime

/// The seed's guide requests over nudges (docs/pendo.md, Guides): list and fetch, version
/// history, seen resets per visitor and for staged (draft) guides; experiments and XLIFF
/// localization are 501s naming what guides lack.
struct PendoGuideRoutes {
    static let maxLocalizedGuides = 15

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/pendo/api/v1/guide", use: list)
        router.get("/pendo/api/v1/guide/localization/export", use: localizationExport)
        router.post("/pendo/api/v1/guide/localization/import", use: localizationImport)
        router.post("/pendo/api/v1/guide/staged/reset", use: resetStaged)
        router.post("/pendo/api/v1/guide/all/visitor/:visitorId/reset", use: resetVisitorEverywhere)
        router.get("/pendo/api/v1/guide/:guideId/history", use: history)
        router.post("/pendo/api/v1/guide/:guideId/visitor/:visitorId/reset", use: resetVisitor)
        router.post("/pendo/api/v1/guide/:guideId/reset", use: resetGuide)
        router.post("/pendo/api/v1/guide/:guideId/experiment/export", use: experimentExport)
    }

    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try await PendoObjectRoutes().objects(.guides, request, context)
    }

    static func notFound(_ text: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "guideId: guide not found ('\(text)')", field: "guideId")
    }

    /// The guide id in the path: a nudge's id, in decimal.
    static func guideID(_ context: BeaconRequestContext, _ tenant: TenantActor) async throws -> (id: Int, status: Nudge.Status) {
        let text = QueryParameters.pathParameter("guideId", context)
        guard let id = Int(text), let status = try await tenant.read({ $0.nudges.byID[id]?.status }) else { throw notFound(text) }
        return (id, status)
    }

    /// Every kept version, newest first: the guide's fields as they stood, with `state`.
    @Sendable func history(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let (id, _) = try await Self.guideID(context, tenant)
        let versions = try await tenant.read { $0.nudges.byID[id]?.versions ?? [] }
        var json = JSONWriter(capacity: 64 + versions.count * 256)
        json.array { list in
            for (n, v) in versions.enumerated().reversed() {
                list.object { out in
                    out.key("id"); out.value(String(id))
                    out.key("kind"); out.value("Guide")
                    out.key("name"); out.value(v.definition.title)
                    out.key("state"); out.value(PendoIDs.guideState(v.status))
                    out.key("version"); out.value(n + 1)
                    out.key("lastUpdatedAt"); out.value(Int(v.atMs))
                    out.key("targetPage"); out.value(v.definition.targetPage)
                    out.key("type"); out.value(v.definition.kind.rawValue)
                    if let body = v.definition.body { out.key("content"); out.value(body) }
                    if let segment = v.definition.targetSegment { out.key("segmentId"); out.value(String(segment)) }
                }
            }
        }
        return json.response()
    }

    struct Reset: Encodable { var reset: [String]; var visitorId: String? }

    private func reset(_ tenant: TenantActor, ids: [Int], user: String?) async throws -> Response {
        for id in ids { _ = try await tenant.editNudges { _, _ in .resetSeen(id: id, user: user) } }
        return try JSONResponse.make(Reset(reset: ids.map(String.init), visitorId: user), encoder: PendoRoutes.encoder)
    }

    @Sendable func resetVisitor(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let (id, _) = try await Self.guideID(context, tenant)
        let visitor = try PendoRoutes.pathID("visitorId", request, context)
        return try await reset(tenant, ids: [id], user: visitor)
    }

    @Sendable func resetVisitorEverywhere(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let visitor = try PendoRoutes.pathID("visitorId", request, context)
        let ids = try await tenant.read { $0.nudges.byID.keys.sorted() }
        return try await reset(tenant, ids: ids, user: visitor)
    }

    /// Only a staged guide (a draft nudge) can be reset for everyone: the seed's 400 otherwise.
    @Sendable func resetGuide(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let (id, status) = try await Self.guideID(context, tenant)
        guard status == .draft else {
            throw APIError.badRequest(field: "guideId", "cannot reset guide \(id): it is \(PendoIDs.guideState(status)), not staged (a draft)")
        }
        return try await reset(tenant, ids: [id], user: nil)
    }

    @Sendable func resetStaged(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let ids = try await tenant.read { s in s.nudges.byID.values.filter { $0.status == .draft }.map(\.id).sorted() }
        return try await reset(tenant, ids: ids, user: nil)
    }

    @Sendable func experimentExport(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        _ = try await Self.guideID(context, tenant)
        throw PendoUnsupportedRoutes.notSupported("guide experiments are not supported: a nudge has no variants or control group. "
            + "GET /api/nudges/:id/audience gives its funnel and GET /api/nudges/impact its measured effect", field: "guideId")
    }

    /// The ids are checked as the seed says (1 to 15, each a guide); then the 501.
    @Sendable func localizationExport(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        guard let text = QueryParameters(request).string("guideids") else { throw APIError.badRequest(field: "guideids", "is required: comma-separated guide ids") }
        let ids = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !ids.isEmpty else { throw APIError.badRequest(field: "guideids", "names no guide") }
        guard ids.count <= Self.maxLocalizedGuides else { throw APIError.badRequest(field: "guideids", "names \(ids.count) guides; at most \(Self.maxLocalizedGuides)") }
        let known = try await tenant.read { state in ids.map { Int($0).map { state.nudges.byID[$0] != nil } ?? false } }
        if let missing = zip(ids, known).first(where: { !$0.1 })?.0 {
            throw APIError(.notFound, code: "not_found", message: "guideids: guide not found ('\(missing)')", field: "guideids")
        }
        throw PendoUnsupportedRoutes.notSupported(Self.noLocalization, field: "guideids")
    }

    static let noLocalization = "guide localization is not supported: a nudge has one title, body and button text and no languages "
        + "or translation units to export as XLIFF 1.2"

    @Sendable func localizationImport(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        _ = try context.requireTenant()
        throw PendoUnsupportedRoutes.notSupported(Self.noLocalization, field: "body")
    }
}
