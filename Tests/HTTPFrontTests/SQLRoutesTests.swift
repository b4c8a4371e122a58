import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /api/v1/sql` and the data-exploration routes on the small data set of `MetricsAPIRoutesTests`.
@Suite struct SQLRoutesTests {
    @Test func aGroupByAnswersColumnsAndRows() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            for path in ["/api/v1/sql", "/api/v1/data/query"] {
                let answer = try await client.send(.post, path, json: #"""
                    {"query":"SELECT event_name, count(*) AS n FROM events_v1 WHERE timestamp >= '2026-10-30' GROUP BY event_name ORDER BY event_name"}
                    """#)
                #expect(answer.status == .ok)
                let data = answer.json["data"] as? [String: Any] ?? [:]
                let columns = (data["columns"] as? [[String: Any]])?.map { "\($0["name"]!):\($0["data_type"]!)" }
                #expect(columns == ["event_name:TEXT", "n:INTEGER"])
                let rows = data["rows"] as? [[Any]] ?? []
                #expect(rows.map { "\($0[0]):\($0[1])" } == ["login:2", "purchase:2"])
                #expect(data["row_count"] as? Int == 2 && data["truncated"] as? Bool == false)
                #expect(data["execution_time_ms"] is Double || data["execution_time_ms"] is Int)
            }
            let joined = try await client.send(.post, "/api/v1/sql", json: #"""
                {"query":"SELECT u.user_id, u.event_count, json_extract(e.properties, '$.amount') FROM events_v1 e JOIN users_v1 u ON u.user_id = e.user_id WHERE e.event_name = 'purchase' ORDER BY e.timestamp_ms","limit":1}
                """#)
            let data = joined.json["data"] as? [String: Any] ?? [:]
            #expect((data["rows"] as? [[Any]])?.first.map { "\($0[0]):\($0[1]):\($0[2])" } == "a@x.com:3:30")
            #expect(data["truncated"] as? Bool == true)
        }
    }

    @Test(arguments: [
        (#"{}"#, "query", "invalid_field"),
        (#"{"query":"  "}"#, "query", "invalid_field"),
        (#"{"query":"SELECT 1","limit":0}"#, "limit", "invalid_field"),
        (#"{"query":"SELECT 1","limit":10001}"#, "limit", "invalid_field"),
        (#"{"query":"SELECT 1","limit":1.5}"#, "limit", nil),
        (#"{"query":"DELETE FROM events_v1"}"#, "query", nil),
        (#"{"query":"SELECT 1; SELECT 2"}"#, "query", "invalid_query"),
        (#"{"query":"SELECT * FROM secrets"}"#, "query", "invalid_query"),
        (#"{"query":"PRAGMA table_info(events_v1)"}"#, "query", nil),
        (#"{"query":"ATTACH DATABASE 'x' AS y"}"#, "query", nil),
        (#"{"query":42}"#, "query", nil),
    ])
    func badQueriesAre400sNamingTheField(body: String, field: String, code: String?) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.post, "/api/v1/sql", json: body)
            #expect(answer.status == .badRequest, "\(body) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(body)")
            if let code { #expect((answer.json["error"] as? [String: Any])?["code"] as? String == code, "\(body)") }
        }
    }

    @Test func onlyAdminsRunSQL() async throws {
        try await TestServer.make().test(.router) { client in
            for key in ["acme-viewer", "acme-editor"] {
                let answer = try await client.send(.post, "/api/v1/sql", key: key, json: #"{"query":"SELECT 1"}"#)
                #expect(answer.status == .forbidden && answer.json.errorField == "role")
            }
            #expect(try await client.send(.post, "/api/v1/sql", key: "acme-admin", json: #"{"query":"SELECT 1"}"#).status == .ok)
        }
    }

    @Test func sqlHasItsOwnRateLimit() async throws {
        try await TestServer.make(rateLimits: ["sql": .init(requests: 2, windowSeconds: 60)]).test(.router) { client in
            for _ in 0..<2 { #expect(try await client.send(.post, "/api/v1/sql", json: #"{"query":"SELECT 1"}"#).status == .ok) }
            let refused = try await client.send(.post, "/api/v1/sql", json: #"{"query":"SELECT 1"}"#)
            #expect(refused.status == .tooManyRequests)
            #expect(try await client.send(.get, "/api/v1/data/sources").status == .ok)
        }
    }

    @Test func sourcesFieldsAndValues() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let sources = try await client.send(.get, "/api/v1/data/sources", key: "acme-viewer")
            let list = ((sources.json["data"] as? [String: Any])?["sources"] as? [[String: Any]])?.map { "\($0["id"]!)=\($0["table"]!)" }
            #expect(list?.contains("events=events_v1") == true && list?.contains("user_devices=user_devices") == true)
            let fields = try await client.send(.get, "/api/v1/data/sources/events/fields")
            let names = ((fields.json["data"] as? [String: Any])?["fields"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names?.prefix(3) == ["timestamp", "timestamp_ms", "event_name"])
            let values = try await client.send(.get, "/api/v1/data/sources/events/values/country?search=u")
            #expect((values.json["data"] as? [String: Any])?["values"] as? [String] == ["US"])
            let all = try await client.send(.get, "/api/v1/data/sources/events/values/event_name?limit=1")
            #expect((all.json["data"] as? [String: Any])?["values"] as? [String] == ["login"])
            #expect(try await client.send(.get, "/api/v1/data/sources/nope/fields").status == .notFound)
            #expect(try await client.send(.get, "/api/v1/data/sources/events/values/nope").status == .notFound)
            let quote = try await client.send(.get, "/api/v1/data/sources/events/values/country?search=a%27b")
            #expect(quote.status == .badRequest && quote.json.errorField == "search")
            #expect(try await client.send(.get, "/api/v1/data/sources/events/values/country?limit=0").json.errorField == "limit")
        }
    }
}
