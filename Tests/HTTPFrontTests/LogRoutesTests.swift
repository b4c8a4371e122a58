import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/v1/logs` and the logs' series, top and raw routes, through the router.
@Suite struct LogRoutesTests {
    /// Five records on 2026-10-31 (the test clock is 12:00 UTC that day), one without a time.
    static let batch = """
    [{"timestamp":"2026-10-31T09:00:00Z","service":"api","level":"ERROR","source":"db","message":"timeout","attributes":{"region":"eu","attempt":3,"retry":true}},
     {"timestamp":1793437200000,"service":"api","level":"error","message":"timeout"},
     {"timestamp":"2026-10-31T10:30:00Z","service":"web","level":"warning","message":"slow page","attributes":{"region":"us","gone":null}},
     {"timestamp":"2026-10-30T23:00:00Z","service":"worker","message":"job done"},
     {"message":"started"}]
    """

    @Test func aBatchIsAcceptedInEitherShapeAndCounted() async throws {
        try await TestServer.make().test(.router) { client in
            let created = try await client.send(.post, "/api/v1/logs", key: "acme-editor", json: Self.batch)
            #expect(created.status == .created)
            #expect((created.json["data"] as? [String: Any])?["accepted"] as? Int == 5)
            let wrapped = try await client.send(.post, "/api/v1/logs", json: #"{"logs":[{"message":"again","level":"debug"}]}"#)
            #expect((wrapped.json["data"] as? [String: Any])?["accepted"] as? Int == 1)
            let series = try await client.send(.get, "/api/v1/metrics/logs?range=2d")
            #expect(series.json["metric"] as? String == "logs")
            #expect((series.json["data"] as? [[String: Any]])?.map { $0["value"] as? Int } == [1, 5])
            let byLevel = try await client.send(.get, "/api/v1/metrics/logs?range=today&breakdown=level")
            let points = try #require(byLevel.json["data"] as? [[String: Any]])
            #expect(points.map { "\($0["dimension"] as? String ?? "-")=\($0["value"] as? Int ?? -1)" } == ["error=2", "debug=1", "info=1", "warn=1"])
            let severe = try await client.send(.get, "/api/v1/metrics/logs?range=today&conditions[0][field]=level&conditions[0][operator]=gte&conditions[0][value]=warn")
            #expect((severe.json["data"] as? [[String: Any]])?.first?["value"] as? Int == 3)
            let filtered = try await client.send(.get, "/api/v1/metrics/logs?range=today&conditions[0][field]=attributes.region&conditions[0][value]=eu")
            #expect((filtered.json["data"] as? [[String: Any]])?.first?["value"] as? Int == 1)
            let hourly = try await client.send(.get, "/api/v1/metrics/logs?range=today&granularity=hourly&conditions[0][field]=service&conditions[0][operator]=in&conditions[0][value]=api,web&compare=previous")
            let hours = try #require(hourly.json["data"] as? [[String: Any]])
            #expect(hours.count == 24)
            #expect(hours[9]["value"] as? Int == 2 && hours[10]["value"] as? Int == 1)
            #expect((hourly.json["compare"] as? [String: Any])?["data"] as? [Any] != nil)
        }
    }

    @Test func topGroupsMessagesByLevelMostSevereFirst() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/api/v1/logs", json: Self.batch)
            let top = try await client.send(.get, "/api/v1/metrics/logs/top?range=2d&limit=1&count_total=1")
            let levels = try #require(top.json["data"] as? [[String: Any]])
            #expect(levels.map { $0["level"] as? String } == ["error", "warn", "info"])
            #expect(levels[0]["count"] as? Int == 2)
            let messages = try #require(levels[0]["messages"] as? [[String: Any]])
            #expect(messages.count == 1)
            #expect(messages[0]["message"] as? String == "timeout" && messages[0]["service"] as? String == "api" && messages[0]["count"] as? Int == 2)
            let info = try #require(levels[2]["messages"] as? [[String: Any]])
            #expect(levels[2]["distinct"] as? Int == 2)
            #expect(info[0]["message"] as? String == "job done")
            #expect(top.json["total"] as? Int == 3)
            #expect(try await client.send(.get, "/api/v1/metrics/logs/top?limit=101").json.errorField == "limit")
            // `offset` skips into each level's messages.
            let second = try await client.send(.get, "/api/v1/metrics/logs/top?range=2d&limit=1&offset=1")
            let infoSecond = try #require((second.json["data"] as? [[String: Any]])?[2]["messages"] as? [[String: Any]])
            #expect(infoSecond.count == 1 && infoSecond[0]["message"] as? String != "job done")
            #expect(second.json["offset"] as? Int == 1)
            #expect(try await client.send(.get, "/api/v1/metrics/logs/top?offset=-1").json.errorField == "offset")
        }
    }

    @Test func rawRowsComeNewestFirstAndPage() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/api/v1/logs", json: Self.batch)
            let raw = try await client.send(.get, "/api/v1/metrics/logs/raw?range=2d&limit=2&count_total=true")
            let rows = try #require(raw.json["data"] as? [[String: Any]])
            #expect(rows.map { $0["message"] as? String } == ["started", "slow page"])
            #expect(rows[0]["timestamp"] as? String == "2026-10-31T12:00:00.000Z")
            #expect(rows[0]["service"] is NSNull && rows[0]["source"] is NSNull)
            #expect(rows[1]["level"] as? String == "warn")
            #expect(rows[1]["attributes"] as? [String: String] == ["region": "us"])
            #expect(raw.json["total"] as? Int == 5)
            let paged = try await client.send(.get, "/api/v1/metrics/logs/raw?range=2d&offset=4&conditions[0][field]=level&conditions[0][operator]=neq&conditions[0][value]=warn")
            #expect((paged.json["data"] as? [[String: Any]])?.isEmpty == true)
            let first = try await client.send(.get, "/api/v1/metrics/logs/raw?range=2d&offset=3")
            #expect((first.json["data"] as? [[String: Any]])?.first?["attributes"] as? [String: String] == ["attempt": "3", "region": "eu", "retry": "true"])
            #expect(try await client.send(.get, "/api/v1/metrics/logs/raw?limit=1001").json.errorField == "limit")
        }
    }

    static let tooMany = "[" + Array(repeating: #"{"message":"m"}"#, count: 1001).joined(separator: ",") + "]"

    @Test(arguments: [
        (#"[{"message":"a"},{"message":"b"},{"message":"c"},{"message":"d","level":"critical"}]"#, "logs[3].level"),
        (#"[{"level":"info"}]"#, "logs[0].message"),
        (#"{"logs":[{"message":""}]}"#, "logs[0].message"),
        (#"[{"message":5}]"#, "logs[0].message"),
        (#"{"logs":[{"message":"a","level":7}]}"#, "logs[0].level"),
        (tooMany, "logs"),
        (#"[]"#, "logs"),
        (#"{"records":[]}"#, "logs"),
        (#"[{"message":"a","timestamp":"yesterday"}]"#, "logs[0].timestamp"),
        (#"[{"message":"a","timestamp":"1999-12-31T23:59:59Z"}]"#, "logs[0].timestamp"),
        (#"[{"message":"a"},{"message":"b","timestamp":"2026-11-02T00:00:00Z"}]"#, "logs[1].timestamp"),
        (#"[{"message":"a","attributes":{"ctx":{"user":1}}}]"#, "logs[0].attributes.ctx"),
        (#"[{"message":"a","attributes":{"ids":[1,2]}}]"#, "logs[0].attributes.ids"),
        (#"[{"message":"a","attributes":"x"}]"#, "logs[0].attributes"),
        ("[{", "body"),
    ])
    func badBatchesNameTheFieldAndStoreNothing(body: String, field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.post, "/api/v1/logs", json: body)
            #expect(answer.status == .badRequest, "\(body.prefix(80)) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(body.prefix(80))")
            let raw = try await client.send(.get, "/api/v1/metrics/logs/raw?count_total=1")
            #expect(raw.json["total"] as? Int == 0)
        }
    }

    @Test(arguments: [
        ("/api/v1/metrics/logs?breakdown=country", "breakdown"),
        ("/api/v1/metrics/logs?breakdown=message", "breakdown"),
        ("/api/v1/metrics/logs?conditions[0][field]=event_name&conditions[0][value]=x", "conditions[0][field]"),
        ("/api/v1/metrics/logs?conditions[0][field]=level&conditions[0][operator]=near&conditions[0][value]=x", "conditions[0][operator]"),
        ("/api/v1/metrics/logs?granularity=fortnightly", "granularity"),
        ("/api/v1/metrics/logs/top?breakdown=attributes.", "breakdown"),
        ("/api/v1/metrics/logs/raw?range=forever", "range"),
    ])
    func badQueriesNameTheParameter(uri: String, field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.get, uri)
            #expect(answer.status == .badRequest, "\(uri) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(uri)")
        }
    }

    @Test func aViewerMayReadLogsButNotWriteThem() async throws {
        try await TestServer.make().test(.router) { client in
            let refused = try await client.send(.post, "/api/v1/logs", key: "acme-viewer", json: #"[{"message":"x"}]"#)
            #expect(refused.status == .forbidden)
            #expect(refused.json.errorField == "role")
            #expect(try await client.send(.get, "/api/v1/metrics/logs/raw", key: "acme-viewer").status == .ok)
        }
    }

    @Test func aRetryWithTheSameIdempotencyKeyCountsOnce() async throws {
        try await TestServer.make().test(.router) { client in
            let headers: HTTPFields = [FieldName("Idempotency-Key")!: "logs-1"]
            let first = try await client.send(.post, "/api/v1/logs", headers: headers, json: Self.batch)
            let retry = try await client.send(.post, "/api/v1/logs", headers: headers, json: Self.batch)
            #expect(first.status == .created && retry.status == .created)
            #expect(retry.headers[FieldName("Idempotent-Replayed")!] == "true")
            #expect((retry.json["data"] as? [String: Any])?["accepted"] as? Int == 5)
            #expect(try await client.send(.get, "/api/v1/metrics/logs/raw?range=2d&count_total=1").json["total"] as? Int == 5)
        }
    }

    @Test func theFormulaCountsLogsWithTheirFilters() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/api/v1/logs", json: Self.batch)
            let body = #"{"series":[{"metric":"logs","filters":[{"field":"level","operator":"in","value":["error","fatal"]}]},{"metric":"logs"}],"formula":"A / B * 100","range":"today"}"#
            let answer = try await client.send(.post, "/api/v1/metrics/formula", json: body)
            #expect(answer.status == .ok)
            #expect((answer.json["data"] as? [[String: Any]])?.map { $0["value"] as? Int } == [50])
            let byService = #"{"series":[{"metric":"logs","breakdown":"service"}],"formula":"A","range":"today"}"#
            let lines = try #require(try await client.send(.post, "/api/v1/metrics/formula", json: byService).json["data"] as? [[String: Any]])
            #expect(lines.map { "\($0["dimension"] as? String ?? "null")=\($0["value"] as? Int ?? -1)" } == ["api=2", "null=1", "web=1"])
        }
    }
}
