import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Lifecycle, built-in segments, stickiness and sessions through the router, on the small data
/// set of `MetricsAPIRoutesTests` (a on 29–31 October, b on the 30th, c new on the 31st).
@Suite struct MetricsUserRoutesTests {
    @Test func answersFollowTheData() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let range = "range=2026-10-29,2026-10-31"
            let lifecycle = try await client.send(.get, "/api/v1/metrics/lifecycle?\(range)&granularity=daily")
            let points = lifecycle.json["data"] as? [[String: Any]] ?? []
            #expect(points.map { $0["new"] as? Int } == [1, 1, 1])
            #expect(points.map { $0["returning"] as? Int } == [0, 1, 1])
            #expect(points.map { $0["dormant"] as? Int } == [0, 0, 1])
            let segments = try await client.send(.get, "/api/v1/metrics/segments?range=7d")
            let rows = segments.json["segments"] as? [[String: Any]] ?? []
            #expect(rows.count == 8)
            #expect(rows.first { $0["segment"] as? String == "new" }?["users"] as? Int == 3)
            let members = try await client.send(.get, "/api/v1/metrics/segments/new?range=7d&limit=2")
            #expect(members.json["total"] as? Int == 3)
            #expect((members.json["users"] as? [[String: Any]])?.map { $0["user_id"] as? String } == ["a@x.com", "b@x.com"])
            let daily = try await client.send(.get, "/api/v1/metrics/stickiness/daily?\(range)")
            let ratios = (daily.json["data"] as? [[String: Any]])?.map { $0["value"] as? Double }
            #expect(ratios == [1, 1, 2.0 / 3.0])
            let histogram = try await client.send(.get, "/api/v1/metrics/stickiness?range=2026-10-26,2026-11-01&granularity=weekly")
            #expect((histogram.json["data"] as? [[String: Any]])?.first?["days"] as? [Int] == [2, 0, 1, 0, 0, 0, 0])
            let sessions = try await client.send(.get, "/api/v1/metrics/sessions?\(range)")
            let sessionPoints = sessions.json["data"] as? [[String: Any]] ?? []
            // Every session here is one event: a bounce.
            #expect(sessionPoints.map { $0["value"] as? Int } == [1, 2, 2])
            #expect(sessionPoints.map { $0["bounce_rate"] as? Double } == [1, 1, 1])
        }
    }

    @Test(arguments: [
        ("/api/v1/metrics/lifecycle?granularity=hourly&range=2d", "granularity"),
        ("/api/v1/metrics/lifecycle?breakdown=country", "breakdown"),
        ("/api/v1/metrics/lifecycle?range=24h", "range"),
        ("/api/v1/metrics/segments?range=12h", "range"),
        ("/api/v1/metrics/segments/new?limit=101", "limit"),
        ("/api/v1/metrics/segments/new?offset=-1", "offset"),
        ("/api/v1/metrics/stickiness?granularity=daily", "granularity"),
        ("/api/v1/metrics/stickiness/daily?granularity=weekly", "granularity"),
        ("/api/v1/metrics/sessions?breakdown=country", "breakdown"),
        ("/api/v1/metrics/sessions?range=3d&granularity=minute", "granularity"),
    ])
    func badParametersNameThemselves(path: String, field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.get, path)
            #expect(answer.status == .badRequest, "\(path) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(path)")
        }
    }

    @Test func unknownSegmentIs404() async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.get, "/api/v1/metrics/segments/whales")
            #expect(answer.status == .notFound)
            #expect(answer.json.errorMessage?.contains("power") == true)
        }
    }
}
