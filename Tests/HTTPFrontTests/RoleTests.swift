import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RoleTests {
    @Test(arguments: [
        (HTTPRequest.Method.post, "/ingest", Optional(#"{"event_type":"login","user_email":"a@acme.com"}"#)),
        (.post, "/api/segments", #"{"name":"s","rules":[{"type":"first_seen","within_days":7}]}"#),
        (.put, "/api/segments/1", #"{"name":"t"}"#),
        (.delete, "/api/segments/1", Optional<String>.none),
        (.put, "/api/users/a@acme.com/properties", #"{"properties":{"plan":"pro"}}"#),
        (.post, "/api/nudges", #"{}"#),
    ])
    func aViewerIsRefusedEveryWrite(_ method: HTTPRequest.Method, _ path: String, _ body: String?) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(method, path, key: "acme-viewer", json: body)
            #expect(answer.status == .forbidden)
            #expect(answer.json.errorField == "role")
            #expect(answer.json.errorMessage?.contains("editor") == true)
        }
    }

    @Test func aViewerReadsAndAsksReadingPosts() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", key: "acme-editor", json: #"{"event_type":"login","user_email":"a@acme.com"}"#)
            #expect(try await client.send(.get, "/api/v1/metrics/dau?range=7d", key: "acme-viewer").status == .ok)
            #expect(try await client.send(.get, "/api/segments", key: "acme-viewer").status == .ok)
            let estimate = try await client.send(.post, "/api/segments/estimate", key: "acme-viewer", json: #"{"rules":[{"type":"did_event","event":"login"}]}"#)
            #expect(estimate.status == .ok)
            #expect(estimate.json["size"] as? Int == 1)
            for (path, body) in [("/api/v1/funnels", #"{"steps":[{"event":"login"},{"event":"login"}]}"#),
                                 ("/api/v1/funnels/trend", #"{"steps":[{"event":"login"},{"event":"login"}]}"#),
                                 ("/api/v1/retention", #"{}"#),
                                 ("/api/v1/metrics/formula", #"{"series":[{"metric":"dau"}],"formula":"A"}"#)] {
                #expect(try await client.send(.post, path, key: "acme-viewer", json: body).status == .ok, "\(path)")
            }
        }
    }

    @Test func theViewerRefusalComesBeforeTheIdempotencyKey() async throws {
        try await TestServer.make().test(.router) { client in
            let headers: HTTPFields = [FieldName("Idempotency-Key")!: "k1"]
            let refused = try await client.send(.post, "/ingest", key: "acme-viewer", headers: headers, json: #"{"event_type":"x","user_email":"a@acme.com"}"#)
            #expect(refused.status == .forbidden)
            // The key was not spent: an editor's request with it applies.
            let applied = try await client.send(.post, "/ingest", key: "acme-editor", headers: headers, json: #"{"event_type":"x","user_email":"a@acme.com"}"#)
            #expect(applied.status == .ok || applied.status == .accepted)
        }
    }

    @Test func aBareKeyIsAnAdminNamedByAHashOfTheKey() {
        let grant = APIKeyGrant.bare("demo-key")
        #expect(grant.role == .admin)
        #expect(grant.member.hasPrefix("key-") && grant.member.count == 20)
        #expect(!grant.member.contains("demo"))
        #expect(APIKeyGrant.bare("other").member != grant.member)
    }

    @Test func rolesAreOrdered() {
        #expect(Role.viewer < .editor && Role.editor < .admin)
        #expect(Role(name: "editor") == .editor && Role(name: "Editor") == nil)
    }
}
