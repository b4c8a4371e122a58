import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct SegmentRoutesTests {
    /// a exports often (pro); b once (free); c never.
    static let events = #"""
    {"events":[
     {"event_type":"export","user_email":"a@x.com","properties":{"plan":"pro"},"timestamp":"2026-10-29T10:00:00Z"},
     {"event_type":"export","user_email":"a@x.com","properties":{"plan":"pro"},"timestamp":"2026-10-30T10:00:00Z"},
     {"event_type":"export","user_email":"a@x.com","properties":{"plan":"pro"},"timestamp":"2026-10-31T10:00:00Z"},
     {"event_type":"export","user_email":"b@x.com","properties":{"plan":"free"},"timestamp":"2026-10-31T10:00:00Z"},
     {"event_type":"login","user_email":"c@x.com","properties":{"plan":"free"},"timestamp":"2026-10-31T10:00:00Z"}
    ]}
    """#

    @Test func estimateCreateReadCompareAndDelete() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let estimate = try await client.send(.post, "/api/segments/estimate", json: #"""
                {"rules":[{"type":"event_count","event":"export","op":">=","value":3,"within_days":14},
                          {"type":"user_property","property":"plan","op":"eq","value":"pro"}]}
                """#)
            #expect(estimate.status == .ok)
            #expect(estimate.json["size"] as? Int == 1)
            #expect(estimate.json["total_users"] as? Int == 3)
            #expect(estimate.json["sample"] as? [String] == ["a@x.com"])

            let exporters = try await client.send(.post, "/api/segments", json: #"""
                {"name":"Exporters","folder":"Growth","rules":[{"type":"did_event","event":"export","within_days":7}]}
                """#)
            #expect(exporters.status == .created)
            let exportersID = try #require((exporters.json["segment"] as? [String: Any])?["id"] as? Int)
            #expect(exporters.json["users"] as? [String] == ["a@x.com", "b@x.com"])
            let quiet = try await client.send(.post, "/api/segments", json: #"""
                {"name":"Quiet","segment_type":"static","rules":[{"not":{"type":"in_segment","segment_id":\#(exportersID)}}]}
                """#)
            let quietID = try #require((quiet.json["segment"] as? [String: Any])?["id"] as? Int)
            #expect(quiet.json["users"] as? [String] == ["c@x.com"])

            let list = try await client.send(.get, "/api/segments?search=export")
            #expect((list.json["segments"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Exporters"])
            let folders = try await client.send(.get, "/api/segments/folders")
            #expect((folders.json["folders"] as? [[String: Any]])?.first?["segments"] as? Int == 1)
            let page = try await client.send(.get, "/api/segments/\(exportersID)?limit=1&offset=1")
            #expect(page.json["users"] as? [String] == ["b@x.com"])
            #expect(((page.json["segment"] as? [String: Any])?["rules"] as? [[String: Any]])?.first?["event"] as? String == "export")

            let compare = try await client.send(.get, "/api/segments/compare?a=\(exportersID)&b=\(quietID)&days=7&end=2026-10-31")
            #expect(compare.json["overlap"] as? Int == 0)
            #expect((compare.json["event_differences"] as? [[String: Any]])?.first?["event_type"] as? String == "export")

            // A new exporter joins the dynamic segment with no refresh asked for.
            try await client.send(.post, "/ingest", json: #"{"event_type":"export","user_email":"c@x.com","timestamp":"2026-10-31T11:00:00Z"}"#)
            let after = try await client.send(.get, "/api/segments/\(exportersID)")
            #expect(after.json["users"] as? [String] == ["a@x.com", "b@x.com", "c@x.com"])
            let frozen = try await client.send(.get, "/api/segments/\(quietID)")
            #expect(frozen.json["users"] as? [String] == ["c@x.com"])

            let inUse = try await client.send(.delete, "/api/segments/\(exportersID)")
            #expect(inUse.status == .conflict)
            #expect((try await client.send(.delete, "/api/segments/\(quietID)")).status == .ok)
            #expect((try await client.send(.delete, "/api/segments/\(exportersID)")).status == .ok)
            #expect((try await client.send(.get, "/api/segments/\(exportersID)")).status == .notFound)
        }
    }

    @Test func badRulesNameThePathOfTheNode() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let cases: [(String, String)] = [
                (#"{}"#, "rules"),
                (#"{"rules":[]}"#, "rules"),
                (#"{"rules":[{"type":"did_event"}]}"#, "rules[0].event"),
                (#"{"rules":[{"type":"teleported"}]}"#, "rules[0].type"),
                (#"{"rules":[{"type":"first_seen"},{"any":[{"type":"user_property","property":"plan","op":"like","value":"x"}]}]}"#, "rules[0].within_days"),
                (#"{"rules":[{"type":"first_seen","within_days":3},{"any":[{"type":"user_property","property":"plan","op":"like","value":"x"}]}]}"#, "rules[1].any[0].op"),
                (#"{"rules":[{"type":"event_count","event":"export","op":"~","value":3}]}"#, "rules[0].op"),
                (#"{"rules":[{"type":"event_count","event":"export","op":">=","value":-1}]}"#, "rules[0].value"),
                (#"{"rules":[{"not":{"type":"last_seen"}}]}"#, "rules[0].not.before_days"),
                (#"{"rules":[{"all":[]}]}"#, "rules[0].all"),
                (#"{"rules":[{"type":"in_segment","segment_id":99}]}"#, "rules"),
                (#"{"rules":[{"type":"did_event","event":"export","within_days":0}]}"#, "rules[0].within_days"),
            ]
            for (body, field) in cases {
                let reply = try await client.send(.post, "/api/segments/estimate", json: body)
                #expect(reply.status == .badRequest, "\(body)")
                #expect(reply.json.errorField == field, "\(body)")
            }
            let noName = try await client.send(.post, "/api/segments", json: #"{"rules":[{"type":"first_seen","within_days":3}]}"#)
            #expect(noName.json.errorField == "name")
            let badType = try await client.send(.post, "/api/segments", json: #"{"name":"x","segment_type":"frozen","rules":[{"type":"first_seen","within_days":3}]}"#)
            #expect(badType.json.errorField == "segment_type")
            #expect((try await client.send(.get, "/api/segments/abc")).json.errorField == "id")
            #expect((try await client.send(.get, "/api/segments/compare?a=1")).json.errorField == "b")
            #expect((try await client.send(.put, "/api/segments/5", json: #"{"name":"y"}"#)).status == .notFound)
            _ = try await client.send(.post, "/api/segments", json: #"{"name":"dup","rules":[{"type":"first_seen","within_days":3}]}"#)
            #expect((try await client.send(.post, "/api/segments", json: #"{"name":"dup","rules":[{"type":"first_seen","within_days":3}]}"#)).status == .conflict)
        }
    }

    @Test func segmentFilterOnReadsAndFunnelCompare() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@x.com","timestamp":"2026-10-31T11:00:00Z"}"#)
            let created = try await client.send(.post, "/api/segments", json: #"{"name":"Pro","rules":[{"type":"user_property","property":"plan","op":"eq","value":"pro"}]}"#)
            let id = try #require((created.json["segment"] as? [String: Any])?["id"] as? Int)
            let top = try await client.send(.get, "/api/users/top?days=7&end=2026-10-31&segment_id=\(id)")
            #expect((top.json["users"] as? [[String: Any]])?.map { $0["user_email"] as? String } == ["a@x.com"])
            let activity = try await client.send(.get, "/api/activity?days=1&end=2026-10-31&segment_id=\(id)")
            #expect((activity.json["series"] as? [[String: Any]])?.first?["events"] as? Int == 2)
            #expect((activity.json["series"] as? [[String: Any]])?.first?["active_users"] as? Int == 1)
            let missing = try await client.send(.get, "/api/activity?segment_id=77")
            #expect(missing.status == .notFound && missing.json.errorField == "segment_id")
            #expect((try await client.send(.get, "/api/accounts?segment_id=x")).json.errorField == "segment_id")

            let compare = try await client.send(.get, "/api/funnels/compare?steps=export,login&segments=\(id)&days=7&end=2026-10-31")
            let rows = compare.json["segments"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["name"] as? String } == ["All users", "Pro"])
            let proSteps = (rows.last?["funnel"] as? [String: Any])?["steps"] as? [[String: Any]]
            #expect(proSteps?.map { $0["users"] as? Int } == [1, 1])
            #expect((try await client.send(.get, "/api/funnels/compare?steps=export,login&segments=9")).status == .notFound)
            #expect((try await client.send(.get, "/api/funnels/compare?steps=export,login&segments=1,2,3,4,5")).json.errorField == "segments")
        }
    }
}
