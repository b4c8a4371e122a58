import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/v1/metrics/formula` on the small data set of `MetricsAPIRoutesTests`.
@Suite struct MetricsFormulaRoutesTests {
    @Test func purchasesPerActiveUser() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let answer = try await client.send(.post, "/api/v1/metrics/formula", json: #"""
                {"series":[{"metric":"event:purchase"},{"metric":"dau"}],"formula":"A / B","range":"2026-10-28,2026-10-31"}
                """#)
            #expect(answer.status == .ok)
            let points = answer.json["data"] as? [[String: Any]] ?? []
            // The 28th has no users: a division by zero is null.
            #expect(points.count == 4)
            #expect(points.first?["value"] is NSNull)
            #expect(points.dropFirst().map { $0["value"] as? Double } == [0, 0.5, 0.5])
            let split = try await client.send(.post, "/api/v1/metrics/formula", json: #"""
                {"series":[{"metric":"events","breakdown":"country","filters":[{"field":"country","operator":"is_set"}]},{"metric":"events"}],"formula":"100 * A / B","range":"2026-10-30,2026-10-31"}
                """#)
            let lines = split.json["data"] as? [[String: Any]] ?? []
            #expect(lines.map { $0["dimension"] as? String } == ["US", "US", "DE", "DE"])
            #expect(lines.map { $0["value"] as? Double } == [50, 50, 50, 0])
        }
    }

    @Test(arguments: [
        (#"{"formula":"A"}"#, "series"),
        (#"{"series":[{"metric":"dau"}]}"#, "formula"),
        (#"{"series":[{"metric":"dau"}],"formula":"A / B"}"#, "formula"),
        (#"{"series":[{"metric":"dau"}],"formula":"A +"}"#, "formula"),
        (#"{"series":[{"metric":"revenue"}],"formula":"A"}"#, "series[0].metric"),
        (#"{"series":[{"metric":"logs","filters":[{"field":"country","value":"x"}]}],"formula":"A"}"#, "series[0].filters[0].field"),
        (#"{"series":[{"metric":"logs","breakdown":"message"}],"formula":"A"}"#, "series[0].breakdown"),
        (#"{"series":[{}],"formula":"A"}"#, "series[0].metric"),
        (#"{"series":[{"metric":"dau"},{"metric":"dau","range":"7d"}],"formula":"A-B"}"#, "series[1].range"),
        (#"{"series":[{"metric":"dau","range":"someday"}],"formula":"A"}"#, "series[0].range"),
        (#"{"series":[{"metric":"dau","filters":[{"operator":"eq","value":"x"}]}],"formula":"A"}"#, "series[0].filters[0].field"),
        (#"{"series":[{"metric":"sessions","breakdown":"country"}],"formula":"A"}"#, "series[0].breakdown"),
        (#"{"series":[{"metric":"wau"}],"formula":"A","range":"1d","granularity":"hourly"}"#, "series[0].metric"),
        (#"{"series":[{"metric":"dau"}],"formula":"A","granularity":"fortnightly"}"#, "granularity"),
    ])
    func badBodiesNameTheField(body: String, field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.post, "/api/v1/metrics/formula", json: body)
            #expect(answer.status == .badRequest, "\(body) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(body)")
        }
    }
}
