import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ReadRoutesTests {
    /// Three users over three days; c@x.com is new on the last day.
    static let events = #"""
    {"events":[
     {"event_type":"login","user_email":"a@x.com","timestamp":"2026-10-29T10:00:00Z"},
     {"event_type":"login","user_email":"b@x.com","timestamp":"2026-10-30T10:00:00Z"},
     {"event_type":"page_view","user_email":"a@x.com","page_url":"/home","timestamp":"2026-10-30T11:00:00Z"},
     {"event_type":"page_view","user_email":"a@x.com","page_url":"/home","timestamp":"2026-10-31T11:00:00Z"},
     {"event_type":"login","user_email":"c@x.com","timestamp":"2026-10-31T11:59:00Z"}
    ]}
    """#

    @Test func activityAndSplitsFollowTheData() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let activity = try await client.send(.get, "/api/activity?days=3&end=2026-10-31")
            let series = activity.json["series"] as? [[String: Any]] ?? []
            #expect(series.map { $0["active_users"] as? Int } == [1, 2, 2])
            #expect(series.map { $0["events"] as? Int } == [1, 2, 2])
            let split = try await client.send(.get, "/api/users/new-vs-returning?days=3")
            let points = split.json["series"] as? [[String: Any]] ?? []
            #expect(points.map { $0["new"] as? Int } == [1, 1, 1])
            #expect(points.map { $0["returning"] as? Int } == [0, 1, 1])
            let monthly = try await client.send(.get, "/api/users/monthly")
            let months = monthly.json["months"] as? [[String: Any]] ?? []
            #expect(months.first?["month"] as? String == "2026-10")
            #expect(months.first?["users"] as? Int == 3)
            let pages = try await client.send(.get, "/api/pages?days=7")
            #expect((pages.json["pages"] as? [[String: Any]])?.first?["views"] as? Int == 2)
            let wau = try await client.send(.get, "/api/v1/metrics/wau?range=2026-10-29,2026-10-31")
            #expect((wau.json["data"] as? [[String: Any]])?.map { $0["value"] as? Int } == [1, 2, 3])
            let weekly = try await client.send(.get, "/api/v1/metrics/dau?range=2026-10-25,2026-10-31&granularity=weekly")
            #expect((weekly.json["data"] as? [[String: Any]])?.map { $0["value"] as? Int } == [0, 3])
        }
    }

    @Test func liveHasSixtyPointsAndHonoursAt() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let live = try await client.send(.get, "/api/live")
            #expect((live.json["sparkline"] as? [Any])?.count == 60)
            #expect(live.json["active_users"] as? Int == 1)
            let earlier = try await client.send(.get, "/api/live?at=2026-10-31T11:10:00Z")
            #expect(earlier.json["active_users"] as? Int == 0)
        }
    }

    @Test func healthAndMetricsAnswer() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let health = try await client.send(.get, "/health", key: nil)
            let tenants = health.json["tenants"] as? [[String: Any]] ?? []
            #expect(tenants.first { $0["id"] as? String == "acme" }?["events_ingested"] as? Int == 5)
            #expect(tenants.first { $0["id"] as? String == "acme" }?["newest_event"] as? String == "2026-10-31T11:59:00.000Z")
        }
    }
}

@Suite struct FunnelRouteTests {
    @Test func funnelAnswersAndRefusesBadSteps() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: ReadRoutesTests.events)
            let answer = try await client.send(.get, "/api/funnels?steps=login,page_view&days=7")
            let steps = answer.json["steps"] as? [[String: Any]] ?? []
            #expect(steps.map { $0["users"] as? Int } == [3, 1])
            #expect(answer.json["window_days"] as? Int == 7)
            for (uri, field) in [("/api/funnels?steps=login", "steps"), ("/api/funnels?steps=login,nope", "steps"),
                                 ("/api/funnels", "steps"), ("/api/funnels?steps=login,page_view&days=0", "days"),
                                 ("/api/funnels?steps=\(Array(repeating: "login", count: 21).joined(separator: ","))", "steps"),
                                 ("/api/funnels?steps=login,,page_view", "steps"), ("/api/funnels?steps=login,page_view&window_days=x", "window_days")] {
                let bad = try await client.send(.get, uri)
                #expect(bad.status == .badRequest, "\(uri)")
                #expect(bad.json.errorField == field, "\(uri)")
            }
        }
    }
}

@Suite struct AdoptionRouteTests {
    @Test func adoptionRoutesAnswerFromTheIndexes() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: ReadRoutesTests.events)
            let all = try await client.send(.get, "/api/adoption?days=3&end=2026-10-31")
            let rows = all.json["event_types"] as? [[String: Any]] ?? []
            #expect(rows.first?["event_type"] as? String == "login")
            #expect(rows.first?["users"] as? Int == 3)
            #expect(all.json["active_users"] as? Int == 3)
            let one = try await client.send(.get, "/api/adoption/page_view?days=3&end=2026-10-31")
            #expect((one.json["daily"] as? [[String: Any]])?.map { $0["cumulative_users"] as? Int } == [0, 1, 1])
            #expect((one.json["adoption"] as? [String: Any])?["users"] as? Int == 1)
            let compare = try await client.send(.get, "/api/adoption/compare?features=login,page_view&days=3&end=2026-10-31")
            #expect((compare.json["features"] as? [Any])?.count == 2)
            #expect(try await client.send(.get, "/api/adoption/nothing").status == .notFound)
            #expect(try await client.send(.get, "/api/adoption/compare?features=login,nope").json.errorField == "features")
            #expect(try await client.send(.get, "/api/adoption/compare?features=a,b,c,d,e").json.errorField == "features")
            #expect(try await client.send(.get, "/api/adoption?days=-1").json.errorField == "days")
        }
    }

    /// Event types travel percent-encoded in the path, like any other id there.
    @Test func eventTypesInThePathArePercentDecoded() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"event_type":"plan upgraded/annual","user_email":"a@x.com","properties":{"plan":"pro"}}"#)
            let adoption = try await client.send(.get, "/api/adoption/plan%20upgraded%2Fannual")
            #expect(adoption.status == .ok)
            #expect((adoption.json["adoption"] as? [String: Any])?["event_type"] as? String == "plan upgraded/annual")
            let properties = try await client.send(.get, "/api/events/plan%20upgraded%2Fannual/properties")
            #expect(properties.status == .ok)
            #expect(properties.json["event_type"] as? String == "plan upgraded/annual")
            #expect((properties.json["properties"] as? [[String: Any]])?.first?["key"] as? String == "plan")
        }
    }
}

@Suite struct RetentionRouteTests {
    @Test func retentionCohortsAndErrors() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: ReadRoutesTests.events)
            // 2026-10-26 is the Monday of the week holding every event.
            let answer = try await client.send(.get, "/api/retention?event_a=login&event_b=page_view&period=week&periods=2")
            let cohorts = answer.json["cohorts"] as? [[String: Any]] ?? []
            #expect(cohorts.first?["cohort"] as? String == "2026-10-26")
            #expect(cohorts.first?["users"] as? Int == 3)
            #expect(cohorts.first?["retained"] as? [Int] == [1, 0, 0])
            let any = try await client.send(.get, "/api/retention?event_a=any&event_b=any&period=month")
            #expect((any.json["cohorts"] as? [[String: Any]])?.first?["retained"] as? [Int] == [3, 0, 0, 0, 0])
            for (uri, field) in [("/api/retention?event_b=login", "event_a"), ("/api/retention?event_a=login", "event_b"),
                                 ("/api/retention?event_a=nope&event_b=login", "event_a"), ("/api/retention?event_a=login&event_b=login&period=hour", "period"),
                                 ("/api/retention?event_a=login&event_b=login&periods=0", "periods")] {
                #expect(try await client.send(.get, uri).json.errorField == field, "\(uri)")
            }
        }
    }
}

@Suite struct EventQuestionRouteTests {
    @Test func correlationPropertiesAndTrends() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"a","user_email":"u1","properties":{"plan":"pro"}},{"event_type":"b","user_email":"u1"},{"event_type":"a","user_email":"u2","properties":{"plan":"free"}},{"event_type":"c","user_email":"u3"}]}"#)
            let c = try await client.send(.get, "/api/events/correlation?event_a=a&event_b=b&days=7")
            #expect(c.json["users_both"] as? Int == 1)
            #expect(c.json["rate_with_a"] as? Double == 0.5)
            let p = try await client.send(.get, "/api/events/a/properties")
            #expect((p.json["properties"] as? [[String: Any]])?.first?["key"] as? String == "plan")
            let t = try await client.send(.get, "/api/trends?event=a&group_by=plan&days=3")
            #expect((t.json["series"] as? [[String: Any]])?.map { $0["value"] as? String } == ["free", "pro"])
            #expect((t.json["dates"] as? [String])?.count == 3)
            for (uri, field) in [("/api/events/correlation?event_a=a", "event_b"), ("/api/events/correlation?event_a=zz&event_b=a", "event_a"),
                                 ("/api/events/zz/properties", "eventType"), ("/api/trends", "event"), ("/api/trends?event=zz", "event")] {
                #expect(try await client.send(.get, uri).json.errorField == field, "\(uri)")
            }
        }
    }
}

@Suite struct UserRouteTests {
    @Test func topUsersAndDetail() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: ReadRoutesTests.events)
            let top = try await client.send(.get, "/api/users/top?days=7")
            #expect((top.json["users"] as? [[String: Any]])?.first?["user_email"] as? String == "a@x.com")
            #expect((top.json["users"] as? [[String: Any]])?.first?["events"] as? Int == 3)
            let detail = try await client.send(.get, "/api/users/a%40x.com?events_limit=2")
            #expect(detail.json["events"] as? Int == 3)
            #expect((detail.json["latest_events"] as? [[String: Any]])?.count == 2)
            #expect((detail.json["latest_events"] as? [[String: Any]])?.first?["timestamp"] as? String == "2026-10-31T11:00:00.000Z")
            #expect(try await client.send(.get, "/api/users/nobody").status == .notFound)
            #expect(try await client.send(.get, "/api/users/a%40x.com?events_limit=501").json.errorField == "events_limit")
            // The constant routes still win over :id.
            #expect(try await client.send(.get, "/api/users/monthly").json["months"] != nil)
        }
    }
}
