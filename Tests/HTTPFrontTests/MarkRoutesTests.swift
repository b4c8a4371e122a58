import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct MarkRoutesTests {
    @Test func aMarkIsCreatedWithDefaultsAndListed() async throws {
        try await TestServer.make().test(.router) { client in
            let created = try await client.send(.post, "/api/v1/marks", key: "acme-editor", json: #"{"title":"v2.4 shipped","source_ref":"abc123"}"#)
            #expect(created.status == .created)
            let mark = try #require(created.json["data"] as? [String: Any])
            #expect(mark["id"] as? Int == 1)
            #expect(mark["category"] as? String == "release")
            #expect(mark["scope"] as? String == "public")
            #expect(mark["source"] as? String == "api")
            #expect(mark["created_by"] as? String == "eddie")
            #expect(mark["timestamp"] as? String == "2026-10-31T12:00:00.000Z")
            try await client.send(.post, "/api/v1/marks", key: "acme-editor",
                                  json: #"{"title":"outage","category":"incident","timestamp":"2026-10-01T08:00:00Z","metadata":"{\"sev\":1}"}"#)
            let all = try await client.send(.get, "/api/v1/marks", key: "acme-viewer")
            #expect((all.json["data"] as? [[String: Any]])?.map { $0["title"] as? String } == ["v2.4 shipped", "outage"])
            let incidents = try await client.send(.get, "/api/v1/marks?category=incident&to=2026-10-15T00:00:00Z", key: "acme-viewer")
            #expect((incidents.json["data"] as? [[String: Any]])?.first?["metadata"] as? String == #"{"sev":1}"#)
            #expect(incidents.json["total"] as? Int == 1)
            #expect(try await client.send(.get, "/api/v1/marks?source=plugin").json["total"] as? Int == 0)
            #expect(try await client.send(.get, "/api/v1/marks?limit=1").json["total"] as? Int == 2)
            #expect((try await client.send(.get, "/api/v1/marks?limit=1").json["data"] as? [Any])?.count == 1)
        }
    }

    @Test func aPrivateMarkIsNotFoundForOthersEvenOnDelete() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/api/v1/marks", key: "acme-editor", json: #"{"title":"mine","scope":"private"}"#)
            #expect(try await client.send(.get, "/api/v1/marks/1", key: "acme-editor").status == .ok)
            for key in ["acme-editor2", "acme-admin", "acme-viewer"] {
                #expect(try await client.send(.get, "/api/v1/marks/1", key: key).status == .notFound)
                #expect(try await client.send(.get, "/api/v1/marks", key: key).json["total"] as? Int == 0)
            }
            #expect(try await client.send(.delete, "/api/v1/marks/1", key: "acme-editor2").status == .notFound)
            #expect(try await client.send(.delete, "/api/v1/marks/1", key: "acme-admin").status == .notFound)
            #expect(try await client.send(.delete, "/api/v1/marks/1", key: "acme-editor").status == .ok)
            #expect(try await client.send(.get, "/api/v1/marks/1", key: "acme-editor").status == .notFound)
        }
    }

    @Test func aPublicMarkIsDeletedByItsCreatorOrAnAdminOnly() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/api/v1/marks", key: "acme-editor", json: #"{"title":"one"}"#)
            try await client.send(.post, "/api/v1/marks", key: "acme-editor", json: #"{"title":"two"}"#)
            let other = try await client.send(.delete, "/api/v1/marks/1", key: "acme-editor2")
            #expect(other.status == .forbidden)
            #expect(other.json.errorMessage?.contains("owner or an admin") == true)
            #expect(try await client.send(.delete, "/api/v1/marks/1", key: "acme-viewer").status == .forbidden)
            #expect(try await client.send(.delete, "/api/v1/marks/1", key: "acme-editor").status == .ok)
            #expect(try await client.send(.delete, "/api/v1/marks/2", key: "acme-admin").status == .ok)
            #expect(try await client.send(.get, "/api/v1/marks").json["total"] as? Int == 0)
        }
    }

    @Test func theLongestTitleAndDescriptionAreTaken() async throws {
        try await TestServer.make().test(.router) { client in
            let title = String(repeating: "é", count: 200), description = String(repeating: "ü", count: 2000)
            let created = try await client.send(.post, "/api/v1/marks", json: "{\"title\":\"\(title)\",\"description\":\"\(description)\"}")
            #expect(created.status == .created)
            #expect((created.json["data"] as? [String: Any])?["description"] as? String == description)
        }
    }

    @Test func aViewerCannotCreateAMark() async throws {
        try await TestServer.make().test(.router) { client in
            let refused = try await client.send(.post, "/api/v1/marks", key: "acme-viewer", json: #"{"title":"x"}"#)
            #expect(refused.status == .forbidden)
        }
    }

    @Test(arguments: [
        (#"{}"#, "title"),
        (#"{"title":""}"#, "title"),
        ("{\"title\":\"\(String(repeating: "x", count: 201))\"}", "title"),
        (#"{"title":5}"#, "title"),
        ("{\"title\":\"t\",\"description\":\"\(String(repeating: "d", count: 2001))\"}", "description"),
        (#"{"title":"t","timestamp":"yesterday"}"#, "timestamp"),
        (#"{"title":"t","timestamp":9223372036854775807}"#, "timestamp"),
        (#"{"title":"t","category":"launch"}"#, "category"),
        (#"{"title":"t","scope":"team"}"#, "scope"),
        (#"{"title":"t","metadata":"{not json"}"#, "metadata"),
        (#"{"title":"t","metadata":{"a":1}}"#, "metadata"),
        ("{\"title\":\"t\",\"metadata\":\"\\\"\(String(repeating: "m", count: 10 * 1024))\\\"\"}", "metadata"),
    ])
    func badBodiesNameTheField(_ body: String, _ field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.post, "/api/v1/marks", json: body)
            #expect(answer.status == .badRequest)
            #expect(answer.json.errorField == field)
        }
    }

    @Test(arguments: [
        ("/api/v1/marks?from=never", "from"), ("/api/v1/marks?limit=0", "limit"), ("/api/v1/marks?limit=10001", "limit"),
        ("/api/v1/marks?category=x", "category"), ("/api/v1/marks?source=x", "source"),
        ("/api/v1/marks?from=2026-10-02T00:00:00Z&to=2026-10-01T00:00:00Z", "to"), ("/api/v1/marks/0", "id"), ("/api/v1/marks/abc", "id"),
    ])
    func badQueriesNameTheParameter(_ path: String, _ field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.get, path)
            #expect(answer.status == .badRequest)
            #expect(answer.json.errorField == field)
        }
    }

    @Test func anIdempotentRetryMakesOneMark() async throws {
        try await TestServer.make().test(.router) { client in
            let headers: HTTPFields = [FieldName("Idempotency-Key")!: "mark-1"]
            let first = try await client.send(.post, "/api/v1/marks", key: "acme-editor", headers: headers, json: #"{"title":"once"}"#)
            let again = try await client.send(.post, "/api/v1/marks", key: "acme-editor", headers: headers, json: #"{"title":"once"}"#)
            #expect(first.status == .created && again.status == .created)
            #expect(again.headers[FieldName("Idempotent-Replayed")!] == "true")
            #expect(try await client.send(.get, "/api/v1/marks").json["total"] as? Int == 1)
        }
    }
}
