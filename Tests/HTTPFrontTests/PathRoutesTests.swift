import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct PathRoutesTests {
    /// a: login → view /home → export, then a new session (40 min later) login → share.
    /// b: view /home → login, then nothing.
    static let events = #"""
    {"events":[
     {"event_type":"login","user_email":"a@x.com","timestamp":"2026-10-31T08:00:00Z"},
     {"event_type":"view","user_email":"a@x.com","page_url":"/home","timestamp":"2026-10-31T08:01:00Z"},
     {"event_type":"export","user_email":"a@x.com","timestamp":"2026-10-31T08:02:00Z"},
     {"event_type":"login","user_email":"a@x.com","timestamp":"2026-10-31T08:42:00Z"},
     {"event_type":"share","user_email":"a@x.com","timestamp":"2026-10-31T08:43:00Z"},
     {"event_type":"view","user_email":"b@x.com","page_url":"/home","timestamp":"2026-10-31T09:00:00Z"},
     {"event_type":"login","user_email":"b@x.com","timestamp":"2026-10-31T09:05:00Z"}
    ]}
    """#

    @Test func forwardAndBackwardPathsWithDropOffs() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let forward = try await client.send(.get, "/api/paths?event=login&depth=2&days=1&end=2026-10-31")
            #expect(forward.status == .ok)
            #expect(forward.json["sessions"] as? Int == 3)
            #expect(forward.json["users"] as? Int == 2)
            let steps = forward.json["steps"] as? [[String: Any]] ?? []
            #expect(steps.map { $0["sessions"] as? Int } == [2, 1])
            #expect(steps.map { $0["drop_offs"] as? Int } == [1, 1])
            let paths = forward.json["paths"] as? [[String: Any]] ?? []
            #expect(Set(paths.compactMap { ($0["path"] as? [String])?.joined(separator: ">") }) == ["view>export", "share", ""])

            let backward = try await client.send(.get, "/api/paths?event=login&depth=3&direction=backward&label=page&days=1&end=2026-10-31")
            let back = backward.json["paths"] as? [[String: Any]] ?? []
            #expect(back.first { ($0["path"] as? [String]) == ["/home"] }?["ran_out"] as? Bool == true)
        }
    }

    @Test func badParametersNameTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            for (query, field) in [("", "event"), ("event=teleport", "event"), ("event=login&depth=0", "depth"), ("event=login&depth=11", "depth"),
                                   ("event=login&direction=sideways", "direction"), ("event=login&label=colour", "label"), ("event=login&days=-1", "days")] {
                let reply = try await client.send(.get, "/api/paths?\(query)")
                #expect(reply.status == .badRequest, "\(query)")
                #expect(reply.json.errorField == field, "\(query)")
            }
        }
    }
}
