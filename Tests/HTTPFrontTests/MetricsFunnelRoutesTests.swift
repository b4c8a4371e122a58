import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/v1/funnels` and `/funnels/trend` on the small data set of `MetricsAPIRoutesTests`:
/// logins by a (29th, US), b (30th, DE) and c (31st, no country); a purchased on the 30th and 31st.
@Suite struct MetricsFunnelRoutesTests {
    static let range = #""range":"2026-10-29,2026-10-31""#

    @Test func stepsBreakdownAndTrend() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let funnel = try await client.send(.post, "/api/v1/funnels", json: #"{"steps":[{"event":"login"},{"event":"purchase"}],\#(Self.range)}"#)
            let steps = funnel.json["steps"] as? [[String: Any]] ?? []
            #expect(steps.map { $0["users"] as? Int } == [3, 1])
            #expect(steps.last?["conversion_from_first"] as? Double == 1.0 / 3.0)
            let tight = try await client.send(.post, "/api/v1/funnels", json: #"{"steps":[{"event":"login"},{"event":"purchase"}],"window_seconds":3600,\#(Self.range)}"#)
            #expect((tight.json["steps"] as? [[String: Any]])?.map { $0["users"] as? Int } == [3, 0])
            let filtered = try await client.send(.post, "/api/v1/funnels", json: #"{"steps":[{"event":"login","filters":[{"field":"country","operator":"in","value":["DE","FR"]}]},{"event":"purchase"}],\#(Self.range)}"#)
            #expect((filtered.json["steps"] as? [[String: Any]])?.map { $0["users"] as? Int } == [1, 0])
            let split = try await client.send(.post, "/api/v1/funnels", json: #"{"steps":[{"event":"login"},{"event":"purchase"}],"breakdown":"country",\#(Self.range)}"#)
            let lines = split.json["lines"] as? [[String: Any]] ?? []
            #expect(lines.map { $0["dimension"] as? String } == [nil, "DE", "US"])
            #expect(lines.map { (($0["steps"] as? [[String: Any]])?.last?["users"] as? Int) } == [0, 0, 1])
            let trend = try await client.send(.post, "/api/v1/funnels/trend", json: #"{"steps":[{"event":"login"},{"event":"purchase"}],\#(Self.range)}"#)
            let points = trend.json["data"] as? [[String: Any]] ?? []
            #expect(points.map { $0["entered"] as? Int } == [1, 1, 1])
            #expect(points.map { $0["converted"] as? Int } == [1, 0, 0])
        }
    }

    @Test(arguments: [
        ("/api/v1/funnels", #"{"steps":[{"event":"login"}]}"#, "steps"),
        ("/api/v1/funnels", #"{}"#, "steps"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login"},{}]}"#, "steps[1].event"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login"},{"event":"teleport"}]}"#, "steps[1].event"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login","filters":[{"field":"country","operator":"about","value":"x"}]},{"event":"purchase"}]}"#, "steps[0].filters[0].operator"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login","filters":[{"field":"page","value":"/x"}]},{"event":"purchase"}]}"#, "steps[0].filters[0].field"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login","filters":[{"field":"country"}]},{"event":"purchase"}]}"#, "steps[0].filters[0].value"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login","filters":[{"field":"country","value":{"a":1}}]},{"event":"purchase"}]}"#, "steps[0].filters[0].value"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login"},{"event":"purchase"}],"window_seconds":0}"#, "window_seconds"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login"},{"event":"purchase"}],"window_seconds":1.5}"#, "window_seconds"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login"},{"event":"purchase"}],"breakdown":"event_name"}"#, "breakdown"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login"},{"event":"purchase"}],"breakdown_limit":21,"breakdown":"country"}"#, "breakdown_limit"),
        ("/api/v1/funnels", #"{"steps":[{"event":"login"},{"event":"purchase"}],"range":"someday"}"#, "range"),
        ("/api/v1/funnels/trend", #"{"steps":[{"event":"login"},{"event":"purchase"}],"range":"90d","granularity":"hourly"}"#, "granularity"),
        ("/api/v1/funnels/trend", #"{"steps":[{"event":"login"},{"event":"purchase"}],"granularity":"yearly"}"#, "granularity"),
        ("/api/v1/funnels/trend", #"{"steps":[{"event":"login"},{"event":"purchase"}],"breakdown":"country"}"#, "breakdown"),
    ])
    func badBodiesNameTheField(path: String, body: String, field: String) async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let answer = try await client.send(.post, path, json: body)
            #expect(answer.status == .badRequest, "\(body) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(body)")
        }
    }
}
