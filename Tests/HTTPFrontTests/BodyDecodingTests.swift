import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Bodies decoded into Codable types: every wrong type, fraction, missing field or bad shape is a
/// 400 naming the field's path.
@Suite struct BodyDecodingTests {
    static let login = #"{"event_type":"login","user_email":"a@x.com","timestamp":"2026-10-31T10:00:00Z"}"#

    static let refusals: [(method: HTTPRequest.Method, uri: String, body: String, field: String)] = [
        // A boolean where a number belongs, and a number where text belongs.
        (.post, "/api/events/query", #"{"includes":[{"event":"login"}],"days":true}"#, "days"),
        (.post, "/api/events/query", #"{"includes":[{"event":"login","within_days":false}]}"#, "includes[0].within_days"),
        (.post, "/api/nudges/1/track", #"{"event_type":1,"user_email":"a@x.com"}"#, "event_type"),
        (.post, "/ingest/merge", #"{"anonymous_id":true,"user_email":"a@x.com"}"#, "anonymous_id"),
        (.post, "/ingest/error", #"{"page_url":"/","error_type":"js_error","status_code":"500"}"#, "status_code"),
        (.post, "/ingest/error", #"{"page_url":"/","error_type":"js_error","timestamp":true}"#, "timestamp"),
        (.post, "/api/segments/estimate", #"{"rules":[{"type":"did_event","event":"login","within_days":true}]}"#, "rules[0].within_days"),
        (.post, "/api/segments/estimate", #"{"rules":[{"type":"event_count","event":"login","op":">=","value":true}]}"#, "rules[0].value"),
        // A fraction, or a number past ±9e18, where an integer belongs.
        (.post, "/api/funnels", #"{"steps":["login","login"],"window_days":7.5}"#, "window_days"),
        (.post, "/api/funnels", #"{"steps":["login",{"event":"login","within_minutes":2.5}]}"#, "steps[1].within_minutes"),
        (.post, "/api/funnels", #"{"steps":["login","login"],"users":{"step":2,"limit":10.5}}"#, "users.limit"),
        (.post, "/api/events/query", #"{"includes":[{"event":"login","min_count":1.5}]}"#, "includes[0].min_count"),
        (.post, "/api/events/query", #"{"includes":[{"event":"login"}],"offset":9223372036854775808}"#, "offset"),
        (.post, "/api/nudges/generate", #"{"journey_id":1e300,"step_index":0}"#, "journey_id"),
        (.post, "/api/nudges", #"{"title":"t","target_page_url":"/x","target_segment_id":1.5}"#, "target_segment_id"),
        (.post, "/api/segments/estimate", #"{"rules":[{"type":"in_segment","segment_id":1.5}]}"#, "rules[0].segment_id"),
        // Missing or null required fields, named by their path.
        (.post, "/api/journeys", #"{"name":"j","steps":[{"event_type":"login"},{"label":"Next"}]}"#, "steps[1].event_type"),
        (.post, "/api/journeys", #"{"name":null,"steps":[{"event_type":"login"},{"event_type":"login"}]}"#, "name"),
        (.post, "/api/funnels", #"{"steps":["login",{"where":[]}]}"#, "steps[1].event"),
        (.post, "/api/nudges/1/track", #"{"event_type":"click"}"#, "user_email"),
        // Wrong shapes deeper down.
        (.post, "/api/journeys", #"{"name":"j","steps":[{"event_type":"login"},{"event_type":5}]}"#, "steps[1].event_type"),
        (.post, "/api/journeys", #"{"name":"j","steps":[{"event_type":"login"},5]}"#, "steps[1]"),
        (.post, "/api/funnels", #"{"steps":["login",true]}"#, "steps[1]"),
        (.post, "/api/funnels", #"{"steps":"login,login"}"#, "steps"),
        (.post, "/api/events/query", #"{"includes":[{"event":"login","where":[{"property":"plan","op":"eq","value":{}}]}]}"#, "includes[0].where[0].value"),
        (.put, "/api/accounts/acme/properties", #"{"properties":{"plan":{"tier":1}}}"#, "properties.plan"),
        (.put, "/api/accounts/acme/properties", #"{"properties":[1]}"#, "properties"),
        (.post, "/api/segments", #"{"name":"s","rules":[{"type":"first_seen","within_days":3}],"folder":7}"#, "folder"),
    ]

    @Test(arguments: refusals)
    func badBodiesAre400NamingTheField(_ refusal: (method: HTTPRequest.Method, uri: String, body: String, field: String)) async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.login)
            let reply = try await client.send(refusal.method, refusal.uri, json: refusal.body)
            #expect(reply.status == .badRequest, "\(refusal.body)")
            #expect(reply.json.errorField == refusal.field, "\(refusal.body) named \(reply.json.errorField ?? "nothing")")
            #expect(reply.json.errorMessage?.hasPrefix("\(refusal.field): ") == true)
        }
    }

    @Test(arguments: ["", "{", "[1,2]", "5", "null"])
    func aBodyThatIsNotAJSONObjectIsInvalidJSON(_ body: String) async throws {
        try await TestServer.make().test(.router) { client in
            let reply = try await client.send(.post, "/api/events/query", json: body)
            #expect(reply.status == .badRequest)
            #expect(reply.json.errorField == "body")
            #expect((reply.json["error"] as? [String: Any])?["code"] as? String == "invalid_json")
        }
    }

    @Test func unknownKeysAreIgnored() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.login)
            let reply = try await client.send(.post, "/api/events/query", json: #"{"includes":[{"event":"login","colour":"red"}],"extra":[1,{"x":null}],"end":"2026-10-31"}"#)
            #expect(reply.status == .ok)
            #expect(reply.json["matching_users"] as? Int == 1)
        }
    }

    /// The two fields docs/openapi.yaml lets take any JSON still do.
    @Test func fieldsDocumentedAsAnyValueStayLenient() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.login)
            let journey = try await client.send(.post, "/api/journeys", json: #"{"name":"j","steps":[{"event_type":"login","label":5},{"event_type":"login"}]}"#)
            #expect(journey.status == .created)
            let steps = (journey.json["journey"] as? [String: Any])?["steps"] as? [[String: Any]]
            #expect(steps?.first?["label"] as? String == "login")
            let funnel = try await client.send(.post, "/api/funnels", json: #"{"steps":["login","login"],"end":"2026-10-31","users":{"step":2,"status":7}}"#)
            #expect(funnel.status == .ok)
            #expect((funnel.json["user_list"] as? [String: Any])?["status"] as? String == "converted")
        }
    }

    @Test func propertyValuesKeepBooleansAndNumbersApart() async throws {
        try await TestServer.make().test(.router) { client in
            let reply = try await client.send(.put, "/api/accounts/acme/properties", json: #"""
                {"properties":{"paid":true,"trial":false,"seats":1,"ratio":0.5,"whole":2.0,"big":12345678901234567,"plan":"pro"}}
                """#)
            #expect(reply.status == .ok)
            let properties = try #require(reply.json["properties"] as? [String: String])
            #expect(properties == ["paid": "true", "trial": "false", "seats": "1", "ratio": "0.5", "whole": "2", "big": "12345678901234567", "plan": "pro"])
        }
    }

    /// An edit leaves out what it keeps and clears an optional field with null.
    @Test func anEditTellsAMissingKeyFromNull() async throws {
        try await TestServer.make().test(.router) { client in
            let created = try await client.send(.post, "/api/nudges", json: #"{"title":"t","target_page_url":"/x","body":"Hello","button_text":"Go"}"#)
            let id = try #require((created.json["nudge"] as? [String: Any])?["id"] as? Int)
            let kept = try await client.send(.put, "/api/nudges/\(id)", json: #"{"button_text":"Start"}"#)
            #expect((kept.json["nudge"] as? [String: Any])?["body"] as? String == "Hello")
            #expect((kept.json["nudge"] as? [String: Any])?["button_text"] as? String == "Start")
            let cleared = try await client.send(.put, "/api/nudges/\(id)", json: #"{"body":null}"#)
            #expect((cleared.json["nudge"] as? [String: Any])?["body"] == nil)
            #expect((cleared.json["nudge"] as? [String: Any])?["title"] as? String == "t")
            let untitled = try await client.send(.put, "/api/nudges/\(id)", json: #"{"title":null}"#)
            #expect(untitled.status == .badRequest && untitled.json.errorField == "title")
        }
    }
}
