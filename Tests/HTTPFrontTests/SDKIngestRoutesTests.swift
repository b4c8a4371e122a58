import CompressNIO
import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The routes existing SDKs speak (docs/ingest-compat.md): each maps onto native events, user and
/// account properties and merges, answers in its SDK's shape, and refuses bad input naming the field.
@Suite struct SDKIngestRoutesTests {
    static func basic(_ user: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):".utf8).base64EncodedString()]
    }

    static func stats(_ client: some TestClientProtocol) async throws -> [String: Any] {
        try await client.send(.get, "/api/data/stats").json
    }

    @Test func segmentCallsBecomeEventsPropertiesAndMerges() async throws {
        try await TestServer.make().test(.router) { client in
            let batch = #"""
            {"batch": [
              {"type": "track", "anonymousId": "v1", "event": "Viewed Pricing", "timestamp": "2026-10-31T11:00:00.123456+00:00", "messageId": "m1"},
              {"type": "identify", "userId": "ada", "anonymousId": "v1", "traits": {"email": "ada@x.io", "seats": 5}, "messageId": "m2"},
              {"type": "page", "userId": "ada", "name": "Home", "properties": {"url": "https://app.x.io/home?ref=1"}, "context": {"os": {"name": "iOS"}}, "messageId": "m3"},
              {"type": "group", "userId": "ada", "groupId": "acme-co", "traits": {"plan": "enterprise"}, "messageId": "m4"},
              {"type": "track", "userId": "ada", "event": "Signed Up", "properties": {"plan": "pro", "nested": {"a": 1}}, "messageId": "m5"}
            ]}
            """#
            let answer = try await client.send(.post, "/v1/batch", key: nil, headers: Self.basic("acme-key"), json: batch)
            #expect(answer.status == .ok)
            #expect(answer.json["success"] as? Bool == true)
            var stats = try await Self.stats(client)
            #expect(stats["events"] as? Int == 5)
            // The anonymous visitor was merged into ada by identify.
            #expect(stats["users"] as? Int == 1)
            let user = try await client.send(.get, "/api/users/ada").json
            #expect(user["events"] as? Int == 5)
            let traits = try #require(user["properties"] as? [String: Any])
            #expect(traits["email"] as? String == "ada@x.io" && traits["seats"] as? String == "5")
            let account = try await client.send(.get, "/api/accounts/acme-co").json
            #expect((account["properties"] as? [String: Any])?["plan"] as? String == "enterprise")
            let pages = try await client.send(.get, "/api/pages?days=7").json
            #expect("\(pages)".contains("/home"))
            // The same messages again (a library's retry): answered alike, counted once.
            let retry = try await client.send(.post, "/v1/batch", key: nil, headers: Self.basic("acme-key"), json: batch)
            #expect(retry.status == .ok)
            stats = try await Self.stats(client)
            #expect(stats["events"] as? Int == 5)
            // Single-call routes and alias: a later anonymous id joins ada.
            _ = try await client.send(.post, "/v1/track", key: nil, headers: Self.basic("acme-key"), json: #"{"anonymousId": "v2", "event": "Opened"}"#)
            let alias = try await client.send(.post, "/v1/alias", key: nil, headers: Self.basic("acme-key"), json: #"{"previousId": "v2", "userId": "ada"}"#)
            #expect(alias.status == .ok)
            stats = try await Self.stats(client)
            #expect(stats["events"] as? Int == 6 && stats["users"] as? Int == 1)
            // The write key may ride in the body too.
            let inBody = try await client.send(.post, "/v1/screen", key: nil, json: #"{"writeKey": "acme-key", "userId": "bob", "name": "Settings"}"#)
            #expect(inBody.status == .ok)
        }
    }

    @Test func segmentRefusalsNameTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(String, String)] = [
                (#"{"batch": [{"type": "track", "event": "x"}]}"#, "batch[0].userId"),
                (#"{"batch": [{"type": "track", "userId": "a"}]}"#, "batch[0].event"),
                (#"{"batch": [{"type": "teleport", "userId": "a"}]}"#, "batch[0].type"),
                (#"{"batch": [{"type": "track", "userId": "a", "event": "x"}, {"type": "track", "userId": "a", "event": "x", "timestamp": "2031-01-01T00:00:00Z"}]}"#, "batch[1].timestamp"),
                (#"{"batch": [{"type": "track", "userId": "a", "event": "x", "timestamp": "yesterday"}]}"#, "batch[0].timestamp"),
                (#"{"batch": [{"type": "page", "userId": "a"}]}"#, "batch[0].properties.path"),
                (#"{"batch": {"type": "track"}}"#, "batch"),
                (#"{"batch": [7]}"#, "batch[0]"),
                (#"{"nope": 1}"#, "batch"),
                ("[", "body"),
            ]
            for (body, field) in cases {
                let answer = try await client.send(.post, "/v1/batch", key: nil, headers: Self.basic("acme-key"), json: body)
                #expect(answer.status == .badRequest, "\(body)")
                #expect(answer.json.errorField == field, "\(body)")
            }
            // Nothing of a refused batch was kept.
            #expect(try await Self.stats(client)["events"] as? Int == 0)
            let noKey = try await client.send(.post, "/v1/track", key: nil, json: #"{"userId": "a", "event": "x"}"#)
            #expect(noKey.status == .unauthorized)
            let wrongKey = try await client.send(.post, "/v1/track", key: nil, headers: Self.basic("nobody"), json: #"{"userId": "a", "event": "x"}"#)
            #expect(wrongKey.status == .unauthorized)
            let viewer = try await client.send(.post, "/v1/track", key: nil, headers: Self.basic("acme-viewer"), json: #"{"userId": "a", "event": "x"}"#)
            #expect(viewer.status == .forbidden)
        }
    }

    static func gzip(_ text: String) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: text)
        return try buffer.compress(with: .gzip())
    }

    @Test func postHogCaptureTakesGzipBatchesAndItsSpecialEvents() async throws {
        try await TestServer.make().test(.router) { client in
            let batch = #"""
            {"api_key": "acme-key", "batch": [
              {"event": "$pageview", "distinct_id": "anon-uuid-1", "properties": {"$current_url": "https://app.x.io/pricing", "$os": "Mac OS X"}, "uuid": "u1", "timestamp": "2026-10-31T11:30:00Z"},
              {"event": "$identify", "distinct_id": "ada", "properties": {"$anon_distinct_id": "anon-uuid-1", "$set": {"email": "ada@x.io"}}, "uuid": "u2"},
              {"event": "$groupidentify", "distinct_id": "ada", "properties": {"$group_type": "company", "$group_key": "acme-co", "$group_set": {"name": "Acme"}}, "uuid": "u3"},
              {"event": "clicked", "distinct_id": "ada", "properties": {"button": "buy", "$groups": {"company": "acme-co"}}, "uuid": "u4"}
            ]}
            """#
            let answer = try await client.execute(uri: "/batch/", method: .post, headers: [.contentType: "application/json", .contentEncoding: "gzip"], body: try Self.gzip(batch)) { response in
                (response.status, String(buffer: response.body))
            }
            #expect(answer.0 == .ok)
            #expect(answer.1 == #"{"status":1}"#)
            var stats = try await Self.stats(client)
            #expect(stats["events"] as? Int == 4 && stats["users"] as? Int == 1)
            let user = try await client.send(.get, "/api/users/ada").json
            #expect((user["properties"] as? [String: Any])?["email"] as? String == "ada@x.io")
            #expect(user["account_id"] as? String == "acme-co")
            let account = try await client.send(.get, "/api/accounts/acme-co").json
            #expect((account["properties"] as? [String: Any])?["name"] as? String == "Acme")
            // One event to /capture/, then an alias; the repeated uuid counts once.
            _ = try await client.send(.post, "/capture/", key: nil, json: #"{"api_key": "acme-key", "event": "clicked", "distinct_id": "ada", "uuid": "u4"}"#)
            _ = try await client.send(.post, "/e/", key: nil, json: #"[{"token": "acme-key", "event": "opened", "distinct_id": "other"}]"#)
            let alias = try await client.send(.post, "/i/v0/e/", key: nil, json: #"{"api_key": "acme-key", "event": "$create_alias", "distinct_id": "other", "properties": {"alias": "ada"}}"#)
            #expect(alias.status == .ok)
            stats = try await Self.stats(client)
            #expect(stats["events"] as? Int == 5 && stats["users"] as? Int == 1)
            // "other" became part of ada (not the other way round): ada keeps her name and properties.
            let merged = try await client.send(.get, "/api/users/other").json
            #expect(merged["user_email"] as? String == "ada")
            #expect((merged["properties"] as? [String: Any])?["email"] as? String == "ada@x.io")
            let missing = try await client.send(.post, "/capture/", key: nil, json: #"{"api_key": "acme-key", "event": "x"}"#)
            #expect(missing.json.errorField == "distinct_id")
            let badGzip = try await client.execute(uri: "/batch/", method: .post, headers: [.contentEncoding: "gzip", FieldName("x-api-key")!: "acme-key"], body: ByteBuffer(string: "not gzip")) { $0.status }
            #expect(badGzip == .badRequest)
        }
    }

    @Test func aGzipBombIsRefusedOnceItPassesTheBodyLimit() async throws {
        try await TestServer.make(bodyLimit: 64 << 10).test(.router) { client in
            let huge = #"{"api_key": "acme-key", "batch": [], "pad": ""# + String(repeating: " ", count: 1 << 20) + #""}"#
            let status = try await client.execute(uri: "/batch/", method: .post, headers: [.contentEncoding: "gzip"], body: try Self.gzip(huge)) { $0.status }
            #expect(status == .contentTooLarge)
        }
    }

    @Test func amplitudeEventsAndIdentifyMapOntoUsers() async throws {
        try await TestServer.make().test(.router) { client in
            let body = #"""
            {"api_key": "acme-key", "events": [
              {"event_type": "Song Played", "device_id": "dev-1", "time": 1793446200000, "event_properties": {"genre": "jazz"}, "country": "DE", "insert_id": "i1"},
              {"event_type": "Song Played", "user_id": "ada", "device_id": "dev-1", "time": 1793446300000, "insert_id": "i2"},
              {"event_type": "$identify", "user_id": "ada", "user_properties": {"$set": {"plan": "team"}, "$unset": {"old": "-"}}, "insert_id": "i3"}
            ]}
            """#
            let answer = try await client.send(.post, "/2/httpapi", key: nil, json: body)
            #expect(answer.status == .ok)
            #expect(answer.json["code"] as? Int == 200 && answer.json["events_ingested"] as? Int == 3)
            // Amplitude's Batch API shares /batch with PostHog; the body tells them apart.
            let again = try await client.send(.post, "/batch", key: nil, json: body)
            #expect(again.json["events_ingested"] as? Int == 3)
            let stats = try await Self.stats(client)
            #expect(stats["events"] as? Int == 3 && stats["users"] as? Int == 1)
            let user = try await client.send(.get, "/api/users/ada").json
            #expect((user["properties"] as? [String: Any])?["plan"] as? String == "team")
            let bad = try await client.send(.post, "/2/httpapi", key: nil, json: #"{"api_key": "acme-key", "events": [{"event_type": "x"}]}"#)
            #expect(bad.json.errorField == "events[0].user_id")
            let badTime = try await client.send(.post, "/2/httpapi", key: nil, json: #"{"api_key": "acme-key", "events": [{"event_type": "x", "user_id": "a", "time": 1e300}]}"#)
            #expect(badTime.json.errorField == "events[0].time")
        }
    }

    @Test func mixpanelFormDataProfilesAndImport() async throws {
        try await TestServer.make().test(.router) { client in
            let records = #"[{"event": "Signed Up", "properties": {"token": "acme-key", "distinct_id": "$device:d1", "time": 1793446200, "$insert_id": "x1"}}, {"event": "$identify", "properties": {"token": "acme-key", "distinct_id": "ada", "$anon_id": "d1", "$identified_id": "ada"}}]"#
            let form = "data=" + Data(records.utf8).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&verbose=1"
            let tracked = try await client.execute(uri: "/track", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)) { response in
                (response.status, String(buffer: response.body))
            }
            #expect(tracked.0 == .ok)
            #expect(tracked.1 == #"{"error":null,"status":1}"#)
            let engage = "data=" + #"{"$token": "acme-key", "$distinct_id": "ada", "$set": {"plan": "biz"}}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            _ = try await client.execute(uri: "/engage", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: engage)) { $0.status }
            let imported = try await client.send(.post, "/import", key: nil, headers: Self.basic("acme-key"),
                                                 json: #"[{"event": "Old", "properties": {"distinct_id": "ada", "time": 1793400000000, "$insert_id": "x2"}}]"#)
            #expect(imported.json["num_records_imported"] as? Int == 1)
            let groups = try await client.send(.post, "/groups", key: nil, json: #"{"$token": "acme-key", "$group_key": "company", "$group_id": "acme-co", "$set": {"tier": "gold"}}"#)
            #expect(groups.status == .ok)
            let stats = try await Self.stats(client)
            // Signed Up, identify (from $identify), identify (from /engage), Old; the device merged into ada.
            #expect(stats["events"] as? Int == 4 && stats["users"] as? Int == 1)
            let user = try await client.send(.get, "/api/users/ada").json
            #expect((user["properties"] as? [String: Any])?["plan"] as? String == "biz")
            let account = try await client.send(.get, "/api/accounts/acme-co").json
            #expect((account["properties"] as? [String: Any])?["tier"] as? String == "gold")
            let noData = try await client.execute(uri: "/track", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", FieldName("x-api-key")!: "acme-key"], body: ByteBuffer(string: "verbose=1")) { $0.status }
            #expect(noData == .badRequest)
        }
    }

    @Test func aPublicKeyMayOnlyIngestAndAskForNudges() async throws {
        try await TestServer.make().test(.router) { client in
            let ingest = try await client.send(.post, "/ingest", key: "acme-public", json: #"{"event_type": "login", "user_email": "a@x.io"}"#)
            #expect(ingest.status == .ok)
            let segment = try await client.send(.post, "/v1/track", key: nil, headers: Self.basic("acme-public"), json: #"{"userId": "a@x.io", "event": "x"}"#)
            #expect(segment.status == .ok)
            let eligible = try await client.send(.get, "/api/nudges/eligible?user_email=a@x.io&page_url=/home", key: "acme-public")
            #expect(eligible.status == .ok)
            for (method, path) in [(HTTPRequest.Method.get, "/api/live"), (.get, "/api/users/a@x.io"), (.post, "/api/segments"), (.get, "/api/v1/metrics/dau"), (.delete, "/api/nudges/1")] {
                let refused = try await client.send(method, path, key: "acme-public", json: method == .post ? "{}" : nil)
                #expect(refused.status == .forbidden, "\(method) \(path)")
                #expect(refused.json.errorField == "x-api-key")
            }
        }
    }

    @Test func corsAnswersTheTenantsOriginsOnly() async throws {
        try await TestServer.make().test(.router) { client in
            let origin = FieldName("Origin")!
            let preflight = try await client.execute(uri: "/ingest", method: .options,
                                                     headers: [origin: "https://app.acme.test", .accessControlRequestMethod: "POST"]) { $0 }
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.acme.test")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("x-api-key") == true)
            let stranger = try await client.execute(uri: "/ingest", method: .options,
                                                    headers: [origin: "https://evil.test", .accessControlRequestMethod: "POST"]) { $0.status }
            #expect(stranger == .forbidden)
            let allowed = try await client.send(.post, "/ingest", key: "acme-public", headers: [origin: "https://app.acme.test"], json: #"{"event_type": "login", "user_email": "a@x.io"}"#)
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.acme.test")
            // Globex's origin is not Acme's: no CORS header, so the browser keeps the answer from the page.
            let otherTenant = try await client.send(.post, "/ingest", key: "acme-public", headers: [origin: "https://globex.test"], json: #"{"event_type": "login", "user_email": "a@x.io"}"#)
            #expect(otherTenant.headers[.accessControlAllowOrigin] == nil)
            // Errors carry the header too, so the page can read them.
            let refused = try await client.send(.get, "/api/live", key: "acme-public", headers: [origin: "https://app.acme.test"])
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.accessControlAllowOrigin] == "https://app.acme.test")
        }
    }
}

@Suite struct PublicKeyConfigurationTests {
    static func parse(_ tenant: String) throws -> BeaconConfiguration {
        try BeaconConfiguration.parse(Data(#"{"tenants": [{"id": "t", "api_keys": ["k"], \#(tenant)}]}"#.utf8))
    }

    @Test func publicKeysAndOriginsAreRead() throws {
        let configuration = try Self.parse(#""public_keys": ["pk"], "allowed_origins": ["https://App.example.com", "*"]"#)
        #expect(configuration.apiKeyGrants["pk"]?.isPublic == true)
        #expect(configuration.apiKeyGrants["k"] == nil)
        #expect(configuration.allowedOrigins["t"] == ["https://app.example.com", "*"])
        #expect(configuration.tenants[0].apiKeys == ["k", "pk"])
    }

    @Test(arguments: [
        (#""public_keys": "pk""#, "tenants[0].public_keys"),
        (#""public_keys": ["k"]"#, "tenants[0].public_keys[0]"),
        (#""public_keys": [""]"#, "tenants[0].public_keys[0]"),
        (#""allowed_origins": ["https://x.io/path"]"#, "tenants[0].allowed_origins[0]"),
        (#""allowed_origins": ["x.io"]"#, "tenants[0].allowed_origins[0]"),
        (#""allowed_origins": {}"#, "tenants[0].allowed_origins"),
    ])
    func badEntriesNameTheirPlace(_ tenant: String, _ key: String) {
        #expect { try Self.parse(tenant) } throws: { ($0 as? BeaconConfiguration.Invalid)?.key == key }
    }
}
