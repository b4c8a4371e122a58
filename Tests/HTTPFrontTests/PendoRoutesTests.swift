import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The first Pendo-compatible routes: token verify, track events, visitors (plain and base64
/// ids), accounts and track types, with the seed's header and shapes; and the 4xx answers.
@Suite struct PendoRoutesTests {
    static func pendo(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, key: String = "acme-key",
                      headers: HTTPFields = [:], json: String? = nil) async throws -> (status: HTTPResponse.Status, body: Any?) {
        var fields = headers
        fields[FieldName("X-Pendo-Integration-Key")!] = key
        if json != nil { fields[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) }) { response in
            (response.status, try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)))
        }
    }

    static let track = #"{"type":"track","event":"Registered","visitorId":"ann@x.com","accountId":"acme-co","timestamp":1793440000000,"properties":{"plan":"pro","seats":3},"context":{"ip":"76.253.187.23","userAgent":"Mozilla/5.0","url":"https://app.example.com/admin/users?x=1","title":"Admin"}}"#

    @Test func trackThenReadVisitorsAccountsAndTrackTypes() async throws {
        try await TestServer.make().test(.router) { client in
            let verified = try await Self.pendo(client, .get, "/pendo/api/v1/token/verify", key: "acme-admin")
            #expect(verified.status == .ok && (verified.body as? [String: Any])?["writeAccess"] as? Bool == true)
            #expect(((try await Self.pendo(client, .get, "/pendo/api/v1/token/verify", key: "acme-viewer")).body as? [String: Any])?["writeAccess"] as? Bool == false)
            #expect(try await Self.pendo(client, .get, "/pendo/api/v1/token/verify", key: "nope").status == .forbidden)

            #expect(try await Self.pendo(client, .post, "/pendo/data/track", json: Self.track).status == .ok)
            let ingested = try await client.send(.post, "/ingest", json: #"{"event_type":"page_view","user_email":"ann@x.com","account_id":"acme-co","page_url":"/home","timestamp":"2026-10-31T09:48:20Z"}"#)
            #expect(ingested.status == .ok)
            let visitor = try await Self.pendo(client, .get, "/pendo/api/v1/visitor/ann%40x.com")
            let v = visitor.body as? [String: Any] ?? [:]
            #expect(visitor.status == .ok && v["id"] as? String == "ann@x.com" && v["accountIds"] as? [String] == ["acme-co"])
            let auto = (v["metadata"] as? [String: Any])?["auto"] as? [String: Any] ?? [:]
            #expect(auto["firstvisit"] as? Int == 1_793_440_000_000 && auto["lastvisit"] as? Int == 1_793_440_100_000 && auto["accountId"] as? String == "acme-co")
            // The same visitor by URL-safe base64 id.
            let b64 = Data("ann@x.com".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let byB64 = try await Self.pendo(client, .get, "/pendo/api/v1/visitor/b64_\(b64)", headers: [FieldName("x-pendo-base64-encoded-params")!: "true"])
            #expect((byB64.body as? [String: Any])?["id"] as? String == "ann@x.com")
            let events = try await client.send(.get, "/api/privacy/users/ann%40x.com")
            let first = (events.json["recent_events"] as? [[String: Any]])?.last
            #expect(first?["event_type"] as? String == "Registered" && first?["page"] as? String == "/admin/users")
            #expect((first?["properties"] as? [String: String])?["seats"] == "3" && (first?["properties"] as? [String: String])?["user_agent"] == "Mozilla/5.0")

            let account = try await Self.pendo(client, .get, "/pendo/api/v1/account/acme-co")
            #expect(account.status == .ok && (account.body as? [String: Any])?["id"] as? String == "acme-co")
            let types = try await Self.pendo(client, .get, "/pendo/api/v1/tracktype")
            let list = types.body as? [[String: Any]] ?? []
            #expect(list.map { $0["name"] as? String } == ["Registered"] && list.first?["kind"] as? String == "TrackType" && list.first?["appId"] as? Int == -323232)
            let id = list.first?["id"] as? String ?? ""
            #expect(((try await Self.pendo(client, .get, "/pendo/api/v1/tracktype?id=\(id)")).body as? [Any])?.count == 1)
            #expect(((try await Self.pendo(client, .get, "/pendo/api/v1/tracktype?id=zzz")).body as? [Any])?.isEmpty == true)
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(String, String)] = [
                (#"{"event":"a","visitorId":"v","timestamp":1793440000000}"#, "type"),
                (#"{"type":"identify","event":"a","visitorId":"v","timestamp":1793440000000}"#, "type"),
                (#"{"type":"track","visitorId":"v","timestamp":1793440000000}"#, "event"),
                (#"{"type":"track","event":"a","timestamp":1793440000000}"#, "visitorId"),
                (#"{"type":"track","event":"a","visitorId":"v"}"#, "timestamp"),
                (#"{"type":"track","event":"a","visitorId":"v","timestamp":"now"}"#, "timestamp"),
                (#"{"type":"track","event":"a","visitorId":"v","timestamp":99999999999999999}"#, "timestamp"),
                (#"{"type":"track","event":"a","visitorId":"v","timestamp":1793440000000,"properties":[1]}"#, "properties"),
                (#"{"type":"track","event":"a","visitorId":"v","timestamp":1793440000000,"context":{"os":"x"}}"#, "context.os"),
                (#"{"type":"track","event":"a","visitorId":"v","timestamp":1793440000000,"extra":1}"#, "extra"),
                (#"{"type":"track""#, "body"),
            ]
            for (body, field) in cases {
                let answer = try await Self.pendo(client, .post, "/pendo/data/track", json: body)
                #expect(answer.status == .badRequest, "\(body)")
                #expect(((answer.body as? [String: Any])?["error"] as? [String: Any])?["field"] as? String == field, "\(body)")
            }
            #expect(try await Self.pendo(client, .post, "/pendo/data/track", key: "acme-viewer", json: Self.track).status == .forbidden)
            #expect(try await Self.pendo(client, .get, "/pendo/api/v1/visitor/nobody").status == .notFound)
            #expect(try await Self.pendo(client, .get, "/pendo/api/v1/account/nobody").status == .notFound)
            #expect(try await Self.pendo(client, .get, "/pendo/api/v1/visitor/b64_!!!", headers: [FieldName("x-pendo-base64-encoded-params")!: "true"]).status == .badRequest)
            #expect(try await Self.pendo(client, .get, "/pendo/api/v1/tracktype?appId=x").status == .badRequest)
            #expect(try await Self.pendo(client, .get, "/pendo/api/v1/tracktype", key: "nope").status == .unauthorized)
        }
    }
}
