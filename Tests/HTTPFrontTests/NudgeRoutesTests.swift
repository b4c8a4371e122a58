import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct NudgeRoutesTests {
    static let events = #"""
    {"events":[
     {"event_type":"login","user_email":"a@x.com","timestamp":"2026-10-31T10:00:00Z"},
     {"event_type":"login","user_email":"b@x.com","timestamp":"2026-10-31T10:00:00Z"}
    ]}
    """#

    /// An event moves a user into the segment; the nudge's audience and `eligible` follow with no refresh asked for.
    @Test func audienceFollowsTheSegmentWithoutARefresh() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let segment = try await client.send(.post, "/api/segments", json: #"{"name":"Exporters","rules":[{"type":"did_event","event":"export","within_days":7}]}"#)
            let segmentID = try #require((segment.json["segment"] as? [String: Any])?["id"] as? Int)
            let created = try await client.send(.post, "/api/nudges", json: #"""
                {"title":"Share your report","body":"Send it to your team","button_text":"Share","nudge_type":"banner",
                 "target_page_url":"/reports/*","target_segment_id":\#(segmentID),"goal_event":"share"}
                """#)
            #expect(created.status == .created)
            let id = try #require((created.json["nudge"] as? [String: Any])?["id"] as? Int)
            func eligible(_ user: String, _ page: String) async throws -> [Int] {
                let reply = try await client.send(.get, "/api/nudges/eligible?user_email=\(user)&page_url=\(page)")
                return (reply.json["nudges"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } ?? []
            }
            #expect(try await eligible("a@x.com", "/reports/1") == [])   // a draft shows to no one
            let activated = try await client.send(.post, "/api/nudges/\(id)/activate")
            #expect(activated.json["warning"] == nil || activated.json["warning"] is NSNull)
            #expect(try await eligible("a@x.com", "/reports/1") == [])   // not in the audience yet

            try await client.send(.post, "/ingest", json: #"{"event_type":"export","user_email":"a@x.com","timestamp":"2026-10-31T11:00:00Z"}"#)
            #expect(try await eligible("a@x.com", "/reports/1") == [id])
            #expect(try await eligible("b@x.com", "/reports/1") == [])
            #expect(try await eligible("a@x.com", "/settings") == [])

            try await client.send(.post, "/api/nudges/\(id)/track", json: #"{"event_type":"impression","user_email":"a@x.com"}"#)
            try await client.send(.post, "/ingest", json: #"{"event_type":"share","user_email":"a@x.com","timestamp":"2026-10-31T12:00:00Z"}"#)
            try await client.send(.post, "/api/nudges/\(id)/track", json: #"{"event_type":"click","user_email":"a@x.com"}"#)
            let audience = try await client.send(.get, "/api/nudges/\(id)/audience")
            let stats = audience.json["stats"] as? [String: Any]
            #expect(stats?["entered"] as? Int == 1)
            #expect(stats?["shown"] as? Int == 1)
            #expect(stats?["clicked"] as? Int == 1)
            #expect((audience.json["recent_changes"] as? [[String: Any]])?.first?["user_email"] as? String == "a@x.com")
            let impact = try await client.send(.get, "/api/nudges/impact")
            #expect(impact.json["click_rate"] as? Double == 1)

            try await client.send(.post, "/api/nudges/\(id)/track", json: #"{"event_type":"dismiss","user_email":"a@x.com"}"#)
            #expect(try await eligible("a@x.com", "/reports/1") == [])

            // A second nudge on the same pages warns on activation.
            let second = try await client.send(.post, "/api/nudges", json: #"{"title":"Also","target_page_url":"/reports/1"}"#)
            let secondID = try #require((second.json["nudge"] as? [String: Any])?["id"] as? Int)
            let warned = try await client.send(.post, "/api/nudges/\(secondID)/activate")
            #expect(warned.json["other_active_on_page"] as? [Int] == [id])
            #expect(try await eligible("b@x.com", "/reports/1") == [secondID])   // no segment: everyone
            try await client.send(.post, "/api/nudges/\(secondID)/pause")
            #expect(try await eligible("b@x.com", "/reports/1") == [])
            #expect((try await client.send(.delete, "/api/segments/\(segmentID)")).status == .conflict)
            #expect((try await client.send(.delete, "/api/nudges/\(id)")).status == .ok)
        }
    }

    @Test func badRequestsNameTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let created = try await client.send(.post, "/api/nudges", json: #"{"title":"t","target_page_url":"/x"}"#)
            let id = (created.json["nudge"] as? [String: Any])?["id"] as? Int ?? 0
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.post, "/api/nudges", #"{"target_page_url":"/x"}"#, .badRequest, "title"),
                (.post, "/api/nudges", #"{"title":"t"}"#, .badRequest, "target_page_url"),
                (.post, "/api/nudges", #"{"title":"t","target_page_url":"x"}"#, .badRequest, "target_page_url"),
                (.post, "/api/nudges", #"{"title":"t","target_page_url":"/x","nudge_type":"popup"}"#, .badRequest, "nudge_type"),
                (.post, "/api/nudges", #"{"title":"t","target_page_url":"/x","target_segment_id":42}"#, .notFound, "target_segment_id"),
                (.post, "/api/nudges/\(id)/track", #"{"event_type":"hover","user_email":"a@x.com"}"#, .badRequest, "event_type"),
                (.post, "/api/nudges/\(id)/track", #"{"event_type":"click","user_email":"ghost@x.com"}"#, .notFound, "user_email"),
                (.post, "/api/nudges/99/activate", nil, .notFound, "id"),
                (.get, "/api/nudges/abc", nil, .badRequest, "id"),
                (.get, "/api/nudges/eligible?page_url=/x", nil, .badRequest, "user_email"),
                (.post, "/api/nudges/refresh-audiences", nil, .forbidden, "x-admin-key"),
            ]
            for (method, path, body, status, field) in cases {
                let reply = try await client.send(method, path, json: body)
                #expect(reply.status == status, "\(method) \(path)")
                #expect(reply.json.errorField == field, "\(method) \(path)")
            }
        }
    }
}
