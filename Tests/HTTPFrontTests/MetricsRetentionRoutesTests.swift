import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/v1/retention` on the small data set of `MetricsAPIRoutesTests`.
@Suite struct MetricsRetentionRoutesTests {
    @Test func dailyCohortsFollowTheData() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let answer = try await client.send(.post, "/api/v1/retention", json: #"{"granularity":"daily","periods":3,"range":"2026-10-29,2026-10-31"}"#)
            #expect(answer.status == .ok)
            let cohorts = answer.json["cohorts"] as? [[String: Any]] ?? []
            // a (29th) comes back on the 30th and 31st; b (30th) does not; c starts on the 31st.
            #expect(cohorts.map { $0["date"] as? String } == ["2026-10-29", "2026-10-30", "2026-10-31"])
            #expect(cohorts.map { $0["retained"] as? [Int] } == [[1, 1, 1], [1, 0, 0], [1, 0, 0]])
            let purchases = try await client.send(.post, "/api/v1/retention", json: #"{"granularity":"day","periods":2,"start_event":"login","return_event":"purchase","range":"2026-10-29,2026-10-31"}"#)
            let first = (purchases.json["cohorts"] as? [[String: Any]])?.first
            #expect(first?["retained"] as? [Int] == [0, 1])
            #expect(first?["rates"] as? [Double] == [0, 1])
        }
    }

    @Test(arguments: [
        (#"{"granularity":"hourly"}"#, "granularity"),
        (#"{"periods":0}"#, "periods"),
        (#"{"periods":53}"#, "periods"),
        (#"{"periods":2.5}"#, "periods"),
        (#"{"range":"12h"}"#, "range"),
        (#"{"range":"forever"}"#, "range"),
        (#"{"start_event":"teleport"}"#, "start_event"),
        (#"{"return_event":7}"#, "return_event"),
        (#"[1]"#, "body"),
    ])
    func badBodiesNameTheField(body: String, field: String) async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let answer = try await client.send(.post, "/api/v1/retention", json: body)
            #expect(answer.status == .badRequest, "\(body) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(body)")
        }
    }
}
