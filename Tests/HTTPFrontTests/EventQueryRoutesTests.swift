import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct EventQueryRoutesTests {
    static let events = #"""
    {"events":[
     {"event_type":"report_viewed","user_email":"a@x.com","properties":{"plan":"pro","seats":12},"timestamp":"2026-10-30T10:00:00Z"},
     {"event_type":"report_viewed","user_email":"a@x.com","properties":{"plan":"pro","seats":12},"timestamp":"2026-10-31T10:00:00Z"},
     {"event_type":"report_exported","user_email":"a@x.com","timestamp":"2026-10-31T10:01:00Z"},
     {"event_type":"report_viewed","user_email":"b@x.com","properties":{"plan":"free","seats":3},"timestamp":"2026-10-31T09:00:00Z"},
     {"event_type":"report_viewed","user_email":"c@x.com","properties":{"plan":"pro","seats":40},"timestamp":"2026-10-20T09:00:00Z"},
     {"event_type":"login","user_email":"d@x.com","timestamp":"2026-10-31T09:00:00Z"}
    ]}
    """#

    @Test func includesExcludesFiltersAndWindows() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let viewers = try await client.send(.post, "/api/events/query", json: #"{"includes":[{"event":"report_viewed"}],"days":30,"end":"2026-10-31"}"#)
            #expect(viewers.status == .ok)
            #expect(viewers.json["matching_users"] as? Int == 3)
            #expect(viewers.json["active_users"] as? Int == 4)
            let pro = try await client.send(.post, "/api/events/query", json: #"""
                {"includes":[{"event":"report_viewed","where":[{"property":"plan","op":"eq","value":"pro"},{"property":"seats","op":"gte","value":10}]}],
                 "excludes":[{"event":"report_exported"}],"days":30,"end":"2026-10-31"}
                """#)
            #expect(pro.json["users"] as? [String] == ["c@x.com"])
            let recent = try await client.send(.post, "/api/events/query", json: #"""
                {"includes":[{"event":"report_viewed","within_days":3,"min_count":2}],"days":30,"end":"2026-10-31"}
                """#)
            #expect(recent.json["users"] as? [String] == ["a@x.com"])
            #expect((recent.json["includes"] as? [[String: Any]])?.first?["events"] as? Int == 3)
        }
    }

    @Test func badBodiesNameTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let cases: [(String, String)] = [
                (#"{"days":7}"#, "includes"),
                (#"{"includes":[]}"#, "includes"),
                (#"{"includes":[{"event":"a"},{"event":"a"},{"event":"a"},{"event":"a"},{"event":"a"}]}"#, "includes"),
                (#"{"includes":[{"event":"teleport"}]}"#, "includes[0].event"),
                (#"{"includes":[{}]}"#, "includes[0].event"),
                (#"{"includes":[{"event":"login","where":[{"property":"plan","op":"like","value":"x"}]}]}"#, "includes[0].where[0].op"),
                (#"{"includes":[{"event":"login","where":[{"property":"plan","op":"in","value":"x"}]}]}"#, "includes[0].where[0].value"),
                (#"{"includes":[{"event":"login"}],"excludes":[{"event":"login","within_days":0}]}"#, "excludes[0].within_days"),
                (#"{"includes":[{"event":"login","within_days":60}],"days":30}"#, "includes[0].within_days"),
                (#"{"includes":[{"event":"login"}],"days":0}"#, "days"),
                (#"{"includes":[{"event":"login"}],"end":"yesterday"}"#, "end"),
                (#"{"includes":"#, "body"),
            ]
            for (body, field) in cases {
                let reply = try await client.send(.post, "/api/events/query", json: body)
                #expect(reply.status == .badRequest, "\(body)")
                #expect(reply.json.errorField == field, "\(body)")
            }
        }
    }
}
