import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AudienceRoutesTests {
    static let events = #"{"events":[{"event_type":"login","user_email":"a@acme.com","properties":{"plan":"pro"}},{"event_type":"login","user_email":"a@acme.com","properties":{"plan":"pro"}},{"event_type":"login","user_email":"b@acme.com","properties":{"plan":"free"}},{"event_type":"export","user_email":"c@acme.com","properties":{"plan":"pro"}}]}"#
    static let proLogins = #"{"name":"Pro logins","description":"pro users who log in","definition":{"filters":[{"field":"properties.plan","operator":"eq","value":"pro"}],"events":[{"event":"login"}],"lookback_days":30}}"#

    @Test func anAudienceIsASegmentWithItsCount() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let created = try await client.send(.post, "/api/v1/audiences", key: "acme-editor", json: Self.proLogins)
            #expect(created.status == .created)
            let audience = try #require(created.json["data"] as? [String: Any])
            #expect(audience["owner"] as? String == "eddie")
            #expect(audience["size"] as? Int == 1)
            #expect(audience["description"] as? String == "pro users who log in")
            let definition = try #require(audience["definition"] as? [String: Any])
            #expect((definition["events"] as? [[String: Any]])?.first?["within_days"] as? Int == 30)
            #expect((definition["filters"] as? [[String: Any]])?.first?["field"] as? String == "properties.plan")
            let count = try await client.send(.get, "/api/v1/audiences/1/count", key: "acme-viewer")
            #expect((count.json["data"] as? [String: Any])?["count"] as? Int == 1)
            // The same segment on the native API, and a native segment among the audiences.
            let segment = try await client.send(.get, "/api/segments/1")
            #expect((segment.json["segment"] as? [String: Any])?["name"] as? String == "Pro logins")
            try await client.send(.post, "/api/segments", key: "acme-editor2", json: #"{"name":"exporters","rules":[{"type":"did_event","event":"export"}]}"#)
            try await client.send(.post, "/api/segments", json: #"{"name":"new","rules":[{"type":"first_seen","within_days":7}]}"#)
            let list = try await client.send(.get, "/api/v1/audiences", key: "acme-viewer")
            let rows = try #require(list.json["data"] as? [[String: Any]])
            #expect(rows.map { $0["name"] as? String } == ["Pro logins", "exporters", "new"])
            #expect(rows[1]["owner"] as? String == "erin")
            #expect((rows[1]["definition"] as? [String: Any])?["events"] != nil)
            #expect(rows[2]["definition"] == nil, "first_seen has no definition form; its rules show")
            #expect((rows[2]["rules"] as? [Any])?.count == 1)
            #expect(try await client.send(.get, "/api/v1/audiences/3/count").json["data"].flatMap { ($0 as? [String: Any])?["count"] as? Int } == 3)
        }
    }

    @Test func anUpdateIsPartial() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            try await client.send(.post, "/api/v1/audiences", key: "acme-editor", json: Self.proLogins)
            let renamed = try await client.send(.put, "/api/v1/audiences/1", key: "acme-editor", json: #"{"name":"Renamed"}"#)
            #expect(renamed.status == .ok)
            let row = try #require(renamed.json["data"] as? [String: Any])
            #expect(row["name"] as? String == "Renamed")
            #expect(row["description"] as? String == "pro users who log in")
            #expect(row["size"] as? Int == 1)
            let redefined = try await client.send(.put, "/api/v1/audiences/1", key: "acme-editor",
                                                  json: #"{"description":null,"definition":{"events":[{"event":"login","count":{"operator":"gte","value":1}}]}}"#)
            let after = try #require(redefined.json["data"] as? [String: Any])
            #expect(after["name"] as? String == "Renamed")
            #expect(after["description"] == nil)
            #expect(after["size"] as? Int == 2)
        }
    }

    @Test func onlyTheOwnerOrAnAdminChangesAnAudience() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/api/v1/audiences", key: "acme-editor", json: Self.proLogins)
            let other = try await client.send(.put, "/api/v1/audiences/1", key: "acme-editor2", json: #"{"name":"mine now"}"#)
            #expect(other.status == .forbidden)
            #expect(other.json.errorMessage?.contains("owner or an admin") == true)
            #expect(try await client.send(.delete, "/api/v1/audiences/1", key: "acme-editor2").status == .forbidden)
            #expect(try await client.send(.put, "/api/v1/audiences/1", key: "acme-viewer", json: #"{"name":"x"}"#).status == .forbidden)
            // Through the native segment routes too: it is the same object.
            #expect(try await client.send(.put, "/api/segments/1", key: "acme-editor2", json: #"{"name":"x"}"#).status == .forbidden)
            #expect(try await client.send(.put, "/api/v1/audiences/1", key: "acme-editor", json: #"{"name":"owner's"}"#).status == .ok)
            #expect(try await client.send(.put, "/api/v1/audiences/1", key: "acme-admin", json: #"{"name":"admin's"}"#).status == .ok)
            #expect(try await client.send(.delete, "/api/v1/audiences/1", key: "acme-admin").status == .ok)
            #expect(try await client.send(.get, "/api/v1/audiences/1").status == .notFound)
            #expect(try await client.send(.delete, "/api/v1/audiences/1", key: "acme-editor").status == .notFound)
        }
    }

    @Test func aViewerCannotCreate() async throws {
        try await TestServer.make().test(.router) { client in
            let refused = try await client.send(.post, "/api/v1/audiences", key: "acme-viewer", json: Self.proLogins)
            #expect(refused.status == .forbidden)
        }
    }

    @Test(arguments: [
        (#"{"definition":{"events":[{"event":"a"}]}}"#, "name"),
        ("{\"name\":\"\(String(repeating: "n", count: 201))\",\"definition\":{\"events\":[{\"event\":\"a\"}]}}", "name"),
        ("{\"name\":\"n\",\"description\":\"\(String(repeating: "d", count: 2001))\",\"definition\":{\"events\":[{\"event\":\"a\"}]}}", "description"),
        (#"{"name":"n"}"#, "definition"),
        (#"{"name":"n","definition":[]}"#, "definition"),
        (#"{"name":"n","definition":{}}"#, "definition"),
        (#"{"name":"n","definition":{"segments":[1],"events":[{"event":"a"}]}}"#, "definition.segments"),
        (#"{"name":"n","definition":{"filters":{"field":"plan"}}}"#, "definition.filters"),
        (#"{"name":"n","definition":{"filters":[{"operator":"eq","value":"x"}]}}"#, "definition.filters[0].field"),
        (#"{"name":"n","definition":{"filters":[{"field":"event_name","value":"x"}]}}"#, "definition.filters[0].field"),
        (#"{"name":"n","definition":{"filters":[{"field":"plan","operator":"is_set"}]}}"#, "definition.filters[0].operator"),
        (#"{"name":"n","definition":{"filters":[{"field":"plan","operator":"regex","value":"x"}]}}"#, "definition.filters[0].operator"),
        (#"{"name":"n","definition":{"filters":[{"field":"plan","operator":"in","value":"x"}]}}"#, "definition.filters[0].value"),
        (#"{"name":"n","definition":{"filters":[{"field":"plan"}]}}"#, "definition.filters[0].value"),
        (#"{"name":"n","definition":{"filters":[{"field":"plan","value":{"a":1}}]}}"#, "definition.filters[0].value"),
        (#"{"name":"n","definition":{"events":[{"count":{"value":1}}]}}"#, "definition.events[0].event"),
        (#"{"name":"n","definition":{"events":[{"event":"a","count":{"operator":"~","value":1}}]}}"#, "definition.events[0].count.operator"),
        (#"{"name":"n","definition":{"events":[{"event":"a","count":{"value":-1}}]}}"#, "definition.events[0].count.value"),
        (#"{"name":"n","definition":{"events":[{"event":"a","count":{"value":99999999999999}}]}}"#, "definition.events[0].count.value"),
        (#"{"name":"n","definition":{"events":[{"event":"a","within_days":0}]}}"#, "definition.events[0].within_days"),
        (#"{"name":"n","definition":{"events":[{"event":"a","where":[]}]}}"#, "definition.events[0].where"),
        (#"{"name":"n","definition":{"events":[{"event":"a"}],"lookback_days":9223372036854775807}}"#, "definition.lookback_days"),
        (#"{"name":"n","definition":{"events":[{"event":"a"}],"lookback_days":"30"}}"#, "definition.lookback_days"),
    ])
    func badBodiesNameTheField(_ body: String, _ field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.post, "/api/v1/audiences", json: body)
            #expect(answer.status == .badRequest, "\(body)")
            #expect(answer.json.errorField == field, "\(body)")
        }
    }

    @Test func aDuplicateNameIsAConflictAndUnknownIdsAre404() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/api/v1/audiences", json: Self.proLogins)
            #expect(try await client.send(.post, "/api/v1/audiences", json: Self.proLogins).status == .conflict)
            #expect(try await client.send(.get, "/api/v1/audiences/9/count").status == .notFound)
            #expect(try await client.send(.put, "/api/v1/audiences/9", json: #"{"name":"x"}"#).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/audiences/0").json.errorField == "id")
        }
    }
}
