import Actors
import Foundation
import Hummingbird
import Runtime

/// The seed's three report requests (docs/pendo.md, Reports): the List reports Beacon's data
/// defines, and their contents as JSON or CSV.
struct PendoReportRoutes {
    static let timeBudget: Duration = .seconds(30)

    func add(to router: Router<BeaconRequestContext>) {
        router.get("/pendo/api/v1/report", use: list)
        router.get("/pendo/api/v1/report/:reportId/results.json") { request, context in try await results(request, context, csv: false) }
        router.get("/pendo/api/v1/report/:reportId/results.csv") { request, context in try await results(request, context, csv: true) }
    }

    static let visitorColumns = ["visitorId", "accountId", "firstVisit", "lastVisit", "numEvents"]
    static let accountColumns = ["accountId", "firstVisit", "lastVisit", "numVisitors", "numEvents"]

    @Sendable func list(_ request: Request, context: BeaconRequestContext) async throws -> Response {
        let reports = try await context.requireTenant().readWithSegments { TenantPipelineData(state: $0).reports() }
        var json = JSONWriter(capacity: 256 + reports.count * 512)
        json.array { list in
            for r in reports {
                list.object { out in
                    out.key("id"); out.value(r.id)
                    out.key("name"); out.value(r.name)
                    out.key("kind"); out.value("Report")
                    out.key("shared"); out.raw(Array("true".utf8))
                    for (key, ms) in [("createdAt", r.createdMs), ("lastUpdatedAt", r.updatedMs)] { out.key(text: key); out.value(Int(ms)) }
                    for key in ["createdByUser", "lastUpdatedByUser"] {
                        out.key(text: key); out.object { u in u.key("id"); u.value("beacon"); u.key("username"); u.value("beacon") }
                    }
                    out.key("rootVersionId"); out.value(r.id)
                    out.key("stableVersionId"); out.value(r.id)
                    out.key("definition")
                    out.object { d in
                        d.key("type"); d.value("List")
                        d.key("kind"); d.value(r.kind.rawValue)
                        d.key("generator"); d.value(r.kind == .visitor ? "visitorList" : "accountList")
                        d.key("config")
                        d.array { c in
                            c.object { o in
                                o.key("columns"); o.array { cols in for col in r.kind == .visitor ? Self.visitorColumns : Self.accountColumns { cols.value(col) } }
                                if let segment = r.segment { o.key("segmentId"); o.value(String(segment)) }
                            }
                        }
                        d.key("timeSeries"); d.array { _ in }
                    }
                }
            }
        }
        return json.response()
    }

    func results(_ request: Request, _ context: BeaconRequestContext, csv: Bool) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = QueryParameters.pathParameter("reportId", context)
        let deadline = ContinuousClock.now + Self.timeBudget
        let outcome: Result<[PipelineRow]?, PipelineError> = try await tenant.scan(.segments) { state in
            var budget = PipelineBudget { ContinuousClock.now > deadline }
            do throws(PipelineError) { return .success(try TenantPipelineData(state: state).reportRows(id, &budget)) } catch { return .failure(error) }
        }
        guard let rows = try outcome.mapError(PendoAggregationRoutes.apiError).get() else {
            throw APIError(.notFound, code: "not_found", message: "reportId: report not found ('\(id)')", field: "reportId")
        }
        if csv { return PendoAggregationRoutes.csv(rows) }
        var json = JSONWriter(capacity: 64 + rows.count * 128)
        json.array { list in for row in rows { PipelineValue.object(row).write(to: &list) } }
        return json.response()
    }
}
