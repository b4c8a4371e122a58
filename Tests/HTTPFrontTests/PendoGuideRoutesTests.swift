import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Guides over nudges: list and fetch, history newest first, visitor and staged resets that make
/// a dismissed nudge show again, and the 501s for experiments and localization.
@Suite struct PendoGuideRoutesTests {
    static func eligible(_ client: some TestClientProtocol, _ user: String) async throws -> Int {
        ((try await client.send(.get, "/api/nudges/eligible?user_email=\(user)&page_url=/home")).json["nudges"] as? [Any])?.count ?? -1
    }

    @Test func listHistoryAndResets() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"open","user_email":"ann"},{"event_type":"open","user_email":"bob"}]}"#).status == .ok)
            let created = try await client.send(.post, "/api/nudges", json: #"{"title":"Welcome","target_page_url":"/home"}"#)
            let id = try #require((created.json["nudge"] as? [String: Any])?["id"] as? Int)
            #expect(try await client.send(.put, "/api/nudges/\(id)", json: #"{"title":"Welcome!","target_page_url":"/home"}"#).status == .ok)
            let draft = try #require(((try await client.send(.post, "/api/nudges", json: #"{"title":"Later","target_page_url":"/home"}"#)).json["nudge"] as? [String: Any])?["id"] as? Int)
            #expect(try await client.send(.post, "/api/nudges/\(id)/activate").status == .ok)

            let guides = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/guide")).body as? [[String: Any]] ?? []
            #expect(guides.map { $0["id"] as? String } == [String(id), String(draft)] && guides.first?["state"] as? String == "public")
            #expect(((try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/guide?id=\(draft)")).body as? [[String: Any]])?.map { $0["name"] as? String } == ["Later"])
            let history = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/guide/\(id)/history")).body as? [[String: Any]] ?? []
            #expect(history.map { $0["name"] as? String } == ["Welcome!", "Welcome!", "Welcome"] && history.map { $0["state"] as? String } == ["public", "draft", "draft"])

            for user in ["ann", "bob"] { #expect(try await client.send(.post, "/api/nudges/\(id)/track", json: #"{"event_type":"dismiss","user_email":"\#(user)"}"#).status == .ok) }
            #expect(try await Self.eligible(client, "ann") == 0)
            #expect(try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/guide/\(id)/visitor/ann/reset").status == .ok)
            #expect(try await Self.eligible(client, "ann") == 1)
            #expect(try await Self.eligible(client, "bob") == 0)
            let everywhere = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/guide/all/visitor/bob/reset")
            #expect((everywhere.body as? [String: Any])?["reset"] as? [String] == [String(id), String(draft)])
            #expect(try await Self.eligible(client, "bob") == 1)

            // Only staged (draft) guides reset for everyone.
            let live = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/guide/\(id)/reset")
            #expect(live.status == .badRequest && ((live.body as? [String: Any])?["error"] as? [String: Any])?["field"] as? String == "guideId")
            #expect(try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/guide/\(draft)/reset").status == .ok)
            #expect(((try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/guide/staged/reset")).body as? [String: Any])?["reset"] as? [String] == [String(draft)])
            #expect(try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/guide/\(id)/visitor/ann/reset", key: "acme-viewer").status == .forbidden)
        }
    }

    /// A poll nudge: the native API takes its choices, the eligible list gives them to the
    /// tracker, its answers (poll_response events) reach the poll sources, and guides list the poll.
    @Test func aPollsChoicesAndAnswers() async throws {
        try await TestServer.make().test(.router) { client in
            let created = try await client.send(.post, "/api/nudges", json: #"{"title":"How likely are you to recommend us?","target_page_url":"/home","nudge_type":"poll","choices":["0","5","10"]}"#)
            let nudge = try #require(created.json["nudge"] as? [String: Any])
            let id = try #require(nudge["id"] as? Int)
            #expect(created.status == .created && nudge["choices"] as? [String] == ["0", "5", "10"])
            #expect(try await client.send(.post, "/api/nudges/\(id)/activate").status == .ok)
            #expect(try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"open","user_email":"ann","timestamp":"2026-10-31T09:00:00Z"},{"event_type":"poll_response","user_email":"ann","timestamp":"2026-10-31T09:01:00Z","properties":{"guideId":"\#(id)","pollId":"\#(id)","response":"10"}}]}"#).status == .ok)
            let eligible = try await client.send(.get, "/api/nudges/eligible?user_email=ann&page_url=/home")
            #expect(((eligible.json["nudges"] as? [[String: Any]])?.first?["choices"] as? [String]) == ["0", "5", "10"])
            let guide = ((try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/guide?id=\(id)")).body as? [[String: Any]])?.first ?? [:]
            let poll = (guide["polls"] as? [[String: Any]])?.first ?? [:]
            #expect(poll["id"] as? String == String(id) && poll["numericResponses"] as? [Int] == [0, 5, 10] && (poll["attributes"] as? [String: Any])?["type"] as? String == "NumberScale")
            let body = #"{"response":{"mimeType":"application/json"},"request":{"pipeline":[{"source":{"pollsSeenEver":{"guideId":"\#(id)","pollId":"\#(id)"}}}]}}"#
            let rows = ((try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/aggregation", json: body)).body as? [String: Any])?["results"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["visitorId"] as? String } == ["ann"] && rows.first?["pollResponse"] as? Int == 10)

            for (json, field) in [(#"{"title":"q","target_page_url":"/","nudge_type":"poll"}"#, "choices"),
                                  (#"{"title":"q","target_page_url":"/","nudge_type":"poll","choices":["a","a"]}"#, "choices"),
                                  (#"{"title":"q","target_page_url":"/","nudge_type":"poll","choices":["a",""]}"#, "choices[1]"),
                                  (#"{"title":"q","target_page_url":"/","choices":["a","b"]}"#, "choices"),
                                  (#"{"title":"q","target_page_url":"/","nudge_type":"poll","choices":[1,2]}"#, "choices[0]")] {
                let answer = try await client.send(.post, "/api/nudges", json: json)
                #expect(answer.status == .badRequest && (answer.json["error"] as? [String: Any])?["field"] as? String == field, "\(json) \(answer.json)")
            }
            // Turning a poll into a floating nudge needs its choices cleared.
            #expect(try await client.send(.put, "/api/nudges/\(id)", json: #"{"nudge_type":"floating"}"#).status == .badRequest)
            #expect(try await client.send(.put, "/api/nudges/\(id)", json: #"{"nudge_type":"floating","choices":null}"#).status == .ok)
        }
    }

    @Test func unknownGuidesAndUnsupportedRequests() async throws {
        try await TestServer.make().test(.router) { client in
            let id = try #require(((try await client.send(.post, "/api/nudges", json: #"{"title":"A","target_page_url":"/"}"#)).json["nudge"] as? [String: Any])?["id"] as? Int)
            let cases: [(HTTPRequest.Method, String, Int, String)] = [
                (.get, "/pendo/api/v1/guide/999/history", 404, "guideId"),
                (.get, "/pendo/api/v1/guide/abc/history", 404, "guideId"),
                (.post, "/pendo/api/v1/guide/999/visitor/ann/reset", 404, "guideId"),
                (.post, "/pendo/api/v1/guide/999/reset", 404, "guideId"),
                (.post, "/pendo/api/v1/guide/999/experiment/export", 404, "guideId"),
                (.post, "/pendo/api/v1/guide/\(id)/experiment/export", 501, "guideId"),
                (.get, "/pendo/api/v1/guide/localization/export", 400, "guideids"),
                (.get, "/pendo/api/v1/guide/localization/export?guideids=" + (1...16).map(String.init).joined(separator: ","), 400, "guideids"),
                (.get, "/pendo/api/v1/guide/localization/export?guideids=\(id),77", 404, "guideids"),
                (.get, "/pendo/api/v1/guide/localization/export?guideids=\(id)", 501, "guideids"),
                (.post, "/pendo/api/v1/guide/localization/import", 501, "body"),
            ]
            for (method, uri, status, field) in cases {
                let answer = try await PendoRoutesTests.pendo(client, method, uri)
                let error = (answer.body as? [String: Any])?["error"] as? [String: Any]
                #expect(answer.status.code == status && error?["field"] as? String == field, "\(method) \(uri): \(answer.status) \(error ?? [:])")
            }
        }
    }
}
