import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Products over HTTP: created at run time, data-isolated, switched to, renamed, deleted, and
/// their monthly tracked users; the 4xx answers.
@Suite struct ProductRoutesTests {
    static func list(_ client: some TestClientProtocol, key: String = "acme-key") async throws -> [[String: Any]] {
        try await client.send(.get, "/api/products", key: key).json["products"] as? [[String: Any]] ?? []
    }

    @Test func createSwitchIsolateRenameAndDelete() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@x.com"}"#)
            let before = try await Self.list(client)
            #expect(before.map { $0["tenant_id"] as? Int } == [1, 2] && before.first?["active"] as? Bool == true && before.first?["configured"] as? Bool == true)
            let created = try await client.send(.post, "/api/products", json: #"{"name":"Mobile app"}"#)
            #expect(created.status == .created && created.json["tenant_id"] as? Int == 3 && created.json["events"] as? Int == 0)
            let switched = try await client.send(.post, "/api/products/switch", json: #"{"tenant_id":3}"#)
            #expect(switched.status == .ok && switched.json["active_tenant_id"] as? Int == 3)
            // The key reaches the new product now: its data starts empty and stays apart.
            #expect((try await client.send(.get, "/api/data/stats").json["events_retained"] as? Int) == 0)
            try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"open","user_email":"m@x.com"},{"event_type":"open","user_email":"n@x.com"}]}"#)
            #expect((try await client.send(.get, "/api/data/stats").json["events_retained"] as? Int) == 2)
            // Another key of the same tenant is not moved.
            #expect((try await client.send(.get, "/api/data/stats", key: "acme-admin").json["events_retained"] as? Int) == 1)
            #expect(try await client.send(.delete, "/api/products/3").status == .conflict)
            let renamed = try await client.send(.put, "/api/products/3", json: #"{"name":"iOS app"}"#)
            #expect(renamed.json["name"] as? String == "iOS app" && renamed.json["active"] as? Bool == true)

            let usage = try await client.send(.get, "/api/products/usage")
            let mobile = (usage.json["products"] as? [[String: Any]])?.first { $0["tenant_id"] as? Int == 3 }
            let days = mobile?["days"] as? [[String: Any]] ?? []
            #expect(mobile?["month"] as? String == "2026-10" && days.count == 31 && days.last?["monthly_tracked_users"] as? Int == 2)
            let totals = usage.json["totals"] as? [[String: Any]] ?? []
            #expect(totals.last?["monthly_tracked_users"] as? Int == 3)

            try await client.send(.post, "/api/products/switch", json: #"{"tenant_id":1}"#)
            #expect((try await client.send(.get, "/api/data/stats").json["events_retained"] as? Int) == 1)
            #expect(try await client.send(.delete, "/api/products/1").status == .conflict)
            #expect(try await client.send(.delete, "/api/products/3").status == .ok)
            #expect(try await Self.list(client).map { $0["tenant_id"] as? Int } == [1, 2])
            #expect(try await client.send(.post, "/api/products/switch", json: #"{"tenant_id":3}"#).status == .notFound)
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.post, "/api/products", "{}", .badRequest, "name"),
                (.post, "/api/products", #"{"name":"  "}"#, .badRequest, "name"),
                (.post, "/api/products", #"{"name":"\#(String(repeating: "n", count: 201))"}"#, .badRequest, "name"),
                (.post, "/api/products", #"{"name":"a","plan":"pro"}"#, .badRequest, "plan"),
                (.put, "/api/products/9", #"{"name":"a"}"#, .notFound, "id"),
                (.put, "/api/products/x", #"{"name":"a"}"#, .badRequest, "id"),
                (.delete, "/api/products/9", nil, .notFound, "id"),
                (.delete, "/api/products/0", nil, .badRequest, "id"),
                (.post, "/api/products/switch", "{}", .badRequest, "tenant_id"),
                (.post, "/api/products/switch", #"{"tenant_id":"2"}"#, .badRequest, "tenant_id"),
                (.post, "/api/products/switch", #"{"tenant_id":99}"#, .notFound, "tenant_id"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await client.send(method, uri, json: body)
                #expect(answer.status == status && answer.json.errorField == field, "\(method) \(uri) \(body ?? "")")
            }
            #expect(try await client.send(.post, "/api/products", key: "acme-viewer", json: #"{"name":"a"}"#).status == .forbidden)
        }
    }
}

/// After a switch, `X-Workspace-ID` may still name the key's own workspace (and reaches it), or
/// the product switched to; no other.
@Suite struct ProductWorkspaceHeaderTests {
    @Test func theHeaderNamesTheOwnWorkspaceOrTheSwitchedOne() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@x.com"}"#)
            let created = try await client.send(.post, "/api/products", json: #"{"name":"Mobile"}"#)
            let workspace = try #require(created.json["workspace"] as? String)
            try await client.send(.post, "/api/products/switch", json: #"{"tenant_id":3}"#)
            let own = try await client.send(.get, "/api/data/stats", headers: [FieldName("x-workspace-id")!: "acme"])
            #expect(own.status == .ok && own.json["events_retained"] as? Int == 1)
            let switched = try await client.send(.get, "/api/data/stats", headers: [FieldName("x-workspace-id")!: workspace])
            #expect(switched.status == .ok && switched.json["events_retained"] as? Int == 0)
            #expect(try await client.send(.get, "/api/data/stats", headers: [FieldName("x-workspace-id")!: "globex"]).status == .forbidden)
        }
    }
}
