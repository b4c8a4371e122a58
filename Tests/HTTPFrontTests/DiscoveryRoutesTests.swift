import Foundation
@testable import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Discoveries over HTTP: a behaviour worked out by hand, status and pins that stay, success
/// events (three at most), and the 4xx answers for bad input.
@Suite struct DiscoveryRoutesTests {
    /// 40 users arrive 20 days ago; the first 20 `setup` on day one, 15 of them buy within the
    /// month; 4 of the other 20 buy.
    static func ingestCohort(_ client: some TestClientProtocol) async throws {
        func iso(_ daysAgo: Double) -> String { ISOText.timestamp(TestServer.nowMs - Int64(daysAgo * 86_400_000)) }
        var events: [String] = []
        for u in 0..<40 {
            events.append(#"{"event_type":"login","user_email":"u\#(u)@x.com","timestamp":"\#(iso(20))"}"#)
            if u < 20 { events.append(#"{"event_type":"setup","user_email":"u\#(u)@x.com","timestamp":"\#(iso(19.5))","properties":{"plan":"pro"}}"#) }
            if u < 15 || (u >= 20 && u < 24) { events.append(#"{"event_type":"purchase","user_email":"u\#(u)@x.com","timestamp":"\#(iso(15))"}"#) }
        }
        let answer = try await client.send(.post, "/ingest", json: #"{"events":[\#(events.joined(separator: ","))]}"#)
        #expect(answer.status == .ok || answer.status == .accepted)
    }

    @Test func aBehaviourWorkedOutByHand() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.ingestCohort(client)
            let empty = try await client.send(.get, "/api/discoveries")
            #expect(empty.status == .ok && (empty.json["discoveries"] as? [Any])?.isEmpty == true)
            let added = try await client.send(.post, "/api/discoveries/success-events", json: #"{"event_type":"purchase","time_window_days":30}"#)
            #expect(added.status == .created && added.json["behaviour_window_days"] as? Int == 7)
            let list = try await client.send(.get, "/api/discoveries")
            let rows = list.json["discoveries"] as? [[String: Any]] ?? []
            // setup: 15 of 20 doers bought, 4 of the 20 others: lift (15/20)/(4/20) = 3.75.
            let setup = try #require(rows.first { ($0["behaviour"] as? [String: Any])?["description"] as? String == "setup" })
            #expect(setup["doers"] as? Int == 20 && setup["doers_reached"] as? Int == 15 && setup["others"] as? Int == 20 && setup["others_reached"] as? Int == 4)
            #expect(abs((setup["lift"] as? Double ?? 0) - 3.75) < 1e-9)
            let interval = setup["confidence_interval"] as? [String: Double] ?? [:]
            #expect((interval["low"] ?? 9) < 3.75 && (interval["high"] ?? 0) > 3.75)
            #expect(rows.contains { ($0["behaviour"] as? [String: Any])?["description"] as? String == "setup with plan = pro" })
            #expect(setup["status"] as? String == "new")
            let id = setup["id"] as? Int ?? 0

            let marked = try await client.send(.patch, "/api/discoveries/\(id)", json: #"{"status":"reviewed","pinned":true}"#)
            #expect(marked.status == .ok && marked.json["status"] as? String == "reviewed" && marked.json["pinned"] as? Bool == true)
            let pinnedFirst = try await client.send(.get, "/api/discoveries")
            #expect((pinnedFirst.json["discoveries"] as? [[String: Any]])?.first?["id"] as? Int == id)
            #expect((try await client.send(.get, "/api/discoveries?status=new").json["discoveries"] as? [[String: Any]])?.contains { $0["id"] as? Int == id } == false)
            #expect((try await client.send(.get, "/api/discoveries?min_lift=100").json["discoveries"] as? [Any])?.isEmpty == true)
            try await client.send(.patch, "/api/discoveries/\(id)", json: #"{"status":"dismissed"}"#)
            #expect((try await client.send(.get, "/api/discoveries").json["discoveries"] as? [[String: Any]])?.contains { $0["id"] as? Int == id } == false)
            #expect((try await client.send(.get, "/api/discoveries?status=all").json["discoveries"] as? [[String: Any]])?.contains { $0["id"] as? Int == id } == true)

            let summary = try await client.send(.get, "/api/discoveries/summary")
            #expect(summary.json["dismissed"] as? Int == 1 && summary.json["pinned"] as? Int == 1 && summary.json["success_events"] as? Int == 1)
            let events = try await client.send(.get, "/api/discoveries/success-events")
            let success = (events.json["success_events"] as? [[String: Any]])?.first
            #expect(success?["cohort_users"] as? Int == 40 && success?["reached_users"] as? Int == 19)

            // Three at most, one per event type; deleting one takes its discoveries.
            #expect(try await client.send(.post, "/api/discoveries/success-events", json: #"{"event_type":"purchase"}"#).status == .conflict)
            try await client.send(.post, "/api/discoveries/success-events", json: #"{"event_type":"setup"}"#)
            try await client.send(.post, "/api/discoveries/success-events", json: #"{"event_type":"share"}"#)
            let fourth = try await client.send(.post, "/api/discoveries/success-events", json: #"{"event_type":"login"}"#)
            #expect(fourth.status == .conflict && fourth.json.errorField == "body")
            let successID = success?["id"] as? Int ?? 0
            #expect(try await client.send(.delete, "/api/discoveries/success-events/\(successID)").status == .ok)
            #expect(try await client.send(.patch, "/api/discoveries/\(id)", json: #"{"pinned":false}"#).status == .notFound)
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.get, "/api/discoveries?status=open", nil, .badRequest, "status"),
                (.get, "/api/discoveries?min_lift=x", nil, .badRequest, "min_lift"),
                (.get, "/api/discoveries?min_lift=-1", nil, .badRequest, "min_lift"),
                (.get, "/api/discoveries?min_lift=nan", nil, .badRequest, "min_lift"),
                (.get, "/api/discoveries?limit=0", nil, .badRequest, "limit"),
                (.get, "/api/discoveries?success_event_id=0", nil, .badRequest, "success_event_id"),
                (.get, "/api/discoveries?success_event_id=7", nil, .notFound, "success_event_id"),
                (.post, "/api/discoveries/success-events", "{}", .badRequest, "event_type"),
                (.post, "/api/discoveries/success-events", #"{"event_type":""}"#, .badRequest, "event_type"),
                (.post, "/api/discoveries/success-events", #"{"event_type":"a","time_window_days":0}"#, .badRequest, "time_window_days"),
                (.post, "/api/discoveries/success-events", #"{"event_type":"a","time_window_days":366}"#, .badRequest, "time_window_days"),
                (.post, "/api/discoveries/success-events", #"{"event_type":"a","time_window_days":5,"behaviour_window_days":6}"#, .badRequest, "behaviour_window_days"),
                (.post, "/api/discoveries/success-events", #"{"event_type":"a","window":5}"#, .badRequest, "window"),
                (.post, "/api/discoveries/success-events", "[]", .badRequest, "body"),
                (.delete, "/api/discoveries/success-events/9", nil, .notFound, "id"),
                (.delete, "/api/discoveries/success-events/x", nil, .badRequest, "id"),
                (.patch, "/api/discoveries/3", #"{"status":"done"}"#, .badRequest, "status"),
                (.patch, "/api/discoveries/3", #"{"pinned":"yes"}"#, .badRequest, "pinned"),
                (.patch, "/api/discoveries/3", "{}", .badRequest, "body"),
                (.patch, "/api/discoveries/3", #"{"pinned":true}"#, .notFound, "id"),
                (.patch, "/api/discoveries/-3", #"{"pinned":true}"#, .badRequest, "id"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await client.send(method, uri, json: body)
                #expect(answer.status == status, "\(method) \(uri) \(body ?? "")")
                #expect(answer.json.errorField == field, "\(method) \(uri) \(body ?? "")")
            }
            #expect(try await client.send(.post, "/api/discoveries/success-events", key: "acme-viewer", json: #"{"event_type":"a"}"#).status == .forbidden)
        }
    }
}
