import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Signals over HTTP: raised from ingested data, listed, summed up, ranked, acted on and
/// dismissed; and the 4xx answers for bad input.
@Suite struct SignalRoutesTests {
    /// 30 users exported 9 days ago, 5 two days ago (adoption fell); today 12 of 32 events are
    /// page errors where the days before had none (an error spike).
    static var events: String {
        var rows: [String] = []
        for u in 0..<30 { rows.append(#"{"event_type":"export","user_email":"b\#(u)@x.com","timestamp":"2026-10-22T10:00:00Z"}"#) }
        for u in 0..<5 { rows.append(#"{"event_type":"export","user_email":"a\#(u)@x.com","timestamp":"2026-10-29T10:00:00Z"}"#) }
        for u in 0..<20 { rows.append(#"{"event_type":"view","user_email":"a\#(u % 5)@x.com","timestamp":"2026-10-31T10:00:00Z"}"#) }
        for u in 0..<12 { rows.append(#"{"event_type":"page_error","user_email":"a\#(u % 5)@x.com","timestamp":"2026-10-31T11:00:00Z"}"#) }
        return #"{"events":["# + rows.joined(separator: ",") + "]}"
    }

    static func signals(_ json: [String: Any]) -> [[String: Any]] { json["signals"] as? [[String: Any]] ?? [] }

    @Test func raisedListedRankedActedOnAndDismissed() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await client.send(.post, "/ingest", json: Self.events).status == .ok)
            let feed = try await client.send(.get, "/api/signals")
            #expect(feed.json["total"] as? Int == 2)
            let rules = Set(Self.signals(feed.json).compactMap { $0["rule"] as? String })
            #expect(rules == ["error_spike", "adoption_fell"])
            let critical = try await client.send(.get, "/api/signals?severity=critical")
            #expect(Self.signals(critical.json).map { $0["subject"] as? String } == ["page_error"])
            #expect((Self.signals(critical.json).first?["value"] as? Double).map { abs($0 - 12.0 / 32) < 1e-9 } == true)
            let product = try await client.send(.get, "/api/signals?category=product&status=open&per_page=1&page=2")
            #expect(product.json["total"] as? Int == 2 && Self.signals(product.json).count == 1)
            let journey = try await client.send(.get, "/api/signals?category=journey")
            #expect(journey.json["total"] as? Int == 0)

            let summary = try await client.send(.get, "/api/signals/summary")
            #expect(summary.json["total"] as? Int == 2 && summary.json["open"] as? Int == 2)
            #expect((summary.json["by_category"] as? [String: Int]) == ["success": 0, "product": 2, "journey": 0])
            #expect((summary.json["by_severity"] as? [String: Int]) == ["critical": 1, "warning": 0, "info": 1])

            let focus = try await client.send(.get, "/api/signals/focus?limit=5")
            let items = focus.json["items"] as? [[String: Any]] ?? []
            #expect(items.map { ($0["signal"] as? [String: Any])?["rule"] as? String } == ["error_spike", "adoption_fell"])
            let spikeID = (items.first?["signal"] as? [String: Any])?["id"] as? Int ?? 0
            let fellID = (items.last?["signal"] as? [String: Any])?["id"] as? Int ?? 0

            let acted = try await client.send(.post, "/api/signals/\(spikeID)/action", json: #"{"action_type":"rolled back the release"}"#)
            #expect(acted.status == .ok)
            #expect(acted.json["status"] as? String == "actioned" && acted.json["action_type"] as? String == "rolled back the release")
            let again = try await client.send(.post, "/api/signals/\(spikeID)/dismiss")
            #expect(again.status == .conflict && again.json.errorField == "id")
            let dismissed = try await client.send(.post, "/api/signals/\(fellID)/dismiss")
            #expect(dismissed.json["status"] as? String == "dismissed")
            let open = try await client.send(.get, "/api/signals/focus")
            #expect((open.json["items"] as? [Any])?.isEmpty == true)
            let after = try await client.send(.get, "/api/signals/summary")
            #expect(after.json["actioned"] as? Int == 1 && after.json["dismissed"] as? Int == 1 && after.json["open"] as? Int == 0)
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.get, "/api/signals?severity=loud", nil, .badRequest, "severity"),
                (.get, "/api/signals?category=sales", nil, .badRequest, "category"),
                (.get, "/api/signals?status=closed", nil, .badRequest, "status"),
                (.get, "/api/signals?page=0", nil, .badRequest, "page"),
                (.get, "/api/signals?per_page=101", nil, .badRequest, "per_page"),
                (.get, "/api/signals?days=0", nil, .badRequest, "days"),
                (.get, "/api/signals/summary?days=x", nil, .badRequest, "days"),
                (.get, "/api/signals/focus?limit=0", nil, .badRequest, "limit"),
                (.post, "/api/signals/abc/dismiss", nil, .badRequest, "id"),
                (.post, "/api/signals/0/dismiss", nil, .badRequest, "id"),
                (.post, "/api/signals/99/dismiss", nil, .notFound, "id"),
                (.post, "/api/signals/1/action", "{}", .badRequest, "action_type"),
                (.post, "/api/signals/1/action", #"{"action_type":""}"#, .badRequest, "action_type"),
                (.post, "/api/signals/1/action", #"{"action_type":7}"#, .badRequest, "action_type"),
                (.post, "/api/signals/1/action", #"{"action_type":"\#(String(repeating: "x", count: 201))"}"#, .badRequest, "action_type"),
                (.post, "/api/signals/99/action", #"{"action_type":"call"}"#, .notFound, "id"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await client.send(method, uri, json: body)
                #expect(answer.status == status, "\(method) \(uri)")
                #expect(answer.json.errorField == field, "\(method) \(uri)")
            }
            #expect(try await client.send(.post, "/api/signals/1/dismiss", key: "acme-viewer").status == .forbidden)
        }
    }
}
