import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/v1/metrics/grouped` on the small data set of `MetricsAPIRoutesTests`.
@Suite struct MetricsGroupedRoutesTests {
    @Test func groupsWithSizeAndIntensity() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let range = #""range":"2026-10-29,2026-10-31""#
            let byCountry = try await client.send(.post, "/api/v1/metrics/grouped", json: #"{"group_by":"country","size":{"type":"count"},"intensity":{"type":"avg_per_actor"},\#(range)}"#)
            let groups = byCountry.json["groups"] as? [[String: Any]] ?? []
            // US: a's login and two purchases; DE: b's login; none: c's login.
            #expect(groups.map { $0["dimension"] as? String } == ["US", nil, "DE"])
            #expect(groups.map { $0["size"] as? Double } == [3, 1, 1])
            #expect(groups.first?["intensity"] as? Double == 3)
            #expect(byCountry.json["total"] as? Double == 5)
            let revenue = try await client.send(.post, "/api/v1/metrics/grouped", json: #"{"group_by":"event_name","event":"purchase","size":{"type":"sum","property":"properties.amount"},"intensity":{"type":"avg","property":"amount"},\#(range)}"#)
            let rows = revenue.json["groups"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["size"] as? Double } == [42])
            #expect(rows.map { $0["intensity"] as? Double } == [21])
            let top = try await client.send(.post, "/api/v1/metrics/grouped", json: #"{"group_by":"event_name","size":{"type":"unique_actors"},"intensity":{"type":"percentile_per_actor","percentile":0.5},"max_groups":1,\#(range)}"#)
            let two = top.json["groups"] as? [[String: Any]] ?? []
            #expect(two.map { $0["dimension"] as? String } == ["login", "other"])
            #expect(two.map { $0["size"] as? Double } == [3, 1])
            #expect(two.map { $0["intensity"] as? Double } == [1, 2])
        }
    }

    @Test(arguments: [
        (#"{"size":{"type":"count"},"intensity":{"type":"unique_actors"}}"#, "group_by"),
        (#"{"group_by":"country","intensity":{"type":"unique_actors"}}"#, "size"),
        (#"{"group_by":"country","size":{"type":"volume"},"intensity":{"type":"unique_actors"}}"#, "size.type"),
        (#"{"group_by":"country","size":{"type":"sum"},"intensity":{"type":"unique_actors"}}"#, "size.property"),
        (#"{"group_by":"country","size":{"type":"sum","property":"page"},"intensity":{"type":"unique_actors"}}"#, "size.property"),
        (#"{"group_by":"country","size":{"type":"count"}}"#, "intensity"),
        (#"{"group_by":"country","size":{"type":"count"},"intensity":{"type":"percentile_per_actor","percentile":1.5}}"#, "intensity.percentile"),
        (#"{"group_by":"country","size":{"type":"count"},"intensity":{"type":"percentile_per_actor","percentile":"high"}}"#, "intensity.percentile"),
        (#"{"group_by":"country","size":{"type":"count"},"intensity":{"type":"avg"}}"#, "intensity.property"),
        (#"{"group_by":"country","size":{"type":"count"},"intensity":{"type":"unique_actors"},"max_groups":0}"#, "max_groups"),
        (#"{"group_by":"country","size":{"type":"count"},"intensity":{"type":"unique_actors"},"range":"later"}"#, "range"),
        (#"{"group_by":"country","size":{"type":"count"},"intensity":{"type":"unique_actors"},"event":""}"#, "event"),
    ])
    func badBodiesNameTheField(body: String, field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.post, "/api/v1/metrics/grouped", json: body)
            #expect(answer.status == .badRequest, "\(body) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(body)")
        }
    }
}
