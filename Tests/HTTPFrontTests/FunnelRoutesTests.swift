import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct FunnelRoutesTests {
    /// a: signup → checkout (pro) 5 minutes later. b: signup → support → checkout (free) 2 hours later.
    /// c: signup only.
    static let events = #"""
    {"events":[
     {"event_type":"signup","user_email":"a@x.com","timestamp":"2026-10-30T10:00:00Z"},
     {"event_type":"checkout","user_email":"a@x.com","properties":{"plan":"pro"},"timestamp":"2026-10-30T10:05:00Z"},
     {"event_type":"signup","user_email":"b@x.com","timestamp":"2026-10-30T10:00:00Z"},
     {"event_type":"support","user_email":"b@x.com","timestamp":"2026-10-30T11:00:00Z"},
     {"event_type":"checkout","user_email":"b@x.com","properties":{"plan":"free"},"timestamp":"2026-10-30T12:00:00Z"},
     {"event_type":"signup","user_email":"c@x.com","timestamp":"2026-10-30T10:00:00Z"}
    ]}
    """#

    func post(_ client: some TestClientProtocol, _ extra: String) async throws -> (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields) {
        try await client.send(.post, "/api/funnels", json: #"{"days":7,"end":"2026-10-31",\#(extra)}"#)
    }

    @Test func filtersWindowsExclusionsAndUserLists() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            func users(_ reply: (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields)) -> [Int?] {
                (reply.json["steps"] as? [[String: Any]])?.map { $0["users"] as? Int } ?? []
            }
            #expect(users(try await post(client, #""steps":["signup","checkout"]"#)) == [3, 2])
            #expect(users(try await post(client, #""steps":["signup",{"event":"checkout","where":[{"property":"plan","op":"eq","value":"pro"}]}]"#)) == [3, 1])
            #expect(users(try await post(client, #""steps":["signup",{"event":"checkout","within_minutes":30}]"#)) == [3, 1])
            #expect(users(try await post(client, #""steps":["signup","checkout"],"exclusions":[{"event":"support"}]"#)) == [3, 1])
            let dropped = try await post(client, #""steps":["signup","checkout"],"users":{"step":2,"status":"dropped"}"#)
            #expect((dropped.json["user_list"] as? [String: Any])?["users"] as? [String] == ["c@x.com"])
            let converted = try await post(client, #""steps":["signup","checkout"],"users":{"step":2,"limit":1,"offset":1}"#)
            #expect((converted.json["user_list"] as? [String: Any])?["total"] as? Int == 2)
            #expect(((converted.json["user_list"] as? [String: Any])?["users"] as? [String])?.count == 1)
            // The GET form still answers.
            let get = try await client.send(.get, "/api/funnels?steps=signup,checkout&days=7&end=2026-10-31")
            #expect(users(get) == [3, 2])
        }
    }

    @Test func badBodiesNameTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let cases: [(String, String)] = [
                (#""steps":["signup"]"#, "steps"),
                (#""steps":["signup","teleport"]"#, "steps[1].event"),
                (#""steps":[{"event":"signup","within_minutes":5},"checkout"]"#, "steps[0].within_minutes"),
                (#""steps":["signup",{"event":"checkout","within_minutes":-1}]"#, "steps[1].within_minutes"),
                (#""steps":["signup",{"event":"checkout","within_minutes":9000000000000000000}]"#, "steps[1].within_minutes"),
                (#""steps":["signup",{"event":"checkout","where":[{"property":"plan","op":"≈","value":"x"}]}]"#, "steps[1].where[0].op"),
                (#""steps":["signup","checkout"],"exclusions":[{"event":"support","after_step":2}]"#, "exclusions[0].after_step"),
                (#""steps":["signup","checkout"],"exclusions":[{"event":"nope"}]"#, "exclusions[0].event"),
                (#""steps":["signup","checkout"],"window_days":0"#, "window_days"),
                (#""steps":["signup","checkout"],"users":{"step":3}"#, "users.step"),
                (#""steps":["signup","checkout"],"users":{"step":1,"status":"dropped"}"#, "users.step"),
                (#""steps":["signup","checkout"],"users":{"step":2,"status":"lost"}"#, "users.status"),
            ]
            for (extra, field) in cases {
                let reply = try await post(client, extra)
                #expect(reply.status == .badRequest, "\(extra)")
                #expect(reply.json.errorField == field, "\(extra)")
            }
        }
    }
}
