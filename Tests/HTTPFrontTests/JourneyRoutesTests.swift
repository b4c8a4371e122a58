import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct JourneyRoutesTests {
    static let events = #"""
    {"events":[
     {"event_type":"signup","user_email":"a@x.com","timestamp":"2026-10-30T10:00:00Z"},
     {"event_type":"setup","user_email":"a@x.com","timestamp":"2026-10-30T11:00:00Z"},
     {"event_type":"signup","user_email":"b@x.com","timestamp":"2026-10-30T10:00:00Z"}
    ]}
    """#

    @Test func createFunnelStuckRecommendationsAndGenerate() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let created = try await client.send(.post, "/api/journeys", json: #"""
                {"name":"Activation","completion_window_days":7,"steps":[{"event_type":"signup","label":"Sign up"},{"event_type":"setup","label":"Set up"}]}
                """#)
            #expect(created.status == .created)
            let id = try #require((created.json["journey"] as? [String: Any])?["id"] as? Int)
            #expect((created.json["journey"] as? [String: Any])?["users"] as? [Int] == [2, 1])
            let funnel = try await client.send(.get, "/api/journeys/\(id)/funnel")
            #expect(((funnel.json["funnel"] as? [String: Any])?["steps"] as? [[String: Any]])?.map { $0["users"] as? Int } == [2, 1])
            let stuck = try await client.send(.get, "/api/journeys/\(id)/stuck?from=1")
            #expect((stuck.json["users"] as? [[String: Any]])?.map { $0["user_email"] as? String } == ["b@x.com"])
            let recs = (created.json["recommendations"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(recs == ["drop-1", "stuck-1"])
            let acted = try await client.send(.post, "/api/journeys/\(id)/recommendations/drop-1/act")
            #expect((acted.json["recommendations"] as? [[String: Any]])?.first?["status"] as? String == "acted")
            #expect((try await client.send(.post, "/api/journeys/\(id)/recommendations/nope/dismiss")).json.errorField == "recId")
            let copy = try await client.send(.post, "/api/nudges/generate", json: #"{"journey_id":\#(id),"step_index":0}"#)
            #expect(copy.json["method"] as? String == "template")
            #expect(copy.json["stuck_users"] as? Int == 1)
            let list = try await client.send(.get, "/api/journeys")
            #expect((list.json["journeys"] as? [[String: Any]])?.first?["open_recommendations"] as? Int == 1)
            #expect((try await client.send(.put, "/api/journeys/\(id)", json: #"{"name":"x"}"#)).status == .forbidden)
            #expect((try await client.send(.delete, "/api/journeys/\(id)")).status == .ok)
        }
    }

    @Test func badRequestsNameTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.post, "/api/journeys", #"{"steps":[{"event_type":"a"},{"event_type":"b"}]}"#, .badRequest, "name"),
                (.post, "/api/journeys", #"{"name":"j","steps":[{"event_type":"a"}]}"#, .badRequest, "steps"),
                (.post, "/api/journeys", #"{"name":"j","steps":[{"event_type":"a"},{"label":"b"}]}"#, .badRequest, "steps[1].event_type"),
                (.post, "/api/journeys", #"{"name":"j","steps":[{"event_type":"a"},{"event_type":"b"}],"completion_window_days":0}"#, .badRequest, "completion_window_days"),
                (.get, "/api/journeys/4", nil, .notFound, "id"),
                (.post, "/api/nudges/generate", #"{"step_index":0}"#, .badRequest, "journey_id"),
                (.post, "/api/nudges/generate", #"{"journey_id":8,"step_index":0}"#, .notFound, "journey_id"),
            ]
            for (method, path, body, status, field) in cases {
                let reply = try await client.send(method, path, json: body)
                #expect(reply.status == status, "\(method) \(path)")
                #expect(reply.json.errorField == field, "\(method) \(path)")
            }
        }
    }
}
