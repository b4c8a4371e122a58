import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The metadata requests over HTTP: schema, field definitions (created, undeleted, conflicts),
/// values one at a time and in bulk, the flags the rest of Beacon honours, dependencies.
@Suite struct PendoMetadataRoutesTests {
    static func raw(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, key: String = "acme-key") async throws -> (status: HTTPResponse.Status, body: Any?) {
        var headers: HTTPFields = [FieldName("x-pendo-integration-key")!: key]
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            (response.status, try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView), options: .fragmentsAllowed))
        }
    }

    @Test func schemaValuesFlagsAndDependencies() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"open","user_email":"ann@x.com","account_id":"acme","properties":{"browser":"Firefox"}},{"event_type":"open","user_email":"bob@x.com"}]}"#).status == .ok)
            let base = "/pendo/api/v1/metadata"
            let defined = try await Self.raw(client, .post, "\(base)/schema/visitor/custom", #"[{"name":"tier","displayname":"Tier","type":"string"},{"name":"seats","displayname":"Seats","type":"number"}]"#)
            #expect(defined.status == .created && ((defined.body as? [String: Any])?["summary"] as? [String: Any])?["created"] as? Int == 2)
            // Again: every field exists, a 409; one new and one old, a 207.
            #expect(try await Self.raw(client, .post, "\(base)/schema/visitor/custom", #"[{"name":"tier","type":"string"}]"#).status == .conflict)
            #expect(try await Self.raw(client, .post, "\(base)/schema/visitor/custom", #"[{"name":"tier","type":"string"},{"name":"plan","type":"string"}]"#).status.code == 207)

            let schema = (try await Self.raw(client, .get, "\(base)/schema/visitor")).body as? [String: [String: [String: Any]]] ?? [:]
            #expect(schema["custom"]?["seats"]?["Type"] as? String == "number" && schema["custom"]?["tier"]?["DisplayName"] as? String == "Tier")
            #expect(schema["agent"]?["browser"] != nil && schema["auto"]?["firstvisit"]?["isCalculated"] as? Bool == true && schema["pendo"]?["donotprocess"] != nil)

            #expect(try await Self.raw(client, .put, "\(base)/visitor/custom/value/ann%40x.com/seats", "12").status == .ok)
            #expect((try await Self.raw(client, .get, "\(base)/visitor/custom/value/ann%40x.com/seats")).body as? Int == 12)
            #expect((try await Self.raw(client, .get, "\(base)/visitor/agent/value/ann%40x.com/browser")).body as? String == "Firefox")
            #expect((try await Self.raw(client, .get, "\(base)/visitor/custom/value/ann%40x.com/nothing")).body is NSNull)
            #expect(try await Self.raw(client, .put, "\(base)/visitor/custom/value/nobody/seats", "1").status == .notFound)
            let user = try await client.send(.get, "/api/users/ann%40x.com")
            #expect((user.json["properties"] as? [String: String])?["seats"] == "12")

            let bulk = try await Self.raw(client, .post, "\(base)/visitor/custom/value", #"[{"visitorId":"ann@x.com","values":{"tier":"gold"}},{"visitorId":"bob@x.com","values":{"tier":"silver","seats":null}},{"visitorId":"ghost","values":{"tier":"x"}}]"#)
            let answer = bulk.body as? [String: Any] ?? [:]
            #expect(bulk.status == .ok && answer["total"] as? Int == 3 && answer["updated"] as? Int == 2 && answer["missing"] as? [String] == ["ghost"])
            #expect((try await Self.raw(client, .get, "\(base)/visitor/custom/value/bob%40x.com/tier")).body as? String == "silver")
            let accounts = try await Self.raw(client, .post, "\(base)/account/custom/value?create=true", #"[{"accountId":"newco","values":{"arr":"5000"}}]"#)
            #expect((accounts.body as? [String: Any])?["updated"] as? Int == 1)

            // A segment on the field depends on it, and so does the nudge that targets it.
            let segment = try await client.send(.post, "/api/segments", json: #"{"name":"gold","rules":[{"type":"user_property","property":"tier","op":"eq","value":"gold"}]}"#)
            let segmentID = (segment.json["segment"] as? [String: Any])?["id"] as? Int ?? 0
            #expect(try await client.send(.post, "/api/nudges", json: #"{"title":"Hi gold","target_page_url":"/home","target_segment_id":\#(segmentID)}"#).status == .created)
            let deps = (try await Self.raw(client, .get, "\(base)/dependencies/visitor/custom/tier")).body as? [String: Any] ?? [:]
            #expect((deps["dependencies"] as? [[String: Any]])?.map { $0["type"] as? String } == ["segment", "guide"])
            #expect(((try await Self.raw(client, .get, "\(base)/dependencies")).body as? [String: Any])?["dependencies"] as? [Any] != nil)
            #expect(try await Self.raw(client, .get, "\(base)/dependencies/visitor/custom/zzz").status == .notFound)

            // Flags: a guide opt-out hides nudges; Do Not Process drops new events.
            let nudgeID = try #require((try await client.send(.get, "/api/nudges").json["nudges"] as? [[String: Any]])?.first?["id"] as? Int)
            #expect(try await client.send(.post, "/api/nudges/\(nudgeID)/activate").status == .ok)
            #expect(((try await client.send(.get, "/api/nudges/eligible?user_email=ann%40x.com&page_url=/home")).json["nudges"] as? [Any])?.count == 1)
            #expect(try await Self.raw(client, .put, "\(base)/visitor/pendo/value/ann%40x.com/blacklistguides", "true").status == .ok)
            #expect(((try await client.send(.get, "/api/nudges/eligible?user_email=ann%40x.com&page_url=/home")).json["nudges"] as? [Any])?.isEmpty == true)
            #expect((try await Self.raw(client, .get, "\(base)/visitor/pendo/value/ann%40x.com/blacklistguides")).body as? Bool == true)
            #expect(try await Self.raw(client, .put, "\(base)/visitor/pendo/value/bob%40x.com/donotprocess", "true").status == .ok)
            #expect(try await client.send(.post, "/ingest", json: #"{"event_type":"open","user_email":"bob@x.com"}"#).status == .ok)
            #expect((try await client.send(.get, "/api/users/bob%40x.com")).json["events"] as? Int == 1)

            #expect(try await Self.raw(client, .delete, "\(base)/schema/visitor/custom/seats").status == .ok)
            #expect(try await Self.raw(client, .delete, "\(base)/schema/visitor/custom/seats").status == .accepted)
            #expect(try await Self.raw(client, .delete, "\(base)/schema/visitor/custom/never").status == .notFound)
            let undeleted = try await Self.raw(client, .post, "\(base)/schema/visitor/custom", #"[{"name":"seats","type":"number"}]"#)
            #expect(((undeleted.body as? [String: Any])?["summary"] as? [String: Any])?["undeleted"] as? Int == 1)
        }
    }

    @Test func badInputNamesTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let base = "/pendo/api/v1/metadata"
            let cases: [(HTTPRequest.Method, String, String?, Int, String)] = [
                (.get, "\(base)/schema/robot", nil, 400, "kind"),
                (.post, "\(base)/schema/visitor/auto", #"[{"name":"x","type":"string"}]"#, 400, "group"),
                (.post, "\(base)/schema/visitor/custom", "{}", 400, "body"),
                (.post, "\(base)/schema/visitor/custom", "[" + Array(repeating: #"{"name":"x","type":"string"}"#, count: 25).joined(separator: ",") + "]", 400, "body"),
                (.post, "\(base)/schema/visitor/custom", #"[{"name":"x","type":"date"}]"#, 422, "[0].type"),
                (.post, "\(base)/schema/visitor/custom", #"[{"type":"string"}]"#, 422, "[0].name"),
                (.post, "\(base)/schema/visitor/custom", #"[{"name":"x","type":"string","extra":1}]"#, 400, "[0].extra"),
                (.put, "\(base)/visitor/pendo/value/ann/donotprocess", #""yes""#, 400, "body"),
                (.put, "\(base)/visitor/pendo/value/ann/other", "true", 400, "field"),
                (.put, "\(base)/visitor/custom/value/ann/x", #"{"a":1}"#, 400, "body"),
                (.get, "\(base)/visitor/nosuch/value/ann/x", nil, 400, "group"),
                (.get, "\(base)/visitor/custom/value/nobody/x", nil, 404, "id"),
                (.post, "\(base)/visitor/custom/value", #"[{"values":{}}]"#, 400, "[0].visitorId"),
                (.post, "\(base)/visitor/custom/value", #"[{"visitorId":"a","values":{"k":[1]}}]"#, 400, "[0].values.k"),
                (.post, "\(base)/account/custom/value", #"[{"visitorId":"a","values":{}}]"#, 400, "[0].visitorId"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await Self.raw(client, method, uri, body)
                let error = (answer.body as? [String: Any])?["error"] as? [String: Any]
                #expect(answer.status.code == status && error?["field"] as? String == field, "\(method) \(uri): \(answer.status) \(error ?? [:])")
            }
            #expect(try await Self.raw(client, .put, "\(base)/visitor/pendo/value/ann/donotprocess", "true", key: "acme-viewer").status == .forbidden)
        }
    }
}
