import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Account health over HTTP: the list, one account's numbers, its history and the settings, with
/// the figures worked out by hand from docs/health.md, and the 4xx answers for bad input.
@Suite struct HealthRoutesTests {
    /// As of 2026-10-31 (the window Oct 2–31, recent half Oct 18–31, prior half Oct 4–17): the
    /// tenant used 2 types; 7 events by 3 active users (7/3 per user).
    static let events = #"""
    {"events":[
     {"event_type":"login","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-05T10:00:00Z"},
     {"event_type":"login","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-10T10:00:00Z"},
     {"event_type":"export","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-20T10:00:00Z"},
     {"event_type":"login","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-30T10:00:00Z"},
     {"event_type":"login","user_email":"b@x.com","account_id":"acme","timestamp":"2026-10-31T09:00:00Z"},
     {"event_type":"export","user_email":"c@x.com","account_id":"globex","timestamp":"2026-10-30T09:00:00Z"},
     {"event_type":"export","user_email":"c@x.com","account_id":"globex","timestamp":"2026-10-31T09:00:00Z"},
     {"event_type":"login","user_email":"e@x.com","account_id":"initech","timestamp":"2026-09-01T09:00:00Z"}
    ]}
    """#

    static func rows(_ json: [String: Any]) -> [[String: Any]] { json["accounts"] as? [[String: Any]] ?? [] }

    @Test func listDetailAndHistoryGiveTheWorkedFigures() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let list = try await client.send(.get, "/api/health")
            #expect(list.status == .ok)
            #expect(list.json["as_of"] as? String == "2026-10-31")
            let rows = Self.rows(list.json)
            // acme: activity 100, breadth 100, depth (5/2)/(2·7/3) → 54, trend 50·3/2 = 75, recency 100 → 85.7.
            // globex: 100, 50 (1 of 2 types), (2/1)/(14/3) → 43, 100 (nothing before), 100 → 81.1.
            // initech: its one event is two months old: all 0.
            #expect(rows.map { $0["account_id"] as? String } == ["initech", "globex", "acme"])
            #expect(rows.map { $0["score"] as? Int } == [0, 81, 86])
            #expect(rows.map { $0["status"] as? String } == ["red", "green", "green"])
            let acme = rows.last?["components"] as? [String: Int]
            #expect(acme == ["activity": 100, "breadth": 100, "depth": 54, "trend": 75, "recency": 100])
            #expect((list.json["counts"] as? [String: Int]) == ["green": 2, "yellow": 0, "red": 1])

            let green = try await client.send(.get, "/api/health?status=green&sort=trend")
            #expect(Self.rows(green.json).map { $0["account_id"] as? String } == ["acme", "globex"])
            #expect(green.json["total"] as? Int == 2)
            let byStatus = try await client.send(.get, "/api/health?sort=status&order=desc&limit=1")
            #expect(Self.rows(byStatus.json).map { $0["account_id"] as? String } == ["acme"])
            let before = try await client.send(.get, "/api/health?end=2026-10-15")
            // On Oct 15 globex had no event yet: not listed.
            #expect(Self.rows(before.json).map { $0["account_id"] as? String } == ["initech", "acme"])

            let detail = try await client.send(.get, "/api/health/acme")
            #expect(detail.json["score"] as? Int == 86)
            let facts = detail.json["facts"] as? [String: Any] ?? [:]
            #expect(facts["users"] as? Int == 2 && facts["active_users"] as? Int == 2 && facts["events"] as? Int == 5)
            #expect(facts["recent_events"] as? Int == 3 && facts["prior_events"] as? Int == 2)
            #expect(facts["event_types"] as? Int == 2 && facts["breadth_target"] as? Int == 2)
            #expect(facts["last_event_date"] as? String == "2026-10-31" && facts["days_since_last_event"] as? Int == 0)
            #expect((detail.json["weights"] as? [String: Int])?["activity"] == 30)

            let history = try await client.send(.get, "/api/accounts/acme/health-history?days=3")
            let points = history.json["points"] as? [[String: Any]] ?? []
            #expect(points.map { $0["date"] as? String } == ["2026-10-29", "2026-10-30", "2026-10-31"])
            // Oct 30 was kept when the data arrived (the day that last ended); today is live.
            #expect(points.map { $0["source"] as? String } == ["computed", "kept", "live"])
            // b's first event on Oct 31 doubles the active users: a change marker.
            let changes = history.json["changes"] as? [[String: Any]] ?? []
            #expect(changes.last?["date"] as? String == "2026-10-31")
            #expect((changes.last?["moved"] as? [String: Int])?["activity"] == 50)
        }
    }

    @Test func thresholdsAndWeightsComeFromTheSettings() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let admin: HTTPFields = [FieldName("x-admin-key")!: TestServer.adminKey]
            let read = try await client.send(.get, "/api/settings")
            #expect((read.json["health_thresholds"] as? [String: Int]) == ["green": 70, "yellow": 40])
            let put = try await client.send(.put, "/api/settings", headers: admin, json: #"{"health_thresholds":{"green":85},"health_weights":{"trend":0}}"#)
            #expect(put.status == .ok)
            #expect((put.json["health_weights"] as? [String: Int])?["trend"] == 0)
            let list = try await client.send(.get, "/api/health?sort=score&order=desc")
            // acme without trend: (3000 + 1500 + 1071 + 1500) / 80 = 88.4; globex: (3000 + 750 + 857 + 1500) / 80 = 76.3.
            #expect(Self.rows(list.json).map { $0["score"] as? Int } == [88, 76, 0])
            #expect(Self.rows(list.json).map { $0["status"] as? String } == ["green", "yellow", "red"])
            let again = try await client.send(.get, "/api/settings")
            #expect((again.json["health_thresholds"] as? [String: Int]) == ["green": 85, "yellow": 40])
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let admin: HTTPFields = [FieldName("x-admin-key")!: TestServer.adminKey]
            let cases: [(HTTPRequest.Method, String, HTTPFields, String?, HTTPResponse.Status, String)] = [
                (.get, "/api/health?status=purple", [:], nil, .badRequest, "status"),
                (.get, "/api/health?sort=bogus", [:], nil, .badRequest, "sort"),
                (.get, "/api/health?order=sideways", [:], nil, .badRequest, "order"),
                (.get, "/api/health?limit=0", [:], nil, .badRequest, "limit"),
                (.get, "/api/health?offset=-1", [:], nil, .badRequest, "offset"),
                (.get, "/api/health?end=2026-13-01", [:], nil, .badRequest, "end"),
                (.get, "/api/health?segment_id=99", [:], nil, .notFound, "segment_id"),
                (.get, "/api/health/nobody", [:], nil, .notFound, "accountId"),
                (.get, "/api/accounts/nobody/health-history", [:], nil, .notFound, "id"),
                (.get, "/api/accounts/acme/health-history?days=91", [:], nil, .badRequest, "days"),
                (.get, "/api/accounts/acme/health-history?days=0", [:], nil, .badRequest, "days"),
                (.put, "/api/settings", [:], #"{"health_thresholds":{"green":80}}"#, .forbidden, "x-admin-key"),
                (.put, "/api/settings", admin, #"{"health_thresholds":{"green":50,"yellow":60}}"#, .badRequest, "health_thresholds.yellow"),
                (.put, "/api/settings", admin, #"{"health_thresholds":{"green":0}}"#, .badRequest, "health_thresholds.green"),
                (.put, "/api/settings", admin, #"{"health_thresholds":{"green":"high"}}"#, .badRequest, "health_thresholds.green"),
                (.put, "/api/settings", admin, #"{"health_thresholds":{"blue":3}}"#, .badRequest, "health_thresholds.blue"),
                (.put, "/api/settings", admin, #"{"health_weights":{"depth":101}}"#, .badRequest, "health_weights.depth"),
                (.put, "/api/settings", admin, #"{"health_weights":{"activity":0,"breadth":0,"depth":0,"trend":0,"recency":0}}"#, .badRequest, "health_weights"),
                (.put, "/api/settings", admin, #"{"health_weights":[1,2]}"#, .badRequest, "health_weights"),
                (.put, "/api/settings", admin, #"{"colour":"blue"}"#, .badRequest, "colour"),
                (.put, "/api/settings", admin, #"[1]"#, .badRequest, "body"),
            ]
            for (method, uri, headers, body, status, field) in cases {
                let answer = try await client.send(method, uri, headers: headers, json: body)
                #expect(answer.status == status, "\(method) \(uri) \(body ?? "")")
                #expect(answer.json.errorField == field, "\(method) \(uri) \(body ?? "")")
            }
            // A viewer changes nothing, admin key or not.
            let viewer = try await client.send(.put, "/api/settings", key: "acme-viewer", headers: admin, json: #"{"health_thresholds":{"green":80}}"#)
            #expect(viewer.status == .forbidden)
            #expect((try await client.send(.get, "/api/settings").json["health_thresholds"] as? [String: Int]) == ["green": 70, "yellow": 40])
        }
    }
}
