import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct IngestRoutesTests {
    @Test func singleEventAndBatchAreCounted() async throws {
        try await TestServer.make().test(.router) { client in
            let one = try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@x.com","timestamp":"2026-10-31T11:58:00Z"}"#)
            #expect(one.status == .ok)
            #expect(one.json["accepted"] as? Int == 1)
            let batch = try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"login","user_email":"b@x.com","timestamp":1793447880000},{"event":"page_view","user_id":"a@x.com","page":"/home","timestamp":"2026-10-31T11:59:00Z"}]}"#)
            #expect(batch.json["accepted"] as? Int == 2)
            let live = try await client.send(.get, "/api/live")
            #expect(live.json["active_users"] as? Int == 2)
            let stats = try await client.send(.get, "/api/data/stats")
            #expect(stats.json["events"] as? Int == 3)
            #expect(stats.json["users"] as? Int == 2)
        }
    }

    @Test func invalidBatchIsRejectedWholeNamingIndexAndField() async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"login","user_email":"a@x.com"},{"event_type":"login","user_email":"b@x.com","timestamp":"2030-01-01T00:00:00Z"}]}"#)
            #expect(answer.status == .badRequest)
            #expect(answer.json.errorField == "events[1].timestamp")
            let missing = try await client.send(.post, "/ingest", json: #"{"events":[{"user_email":"a@x.com"}]}"#)
            #expect(missing.json.errorField == "events[0].event_type")
            let wrongType = try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":5}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.json.errorField == "user_email")
            let stats = try await client.send(.get, "/api/data/stats")
            #expect(stats.json["events"] as? Int == 0)
        }
    }

    @Test func malformedBodiesAreCleanBadRequests() async throws {
        try await TestServer.make().test(.router) { client in
            for body in ["", "{", "[1,2]", "null", #"{"events":[]}"#, #"{"events":{}}"#, String(repeating: "[", count: 5000), "{\"event_type\":\"a\u{7}\"}"] {
                let answer = try await client.send(.post, "/ingest", json: body)
                #expect(answer.status == .badRequest, "\(body.prefix(20))")
                #expect(answer.json.errorMessage != nil)
            }
        }
    }

    @Test func eventsWithoutUserGetAnAnonymousID() async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.post, "/ingest", json: #"{"event_type":"page_view","page_url":"/pricing"}"#)
            let id = try #require(answer.json["anonymous_id"] as? String)
            #expect(id.hasPrefix("anon-"))
            let merged = try await client.send(.post, "/ingest/merge", json: #"{"anonymous_id":"\#(id)","user_email":"c@x.com"}"#)
            #expect(merged.status == .ok)
            #expect(merged.json["moved_events"] as? Int == 1)
            let stats = try await client.send(.get, "/api/data/stats")
            #expect(stats.json["users"] as? Int == 1)
            #expect(stats.json["anonymous_users"] as? Int == 0)
            let again = try await client.send(.post, "/ingest/merge", json: #"{"anonymous_id":"\#(id)","user_email":"d@x.com"}"#)
            #expect(again.status == .conflict)
            let missing = try await client.send(.post, "/ingest/merge", json: #"{"anonymous_id":"anon-1"}"#)
            #expect(missing.json.errorField == "user_email")
        }
    }

    /// A client that never names a user is one visitor, not a new user per request (memory that
    /// only grew); another browser at the same address is another visitor.
    @Test func userlessRequestsFromOneClientAreOneVisitor() async throws {
        try await TestServer.make().test(.live) { client in
            let event = #"{"event_type":"page_view","page_url":"/pricing"}"#
            var ids: Set<String> = []
            for _ in 0..<5 {
                let answer = try await client.send(.post, "/ingest", headers: [.userAgent: "browser-a"], json: event)
                ids.insert(try #require(answer.json["anonymous_id"] as? String))
            }
            #expect(ids.count == 1)
            let other = try await client.send(.post, "/ingest", headers: [.userAgent: "browser-b"], json: event)
            #expect(other.json["anonymous_id"] as? String != ids.first)
            let stats = try await client.send(.get, "/api/data/stats")
            #expect(stats.json["users"] as? Int == 2)
            #expect(stats.json["events"] as? Int == 6)
        }
    }

    @Test func clientErrorsBecomePageErrorEvents() async throws {
        try await TestServer.make().test(.router) { client in
            let ok = try await client.send(.post, "/ingest/error", json: #"{"page_url":"/x","error_type":"js_error","error_message":"boom","status_code":500,"user_email":"a@x.com"}"#)
            #expect(ok.status == .ok)
            let events = try await client.send(.get, "/api/events")
            let rows = events.json["event_types"] as? [[String: Any]] ?? []
            #expect(rows.first?["event_type"] as? String == "page_error")
            let badType = try await client.send(.post, "/ingest/error", json: #"{"page_url":"/x","error_type":"oops"}"#)
            #expect(badType.json.errorField == "error_type")
            let long = try await client.send(.post, "/ingest/error", json: #"{"page_url":"/x","error_type":"other","error_message":"\#(String(repeating: "a", count: 501))"}"#)
            #expect(long.json.errorField == "error_message")
        }
    }

    @Test func oversizeBodyIs413() async throws {
        try await TestServer.make(bodyLimit: 2048).test(.router) { client in
            let events = (0..<100).map { _ in #"{"event_type":"login","user_email":"a@x.com"}"# }.joined(separator: ",")
            let answer = try await client.send(.post, "/ingest", json: #"{"events":[\#(events)]}"#)
            #expect(answer.status == .contentTooLarge)
            #expect(answer.json.errorField == "body")
        }
    }
}
