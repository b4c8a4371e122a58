import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Bulk updates over HTTP, from JSON and CSV: every row lands, or none does when one is wrong,
/// and errors name the row and column.
@Suite struct BulkRoutesTests {
    static func csv(_ client: some TestClientProtocol, _ path: String, _ text: String) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        try await client.execute(uri: path, method: .post, headers: [FieldName("x-api-key")!: "acme-key", .contentType: "text/csv"], body: ByteBuffer(string: text)) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:])
        }
    }

    static func properties(_ client: some TestClientProtocol, user: String) async throws -> [String: String] {
        (try await client.send(.get, "/api/privacy/users/\(user)").json["profile_properties"] as? [String: String]) ?? [:]
    }

    @Test func jsonAndCSVUpdatesLandWholeOrNotAtAll() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"login","user_email":"a@x.com","account_id":"acme"},{"event_type":"login","user_email":"b@x.com"}]}"#)
            let done = try await client.send(.post, "/api/bulk/users", json: #"{"updates":[{"email":"a@x.com","fields":{"role":"admin","seats":3}},{"email":"b@x.com","fields":{"role":"viewer"}}]}"#)
            #expect(done.status == .ok && done.json["updated"] as? Int == 2 && done.json["fields_set"] as? Int == 3)
            #expect(try await Self.properties(client, user: "a%40x.com") == ["role": "admin", "seats": "3"])
            // One unknown user: nothing changes.
            let refused = try await client.send(.post, "/api/bulk/users", json: #"{"updates":[{"email":"a@x.com","fields":{"role":"owner"}},{"email":"zz@x.com","fields":{"role":"x"}}]}"#)
            #expect(refused.status == .notFound && refused.json.errorField == "updates[1].email")
            #expect(try await Self.properties(client, user: "a%40x.com")["role"] == "admin")
            let removed = try await client.send(.post, "/api/bulk/users", json: #"{"updates":[{"email":"a@x.com","fields":{"seats":null}}]}"#)
            #expect(removed.status == .ok)
            #expect(try await Self.properties(client, user: "a%40x.com") == ["role": "admin"])

            let imported = try await Self.csv(client, "/api/bulk/users/import", "email,role,team\r\na@x.com,owner,\r\n\"b@x.com\",\"viewer, read-only\",growth\r\n")
            #expect(imported.status == .ok && imported.json["updated"] as? Int == 2 && imported.json["fields_set"] as? Int == 3)
            #expect(try await Self.properties(client, user: "a%40x.com") == ["role": "owner"])
            #expect(try await Self.properties(client, user: "b%40x.com") == ["role": "viewer, read-only", "team": "growth"])

            // Accounts may be described before their first event.
            let accounts = try await Self.csv(client, "/api/bulk/accounts/import", "account_id,industry,company_size\nacme,fintech,50\nnewco,retail,10\n")
            #expect(accounts.status == .ok && accounts.json["updated"] as? Int == 2)
            let json = try await client.send(.post, "/api/bulk/accounts", json: #"{"updates":[{"account_id":"acme","fields":{"industry":"banking"}}]}"#)
            #expect(json.status == .ok)
            let listed = try await client.send(.get, "/api/accounts/acme")
            #expect((listed.json["properties"] as? [String: String]) == ["industry": "banking", "company_size": "50"])
        }
    }

    @Test func badInputIsA4xxNamingTheRowAndColumn() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@x.com"}"#)
            let json: [(String, String, String)] = [
                (#"{}"#, "updates", "/api/bulk/users"),
                (#"{"updates":[]}"#, "updates", "/api/bulk/users"),
                (#"{"updates":[5]}"#, "updates[0]", "/api/bulk/users"),
                (#"{"updates":[{"email":"a@x.com"}]}"#, "updates[0].fields", "/api/bulk/users"),
                (#"{"updates":[{"fields":{"a":"b"}}]}"#, "updates[0].email", "/api/bulk/users"),
                (#"{"updates":[{"email":"a@x.com","fields":{"a":[1]}}]}"#, "updates[0].fields.a", "/api/bulk/users"),
                (#"{"updates":[{"email":"a@x.com","fields":{"":"b"}}]}"#, "updates[0].fields.", "/api/bulk/users"),
                (#"{"updates":[{"email":"a@x.com","fields":{"a":"b"},"x":1}]}"#, "updates[0].x", "/api/bulk/users"),
                (#"{"updates":[{"account_id":"","fields":{"a":"b"}}]}"#, "updates[0].account_id", "/api/bulk/accounts"),
                (#"{"updates":[\#(Array(repeating: #"{"email":"a@x.com","fields":{"a":"b"}}"#, count: 5_001).joined(separator: ","))]}"#, "updates", "/api/bulk/users"),
            ]
            for (body, field, path) in json {
                let answer = try await client.send(.post, path, json: body)
                #expect(answer.status == .badRequest && answer.json.errorField == field, "\(body.prefix(80))")
            }
            let csv: [(String, String, String)] = [
                ("", "body", "/api/bulk/users/import"),
                ("role,team\nadmin,x\n", "header", "/api/bulk/users/import"),
                ("email\n", "body", "/api/bulk/users/import"),
                ("email,role\na@x.com,\n", "rows[1]", "/api/bulk/users/import"),
                ("email,role\na@x.com,admin\n,viewer\n", "rows[2].email", "/api/bulk/users/import"),
                ("email,role\na@x.com,admin\na@x.com,viewer,extra\n", "rows[2]", "/api/bulk/users/import"),
                ("email,role,role\na@x.com,a,b\n", "header", "/api/bulk/users/import"),
                ("email,,x\na@x.com,a,b\n", "header", "/api/bulk/users/import"),
                ("email,role\n\"a@x.com,admin\n", "body", "/api/bulk/users/import"),
                ("account_id,industry\n" + String(repeating: "a,b\n", count: 5_001), "body", "/api/bulk/accounts/import"),
            ]
            for (body, field, path) in csv {
                let answer = try await Self.csv(client, path, body)
                #expect(answer.status == .badRequest && answer.json.errorField == field, "\(body.prefix(80))")
            }
            let unknown = try await Self.csv(client, "/api/bulk/users/import", "email,role\na@x.com,admin\nzz@x.com,viewer\n")
            #expect(unknown.status == .notFound && unknown.json.errorField == "rows[2].email")
            #expect((try await client.send(.get, "/api/privacy/users/a%40x.com").json["profile_properties"] as? [String: String]) == [:])
            #expect(try await client.send(.post, "/api/bulk/users", key: "acme-viewer", json: #"{"updates":[{"email":"a@x.com","fields":{"a":"b"}}]}"#).status == .forbidden)
        }
    }
}
