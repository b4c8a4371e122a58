import Testing
@testable import Runtime

/// Apps: an event is in the app its `app_id` names, else the default app. Event sources read the
/// default app when `appId` is left out, the apps named otherwise, all of them with
/// `expandAppIds("*")`; fast and general paths agree, against a plain count of what was sent.
struct PipelineAppTests {
    static let now: Int64 = 1_793_448_000_000

    static let world: (TenantState, [(user: String, app: Int, type: String)]) = {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        var sent: [(user: String, app: Int, type: String)] = []
        var batch: [EventInput] = []
        for i in 0..<(EventLog.chunkCapacity + 2_000) {
            let app = [PipelineEnvironment.appID, 7, 7, 12, PipelineEnvironment.appID][i % 5]
            let user = "u\(i % 37)@x.com", type = i % 3 == 0 ? "page_view" : "save"
            var properties: [EventInput.Property] = []
            // The default app is named outright on some events, and left out on others.
            if app != PipelineEnvironment.appID || i % 2 == 0 { properties.append(.init("app_id", String(app))) }
            batch.append(EventInput(eventType: type, user: user, page: "/p\(i % 4)", timestampMs: now - 2 * 86_400_000 + Int64(i) * 1_000, properties: properties))
            sent.append((user, app, type))
            if batch.count == 1_000 { _ = try! state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
        }
        _ = try! state.ingest(batch, nowMs: now, anonymousID: "g")
        return (state, sent)
    }()

    static func run(_ json: String, fused: Bool = true) throws -> [PipelineRow] { try PipelineHarness.run(world.0, now: now, json, fused: fused) }

    @Test(arguments: [("", [PipelineEnvironment.appID]), (#""appId": 7,"#, [7]), (#""appId": [7, 12],"#, [7, 12]),
                      (#""appId": "expandAppIds(\"*\")","#, [PipelineEnvironment.appID, 7, 12]), (#""appId": "expandAppIds(\"mobile\")","#, []),
                      (#""appId": 99,"#, [])])
    func eventSourcesReadTheAppsAsked(_ parameter: String, _ apps: [Int]) throws {
        for (kind, type) in [("events", nil), ("pageEvents", "page_view")] as [(String, String?)] {
            for tail in [#"{"reduce": {"events": {"sum": "numEvents"}, "visitors": {"count": "visitorId"}}}"#,
                         #"{"group": {"group": ["visitorId"], "fields": {"events": {"sum": "numEvents"}}}}, {"reduce": {"events": {"sum": "events"}}}"#] {
                let json = #"[{"source": {"\#(kind)": {\#(parameter) "blacklist": "apply"}, "timeSeries": {"period": "dayRange", "first": "now()", "count": -3}}}, \#(tail)]"#
                let fused = try Self.run(json), general = try Self.run(json, fused: false)
                #expect(fused == general, "\(kind) \(parameter) \(tail)")
                let expected = Self.world.1.filter { apps.contains($0.app) && (type == nil || $0.type == type) }.count
                #expect(fused.first?["events"] == .number(Double(expected)), "\(kind) \(parameter)")
            }
        }
    }

    @Test func theAppsSourceListsEveryAppWithEvents() throws {
        #expect(try Self.run(#"[{"source": {"apps": null}}, {"select": {"id": "id"}}]"#).map { $0["id"] } == [-323232, 7, 12].map { .number($0) })
        #expect(TenantPipelineData(state: Self.world.0).appIDs == [-323232, 7, 12])
        #expect(throws: PipelineError.self) { try Self.run(#"[{"source": {"events": {"appId": "expandAppIds(\"tv\")"}, "timeSeries": {"period": "dayRange", "first": "now()", "count": -3}}}]"#) }
    }
}
