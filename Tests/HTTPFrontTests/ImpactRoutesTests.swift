import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Impact over HTTP: acting on a signal starts an action with its metric then; the list, an
/// outcome by hand, the summary, the CSV; and the 4xx answers for bad input.
@Suite struct ImpactRoutesTests {
    @Test func actingStartsAnActionThatIsListedDecidedAndExported() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: SignalRoutesTests.events)
            let focus = try await client.send(.get, "/api/signals/focus")
            let spike = ((focus.json["items"] as? [[String: Any]])?.first?["signal"] as? [String: Any])?["id"] as? Int ?? 0
            let acted = try await client.send(.post, "/api/signals/\(spike)/action", key: "acme-editor", json: #"{"action_type":"rolled back, \"v2\""}"#)
            let actionID = acted.json["impact_action_id"] as? Int
            #expect(actionID == 1)

            let list = try await client.send(.get, "/api/impact/actions")
            let rows = list.json["actions"] as? [[String: Any]] ?? []
            #expect(list.json["total"] as? Int == 1)
            #expect(rows.first?["outcome"] as? String == "pending" && rows.first?["member"] as? String == "eddie")
            #expect(rows.first?["metric_rule"] as? String == "error_spike" && rows.first?["higher_is_better"] as? Bool == false)
            #expect((rows.first?["baseline"] as? Double).map { abs($0 - 12.0 / 32) < 1e-9 } == true)
            #expect(rows.first?["due_at"] as? String == "2026-11-14T12:00:00.000Z")
            #expect((try await client.send(.get, "/api/impact/actions?status=resolved").json["total"] as? Int) == 0)

            let summary = try await client.send(.get, "/api/impact")
            #expect(summary.json["actions"] as? Int == 1 && summary.json["pending"] as? Int == 1)
            #expect(summary.json["resolution_rate"] == nil)

            let put = try await client.send(.put, "/api/impact/actions/1", json: #"{"resolved":true}"#)
            #expect(put.status == .ok && put.json["outcome"] as? String == "resolved" && put.json["manual"] as? Bool == true)
            let after = try await client.send(.get, "/api/impact?days=30")
            #expect(after.json["resolved"] as? Int == 1 && after.json["resolution_rate"] as? Double == 1)
            #expect(((after.json["by_rule"] as? [String: Any])?["error_spike"] as? [String: Int]) == ["actions": 1, "resolved": 1])

            let csv = try await client.execute(uri: "/api/impact/export", method: .get, headers: [FieldName("x-api-key")!: "acme-key"]) { response in
                (response.status, response.headers[.contentType], String(buffer: response.body))
            }
            #expect(csv.0 == .ok && csv.1 == "text/csv; charset=utf-8")
            let lines = csv.2.components(separatedBy: "\r\n")
            #expect(lines.first == "id,created_at,source,source_ref,action_type,member,metric,baseline,window_days,due_at,outcome,outcome_value,outcome_at,manual")
            #expect(lines.count == 3 && lines[2].isEmpty)
            #expect(lines[1].hasPrefix(#"1,2026-10-31T12:00:00.000Z,signal,\#(spike),"rolled back, ""v2""",eddie,"#))
            #expect(lines[1].hasSuffix(",resolved,0.375,2026-10-31T12:00:00.000Z,true"))
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.get, "/api/impact?days=0", nil, .badRequest, "days"),
                (.get, "/api/impact/actions?status=won", nil, .badRequest, "status"),
                (.get, "/api/impact/actions?page=0", nil, .badRequest, "page"),
                (.get, "/api/impact/actions?per_page=500", nil, .badRequest, "per_page"),
                (.get, "/api/impact/export?days=99999", nil, .badRequest, "days"),
                (.put, "/api/impact/actions/1", "{}", .badRequest, "resolved"),
                (.put, "/api/impact/actions/1", #"{"resolved":"yes"}"#, .badRequest, "resolved"),
                (.put, "/api/impact/actions/x", #"{"resolved":true}"#, .badRequest, "id"),
                (.put, "/api/impact/actions/99", #"{"resolved":true}"#, .notFound, "id"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await client.send(method, uri, json: body)
                #expect(answer.status == status, "\(method) \(uri)")
                #expect(answer.json.errorField == field, "\(method) \(uri)")
            }
            #expect(try await client.send(.put, "/api/impact/actions/1", key: "acme-viewer", json: #"{"resolved":true}"#).status == .forbidden)
        }
    }
}

/// Impact tracking started by acting on a journey recommendation and by activating a nudge.
@Suite struct ImpactSourcesTests {
    @Test func recommendationsAndNudgesStartActions() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: JourneyRoutesTests.events)
            let created = try await client.send(.post, "/api/journeys", json: #"""
                {"name":"Activation","completion_window_days":7,"steps":[{"event_type":"signup","label":"Sign up"},{"event_type":"setup","label":"Set up"}]}
                """#)
            let id = try #require((created.json["journey"] as? [String: Any])?["id"] as? Int)
            #expect(try await client.send(.post, "/api/journeys/\(id)/recommendations/drop-1/act").status == .ok)
            // Acting again does not start a second action; dismissing starts none.
            try await client.send(.post, "/api/journeys/\(id)/recommendations/drop-1/act")
            try await client.send(.post, "/api/journeys/\(id)/recommendations/stuck-1/dismiss")
            let nudge = try await client.send(.post, "/api/nudges", json: #"{"title":"Finish setup","target_page_url":"/setup","goal_event":"setup"}"#)
            let nudgeID = try #require((nudge.json["nudge"] as? [String: Any])?["id"] as? Int ?? nudge.json["id"] as? Int)
            #expect(try await client.send(.post, "/api/nudges/\(nudgeID)/activate").status == .ok)
            try await client.send(.post, "/api/nudges/\(nudgeID)/activate")
            let list = try await client.send(.get, "/api/impact/actions")
            let actions = list.json["actions"] as? [[String: Any]] ?? []
            #expect(actions.count == 2)
            let journey = actions.first { $0["source"] as? String == "journey_recommendation" }
            #expect(journey?["source_ref"] as? String == "\(id):drop-1" && journey?["action_type"] as? String == "largest_drop_off")
            #expect((journey?["metric"] as? String)?.contains("drop-off at journey step \(id):2") == true)
            let activated = actions.first { $0["source"] as? String == "nudge" }
            #expect(activated?["source_ref"] as? String == String(nudgeID) && activated?["outcome"] as? String == "pending")
        }
    }
}
