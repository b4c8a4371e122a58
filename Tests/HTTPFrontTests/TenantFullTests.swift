import Actors
import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Runtime
import Testing

/// A tenant past its memory budget refuses writes with 507 naming why; reads go on.
@Suite struct TenantFullTests {
    @Test func writesPastTheMemoryBudgetAre507AndReadsGoOn() async throws {
        var configuration = BeaconConfiguration()
        configuration.rateLimits = [:]
        configuration.tenants = [
            .init(settings: TenantSettings(id: "tiny", name: "Tiny", memoryBudgetBytes: 1), apiKeys: ["tiny-key"]),
            .init(settings: TenantSettings(id: "roomy", name: "Roomy"), apiKeys: ["roomy-key"]),
        ]
        let registry = TenantRegistry(configuration.tenants, clock: { TestServer.nowMs })
        let app = Application(router: BeaconApplication.makeRouter(configuration: configuration, registry: registry))
        try await app.test(.router) { client in
            let event = #"{"event_type":"login","user_email":"a@x.com"}"#
            let refused = try await client.send(.post, "/ingest", key: "tiny-key", json: event)
            #expect(refused.status.code == 507)
            #expect((refused.json["error"] as? [String: Any])?["code"] as? String == "tenant_full")
            #expect(refused.json.errorMessage?.contains("memory budget") == true)
            let merge = try await client.send(.post, "/ingest/merge", key: "tiny-key", json: #"{"anonymous_id":"anon-1","user_email":"a@x.com"}"#)
            #expect(merge.status.code == 507)
            let stats = try await client.send(.get, "/api/data/stats", key: "tiny-key")
            #expect(stats.status == .ok, "reads go on")
            #expect(stats.json["events"] as? Int == 0)
            #expect(try await client.send(.post, "/ingest", key: "roomy-key", json: event).status == .ok, "other tenants are not affected")
        }
    }

    @Test func theBudgetIsConfiguredPerTenant() throws {
        let text = #"{"tenants":[{"id":"a","api_keys":["k"],"memory_budget_mb":64},{"id":"b","api_keys":["j"]}]}"#
        let configuration = try BeaconConfiguration.parse(Data(text.utf8))
        #expect(configuration.tenants.map(\.settings.memoryBudgetBytes) == [64 << 20, BeaconConfiguration.defaultMemoryBudgetMB << 20])
        #expect(throws: (any Error).self) { try BeaconConfiguration.parse(Data(#"{"tenants":[{"id":"a","api_keys":["k"],"memory_budget_mb":-1}]}"#.utf8)) }
    }
}
