import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Data management over HTTP: answers change after a delete, a merge, a rename and an archive;
/// property keys and their metadata; and the 4xx answers for bad input.
@Suite struct DataRoutesTests {
    static func ingest(_ client: some TestClientProtocol) async throws {
        let events = (0..<30).map { i in
            #"{"event_type":"\#(["login", "export", "share"][i % 3])","user_email":"u\#(i % 5)@x.com","timestamp":"2026-10-\#(10 + i % 20)T10:00:00Z","properties":{"plan":"\#(i % 2 == 0 ? "pro" : "free")","n":"\#(i)"}}"#
        }
        #expect(try await client.send(.post, "/ingest", json: #"{"events":[\#(events.joined(separator: ","))]}"#).status == .ok)
    }

    static func counts(_ client: some TestClientProtocol) async throws -> [String: Int] {
        let rows = try await client.send(.get, "/api/events?days=90").json["event_types"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["event_type"] as? String ?? "", $0["count"] as? Int ?? -1) })
    }

    @Test func deletesMergesRenamesAndArchivesChangeTheAnswers() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.ingest(client)
            #expect(try await Self.counts(client) == ["login": 10, "export": 10, "share": 10])
            let deleted = try await client.send(.delete, "/api/data/events?event_type=share&before_date=2026-10-20")
            // share is i = 2, 5, …, 29 on days 10 + i % 20: 7 of its 10 fall before the 20th.
            #expect(deleted.status == .ok && deleted.json["affected"] as? Int == 7 && deleted.json["events_retained"] as? Int == 23)
            #expect(try await Self.counts(client) == ["login": 10, "export": 10, "share": 3])
            #expect((try await client.send(.get, "/api/data/stats").json["events_retained"] as? Int) == 23)

            let merged = try await client.send(.post, "/api/data/event-types/merge", json: #"{"source":"share","target":"export"}"#)
            #expect(merged.status == .ok && merged.json["affected"] as? Int == 3)
            #expect(try await Self.counts(client) == ["login": 10, "export": 13])
            let renamed = try await client.send(.post, "/api/data/event-types/rename", json: #"{"old_name":"login","new_name":"sign_in"}"#)
            #expect(renamed.status == .ok)
            #expect(try await Self.counts(client) == ["sign_in": 10, "export": 13])
            #expect(try await client.send(.post, "/api/data/event-types/rename", json: #"{"old_name":"sign_in","new_name":"export"}"#).status == .conflict)
            let archived = try await client.send(.post, "/api/data/event-types/archive", json: #"{"event_type":"export","archived":true}"#)
            #expect(archived.json["archived_event_types"] as? [String] == ["export"])
            #expect(try await Self.counts(client) == ["sign_in": 10])
            try await client.send(.post, "/api/data/event-types/archive", json: #"{"event_type":"export","archived":false}"#)
            #expect(try await Self.counts(client) == ["sign_in": 10, "export": 13])

            let properties = try await client.send(.get, "/api/data/properties?event_type=sign_in")
            let rows = properties.json["properties"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["property_key"] as? String } == ["n", "plan"] && rows.last?["distinct_values"] as? Int == 2)
            let moved = try await client.send(.post, "/api/data/properties/rename", json: #"{"event_type":"sign_in","old_key":"plan","new_key":"tier"}"#)
            #expect(moved.status == .ok && moved.json["affected"] as? Int == 10)
            let after = try await client.send(.get, "/api/data/properties?event_type=sign_in").json["properties"] as? [[String: Any]] ?? []
            #expect(after.map { $0["property_key"] as? String } == ["n", "tier"])
            let exportKeys = try await client.send(.get, "/api/data/properties?event_type=export").json["properties"] as? [[String: Any]] ?? []
            #expect(exportKeys.map { $0["property_key"] as? String } == ["n", "plan"])
            let all = try await client.send(.post, "/api/data/properties/merge", json: #"{"source":"plan","target":"tier"}"#)
            #expect(all.json["affected"] as? Int == 13)

            let meta = try await client.send(.put, "/api/data/properties/metadata", json: #"{"property_key":"tier","status":"verified","description":"Billing tier"}"#)
            #expect(meta.status == .ok && meta.json["status"] as? String == "verified")
            let listed = try await client.send(.get, "/api/data/properties/metadata?event_type=export")
            let tier = (listed.json["properties"] as? [[String: Any]])?.first { $0["property_key"] as? String == "tier" }
            #expect(tier?["description"] as? String == "Billing tier")
            #expect((try await client.send(.get, "/api/data/properties/metadata").json["properties"] as? [Any])?.count == 1)

            let retention = try await client.send(.put, "/api/data/retention", json: #"{"retention_days":0}"#)
            #expect(retention.status == .ok && retention.json["keeps_forever"] as? Bool == true)
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.ingest(client)
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.put, "/api/data/retention", #"{"retention_days":-1}"#, .badRequest, "retention_days"),
                (.put, "/api/data/retention", #"{"retention_days":36501}"#, .badRequest, "retention_days"),
                (.put, "/api/data/retention", #"{"retention_days":"7"}"#, .badRequest, "retention_days"),
                (.put, "/api/data/retention", #"{"days":7}"#, .badRequest, "days"),
                (.delete, "/api/data/events", nil, .badRequest, "event_type"),
                (.delete, "/api/data/events?before_date=2026-13-01", nil, .badRequest, "before_date"),
                (.delete, "/api/data/events?before_date=9999-01-01", nil, .badRequest, "before_date"),
                (.post, "/api/data/event-types/rename", #"{"old_name":"login"}"#, .badRequest, "new_name"),
                (.post, "/api/data/event-types/rename", #"{"old_name":"nope","new_name":"x"}"#, .notFound, "old_name"),
                (.post, "/api/data/event-types/rename", #"{"old_name":"login","new_name":"login"}"#, .badRequest, "body"),
                (.post, "/api/data/event-types/rename", #"{"old_name":"login","new_name":"export"}"#, .conflict, "new_name"),
                (.post, "/api/data/event-types/merge", #"{"source":"nope","target":"login"}"#, .notFound, "source"),
                (.post, "/api/data/event-types/merge", #"{"source":"login","target":""}"#, .badRequest, "target"),
                (.post, "/api/data/event-types/archive", #"{"event_type":"login"}"#, .badRequest, "archived"),
                (.post, "/api/data/event-types/archive", #"{"event_type":"nope","archived":true}"#, .notFound, "event_type"),
                (.get, "/api/data/properties", nil, .badRequest, "event_type"),
                (.get, "/api/data/properties?event_type=nope", nil, .notFound, "event_type"),
                (.post, "/api/data/properties/rename", #"{"event_type":"nope","old_key":"a","new_key":"b"}"#, .notFound, "event_type"),
                (.post, "/api/data/properties/rename", #"{"old_key":"a"}"#, .badRequest, "new_key"),
                (.post, "/api/data/properties/merge", #"{"source":"a","target":"a"}"#, .badRequest, "body"),
                (.get, "/api/data/properties/metadata?event_type=nope", nil, .notFound, "event_type"),
                (.put, "/api/data/properties/metadata", #"{"property_key":"plan"}"#, .badRequest, "body"),
                (.put, "/api/data/properties/metadata", #"{"property_key":"plan","status":"gold"}"#, .badRequest, "status"),
                (.put, "/api/data/properties/metadata", #"{"property_key":"plan","description":"\#(String(repeating: "x", count: 2_001))"}"#, .badRequest, "description"),
                (.put, "/api/data/properties/metadata", #"{"status":"hidden"}"#, .badRequest, "property_key"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await client.send(method, uri, json: body)
                #expect(answer.status == status, "\(method) \(uri) \(body?.prefix(80) ?? "")")
                #expect(answer.json.errorField == field, "\(method) \(uri) \(body?.prefix(80) ?? "")")
            }
            #expect(try await client.send(.delete, "/api/data/events?event_type=login", key: "acme-viewer").status == .forbidden)
            #expect(try await Self.counts(client) == ["login": 10, "export": 10, "share": 10])
        }
    }
}
