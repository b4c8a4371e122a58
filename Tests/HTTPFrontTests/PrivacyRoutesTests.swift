import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Privacy over HTTP: what is held on a user as JSON and CSV, anonymizing in memory (this tenant
/// keeps nothing on disk; ErasureEndToEndTests covers the disk), and the 4xx answers.
@Suite struct PrivacyRoutesTests {
    @Test func accessExportAndAnonymize() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"login","user_email":"ann@x.com","account_id":"acme","timestamp":"2026-10-30T10:00:00Z","properties":{"plan":"pro"}},{"event_type":"share","user_email":"ann@x.com","timestamp":"2026-10-30T11:00:00Z","page":"/docs","properties":{"to":"bob@x.com"}},{"event_type":"invite","user_email":"bob@x.com","timestamp":"2026-10-30T12:00:00Z","properties":{"invitee":"ann@x.com"}}]}"#)
            try await client.send(.post, "/ingest/merge", json: #"{"anonymous_id":"anon-77","user_email":"ann@x.com"}"#)
            try await client.send(.put, "/api/users/ann%40x.com/properties", json: #"{"properties":{"phone":"555"}}"#)
            let held = try await client.send(.get, "/api/privacy/users/ann%40x.com")
            #expect(held.status == .ok && held.json["event_count"] as? Int == 2 && held.json["account_id"] as? String == "acme")
            #expect((held.json["event_types"] as? [String: Int]) == ["login": 1, "share": 1])
            #expect((held.json["profile_properties"] as? [String: String]) == ["phone": "555"])
            #expect((held.json["recent_events"] as? [[String: Any]])?.first?["page"] as? String == "/docs")

            let csv = try await client.execute(uri: "/api/privacy/export?email=ann%40x.com", method: .get, headers: [FieldName("x-api-key")!: "acme-key"]) {
                String(buffer: $0.body)
            }
            let lines = csv.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "kind,timestamp,name,value")
            #expect(lines.filter { $0.hasPrefix("event,") }.count == 2 && lines.contains("profile_property,,phone,555"))
            #expect(lines.contains { $0.hasPrefix("event,2026-10-30T11:00:00.000Z,share,") && $0.contains("bob@x.com") })

            let done = try await client.send(.post, "/api/privacy/anonymize", json: #"{"email":"ann@x.com"}"#)
            #expect(done.status == .ok && done.json["events_kept"] as? Int == 3 && done.json["events_cleared"] as? Int == 2)
            #expect(done.json["snapshots_removed"] == nil)
            let name = try #require(done.json["user"] as? String)
            #expect(try await client.send(.get, "/api/privacy/users/ann%40x.com").status == .notFound)
            let after = try await client.send(.get, "/api/privacy/users/\(name)")
            #expect(after.json["event_count"] as? Int == 2 && (after.json["latest_properties"] as? [String: String]) == [:])
            #expect((after.json["profile_properties"] as? [String: String]) == [:])
            let bob = try await client.send(.get, "/api/privacy/users/bob%40x.com")
            #expect(((bob.json["recent_events"] as? [[String: Any]])?.first?["properties"] as? [String: String])?["invitee"] == name)
            #expect(try await client.send(.post, "/api/privacy/anonymize", json: #"{"email":"ann@x.com"}"#).status == .notFound)
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.get, "/api/privacy/users/nobody%40x.com", nil, .notFound, "email"),
                (.get, "/api/privacy/users/\(String(repeating: "a", count: 400))", nil, .badRequest, "email"),
                (.get, "/api/privacy/export", nil, .badRequest, "email"),
                (.get, "/api/privacy/export?email=nobody%40x.com", nil, .notFound, "email"),
                (.post, "/api/privacy/anonymize", "{}", .badRequest, "email"),
                (.post, "/api/privacy/anonymize", #"{"email":5}"#, .badRequest, "email"),
                (.post, "/api/privacy/anonymize", #"{"email":"a@x.com","why":"gdpr"}"#, .badRequest, "why"),
                (.post, "/api/privacy/anonymize", #"{"email":"nobody@x.com"}"#, .notFound, "email"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await client.send(method, uri, json: body)
                #expect(answer.status == status, "\(method) \(uri) \(body ?? "")")
                #expect(answer.json.errorField == field, "\(method) \(uri) \(body ?? "")")
            }
            #expect(try await client.send(.post, "/api/privacy/anonymize", key: "acme-viewer", json: #"{"email":"a@x.com"}"#).status == .forbidden)
        }
    }
}
