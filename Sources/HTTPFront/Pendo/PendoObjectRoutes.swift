import Actors
import Foundation
import Hummingbird
import Runtime

/// Pages and features (all, one, a list by `id`) and a visitor's 24-hour history: the seed's
/// object reads, answered from the same rows the aggregation sources give.
struct PendoObjectRoutes {
    static let historyWindowMs: Int64 = 86_400_000
    /// The seed: the window must lie within the last 180 days.
    static let historyReachMs: Int64 = 180 * 86_400_000

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/pendo/api/v1/page", use: pages)
        router.get("/pendo/api/v1/feature", use: features)
        router.get("/pendo/api/v1/visitor/:visitorId/history", use: history)
    }

    /// `id` (comma-separated ids, or page paths), `appId` (objects are shared by a tenant's apps:
    /// an app without events has none), `expand`.
    static func wanted(_ request: Request) throws -> (ids: [String]?, app: Int?) {
        let query = QueryParameters(request)
        var app: Int?
        if let text = query.string("appId"), text != "expand" {
            guard let id = Int(text) else { throw APIError.badRequest(field: "appId", "must be an app id (the default app is \(PipelineEnvironment.appID))") }
            app = id
        }
        let ids = query.string("id").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        if let ids, ids.isEmpty { throw APIError.badRequest(field: "id", "names no id") }
        return (ids, app)
    }

    func objects(_ kind: PipelineSource.Kind, _ request: Request, _ context: BeaconRequestContext) async throws -> Response {
        let (ids, app) = try Self.wanted(request)
        let rows = try await context.requireTenant().scan(.segments) { state -> [PipelineRow] in
            let data = TenantPipelineData(state: state)
            if let app, !data.appIDs.contains(app) { return [] }
            return data.objects(kind, ids: ids)
        }
        var json = JSONWriter(capacity: 64 + rows.count * 256)
        json.array { list in for row in rows { PipelineValue.object(row).write(to: &list) } }
        return json.response()
    }

    @Sendable func pages(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try await objects(.pages, request, context)
    }

    /// Features are defined by rules over clicks; until rules can be written there are none.
    @Sendable func features(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        try await objects(.features, request, context)
    }

    /// `starttime` (ms): the visitor's activity in the 24 hours from it, as the seed's items.
    @Sendable func history(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let visitor = try PendoRoutes.pathID("visitorId", request, context)
        let query = QueryParameters(request)
        guard let text = query.string("starttime") else { throw APIError.badRequest(field: "starttime", "is required: the window's start in milliseconds since the epoch") }
        guard let start = Int64(text) else { throw APIError.badRequest(field: "starttime", "must be milliseconds since the epoch, got '\(text)'") }
        let now = tenant.now()
        guard start >= now - Self.historyReachMs, start <= now else {
            throw APIError.badRequest(field: "starttime", "must lie within the last 180 days (from \(now - Self.historyReachMs) to \(now))")
        }
        let items = try await tenant.scan { TenantPipelineData(state: $0).visitorHistory(visitor, fromMs: start, toMs: start + Self.historyWindowMs) }
        guard let items else {
            throw APIError(.notFound, code: "not_found", message: "visitorId: Error while getting visitor, no such entity found", field: "visitorId")
        }
        var json = JSONWriter(capacity: 64 + items.count * 128)
        json.array { list in
            for item in items {
                list.object { out in
                    out.key("type"); out.value(item.kind.rawValue)
                    switch item.kind {
                    case .page:
                        out.key("pageId"); out.value(item.object)
                        out.key("uri"); out.value("/pendo/api/v1/page?id=\(item.object)")
                    case .feature:
                        out.key("featureId"); out.value(item.object)
                        out.key("uri"); out.value("/pendo/api/v1/feature?id=\(item.object)")
                    case .track:
                        out.key("trackTypeId"); out.value(item.object)
                        out.key("uri"); out.value("/pendo/api/v1/tracktype?id=\(item.object)")
                    case .click:
                        // No feature tags this click: it is untagged, on its page.
                        out.key("untaggedUrl"); out.value(item.object)
                    }
                    out.key("ts"); out.value(Int(item.firstMs))
                    out.key("lastTs"); out.value(Int(item.lastMs))
                }
            }
        }
        return json.response()
    }
}
