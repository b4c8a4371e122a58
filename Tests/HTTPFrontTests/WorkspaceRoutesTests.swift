import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Settings, labels, alerts, goals and views over HTTP, and the 4xx answers for bad input.
@Suite struct WorkspaceRoutesTests {
    static let admin: HTTPFields = [FieldName("x-admin-key")!: TestServer.adminKey]

    @Test func settingsAndLabelsAreKeptAndUsed() async throws {
        try await TestServer.make().test(.router) { client in
            let put = try await client.send(.put, "/api/settings", headers: Self.admin,
                                            json: #"{"company_name":"Acme Corp","product_mode":"employee","auto_derive_accounts":true}"#)
            #expect(put.status == .ok)
            #expect(put.json["company_name"] as? String == "Acme Corp" && put.json["product_mode"] as? String == "employee")
            #expect(put.json["auto_derive_accounts"] as? Bool == true && (put.json["health_thresholds"] as? [String: Int])?["green"] == 70)
            // Accounts now come from the email's domain.
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"ann@initech.com"}"#)
            #expect((try await client.send(.get, "/api/accounts").json["accounts"] as? [[String: Any]])?.first?["account_id"] as? String == "initech.com")
            let cleared = try await client.send(.put, "/api/settings", headers: Self.admin, json: #"{"company_name":null}"#)
            #expect(cleared.json["company_name"] == nil && cleared.json["product_mode"] as? String == "employee")

            let labels = try await client.send(.put, "/api/settings/labels", json: #"{"labels":{"reportViewed":"Viewed a report","login":"Signed in"}}"#)
            #expect((labels.json["labels"] as? [String: String]) == ["reportViewed": "Viewed a report", "login": "Signed in"])
            let removed = try await client.send(.put, "/api/settings/labels", json: #"{"labels":{"login":null}}"#)
            #expect((removed.json["labels"] as? [String: String]) == ["reportViewed": "Viewed a report"])
            #expect((try await client.send(.get, "/api/settings/labels").json["labels"] as? [String: String]) == ["reportViewed": "Viewed a report"])
        }
    }

    @Test func alertsFireGoalsProgressAndViewsAreSavedPerPage() async throws {
        try await TestServer.make().test(.router) { client in
            let alert = try await client.send(.post, "/api/alerts", json: #"{"name":"Busy day","metric":"event:login","threshold":2,"direction":"above"}"#)
            #expect(alert.status == .created && alert.json["firing_count"] as? Int == 0)
            let goal = try await client.send(.post, "/api/goals", json: #"{"name":"Logins","metric":"event:login","target":4,"days":7}"#)
            #expect(goal.status == .created && goal.json["value"] as? Double == 0 && goal.json["achieved"] as? Bool == false)
            try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"login","user_email":"a@x.com"},{"event_type":"login","user_email":"b@x.com"},{"event_type":"login","user_email":"c@x.com"}]}"#)
            let alerts = try await client.send(.get, "/api/alerts")
            let fired = (alerts.json["alerts"] as? [[String: Any]])?.first
            #expect(fired?["firing_count"] as? Int == 1)
            #expect(((fired?["firings"] as? [[String: Any]])?.first?["value"] as? Double) == 3)
            #expect(((fired?["firings"] as? [[String: Any]])?.first?["date"] as? String) == "2026-10-31")
            let goals = try await client.send(.get, "/api/goals")
            let row = (goals.json["goals"] as? [[String: Any]])?.first
            #expect(row?["value"] as? Double == 3 && row?["progress"] as? Double == 0.75 && row?["achieved"] as? Bool == false)

            let view = try await client.send(.post, "/api/views", json: #"{"page":"accounts","name":"At risk","state":{"sortBy":"score","filters":{"status":"red"},"n":[1,2.5,true,null]}}"#)
            #expect(view.status == .created)
            try await client.send(.post, "/api/views", json: #"{"page":"funnels","name":"Onboarding"}"#)
            let list = try await client.send(.get, "/api/views?page=accounts")
            let views = list.json["views"] as? [[String: Any]] ?? []
            #expect(views.map { $0["name"] as? String } == ["At risk"])
            #expect((views.first?["state"] as? [String: Any])?["sortBy"] as? String == "score")
            #expect(((views.first?["state"] as? [String: Any])?["n"] as? [Any])?.count == 4)
            #expect((try await client.send(.get, "/api/views").json["views"] as? [Any])?.count == 2)
            let id = views.first?["id"] as? Int ?? 0
            #expect(try await client.send(.delete, "/api/views/\(id)").status == .ok)
            #expect((try await client.send(.get, "/api/views?page=accounts").json["views"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.delete, "/api/alerts/1").status == .ok)
            #expect((try await client.send(.get, "/api/alerts").json["alerts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(HTTPRequest.Method, String, HTTPFields, String?, HTTPResponse.Status, String)] = [
                (.put, "/api/settings", Self.admin, #"{"product_mode":"b2c"}"#, .badRequest, "product_mode"),
                (.put, "/api/settings", Self.admin, #"{"auto_derive_accounts":"yes"}"#, .badRequest, "auto_derive_accounts"),
                (.put, "/api/settings", Self.admin, #"{"company_name":""}"#, .badRequest, "company_name"),
                (.put, "/api/settings", Self.admin, #"{"company_name":7}"#, .badRequest, "company_name"),
                (.put, "/api/settings/labels", [:], #"{"labels":{"login":""}}"#, .badRequest, "labels.login"),
                (.put, "/api/settings/labels", [:], #"{"labels":{"login":5}}"#, .badRequest, "labels.login"),
                (.put, "/api/settings/labels", [:], #"{"labels":[]}"#, .badRequest, "labels"),
                (.put, "/api/settings/labels", [:], #"{"label":{}}"#, .badRequest, "label"),
                (.post, "/api/alerts", [:], #"{"metric":"event_count","threshold":1,"direction":"above"}"#, .badRequest, "name"),
                (.post, "/api/alerts", [:], #"{"name":"a","metric":"revenue","threshold":1,"direction":"above"}"#, .badRequest, "metric"),
                (.post, "/api/alerts", [:], #"{"name":"a","metric":"event:","threshold":1,"direction":"above"}"#, .badRequest, "metric"),
                (.post, "/api/alerts", [:], #"{"name":"a","metric":"event_count","threshold":"1","direction":"above"}"#, .badRequest, "threshold"),
                (.post, "/api/alerts", [:], #"{"name":"a","metric":"event_count","threshold":1e300,"direction":"above"}"#, .badRequest, "threshold"),
                (.post, "/api/alerts", [:], #"{"name":"a","metric":"event_count","threshold":1,"direction":"sideways"}"#, .badRequest, "direction"),
                (.post, "/api/alerts", [:], #"{"name":"a","metric":"event_count","threshold":1,"direction":"above","extra":1}"#, .badRequest, "extra"),
                (.post, "/api/goals", [:], #"{"name":"g","metric":"event_count","target":1,"days":0}"#, .badRequest, "days"),
                (.post, "/api/goals", [:], #"{"name":"g","metric":"event_count"}"#, .badRequest, "target"),
                (.post, "/api/views", [:], #"{"page":"p","name":"v","state":[1]}"#, .badRequest, "state"),
                (.post, "/api/views", [:], #"{"page":"","name":"v"}"#, .badRequest, "page"),
                (.post, "/api/views", [:], #"{"page":"p","name":"v","state":{"big":"\#(String(repeating: "x", count: 17_000))"}}"#, .badRequest, "state"),
                (.delete, "/api/alerts/5", [:], nil, .notFound, "id"),
                (.delete, "/api/goals/x", [:], nil, .badRequest, "id"),
                (.delete, "/api/views/0", [:], nil, .badRequest, "id"),
            ]
            for (method, uri, headers, body, status, field) in cases {
                let answer = try await client.send(method, uri, headers: headers, json: body)
                #expect(answer.status == status, "\(method) \(uri) \(body?.prefix(80) ?? "")")
                #expect(answer.json.errorField == field, "\(method) \(uri) \(body?.prefix(80) ?? "")")
            }
            #expect(try await client.send(.post, "/api/alerts", key: "acme-viewer", json: #"{"name":"a","metric":"event_count","threshold":1,"direction":"above"}"#).status == .forbidden)
        }
    }
}
