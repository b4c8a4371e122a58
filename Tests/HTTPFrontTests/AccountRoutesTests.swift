import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Accounts and user profiles over HTTP: usage, filters, properties, owners, notes, trends, and
/// the 4xx answers for bad input.
@Suite struct AccountRoutesTests {
    /// acme has a and b; globex has c, who also once acted for acme; d has no account.
    static let events = #"""
    {"events":[
     {"event_type":"login","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-01T10:00:00Z"},
     {"event_type":"login","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-02T10:00:00Z"},
     {"event_type":"login","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-03T10:00:00Z"},
     {"event_type":"export","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-30T10:00:00Z"},
     {"event_type":"login","user_email":"b@x.com","account_id":"acme","timestamp":"2026-10-31T09:00:00Z"},
     {"event_type":"export","user_email":"c@x.com","account_id":"globex","timestamp":"2026-10-30T09:00:00Z"},
     {"event_type":"export","user_email":"c@x.com","account_id":"globex","timestamp":"2026-10-31T09:00:00Z"},
     {"event_type":"login","user_email":"c@x.com","account_id":"acme","timestamp":"2026-10-31T10:00:00Z"},
     {"event_type":"login","user_email":"d@x.com","timestamp":"2026-10-31T10:00:00Z"}
    ]}
    """#

    @Test func listDetailTrendAndFilters() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let put = try await client.send(.put, "/api/accounts/acme/properties", json: #"{"properties":{"industry":"Retail","company_size":"11-50","seats":40}}"#)
            #expect(put.status == .ok)
            #expect((put.json["properties"] as? [String: String])?["seats"] == "40")
            let owner = try await client.send(.put, "/api/accounts/globex/owner", json: #"{"owner_email":"cs@x.com"}"#)
            #expect(owner.json["owner_email"] as? String == "cs@x.com")

            let list = try await client.send(.get, "/api/accounts?days=7&end=2026-10-31")
            let rows = list.json["accounts"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["account_id"] as? String } == ["acme", "globex"])
            #expect(rows.map { $0["events"] as? Int } == [3, 2])
            #expect(rows.map { $0["users"] as? Int } == [3, 1])
            #expect(rows.map { $0["active_users"] as? Int } == [3, 1])
            #expect((rows.first?["properties"] as? [String: String])?["industry"] == "Retail")

            let retail = try await client.send(.get, "/api/accounts?industry=retail&days=7&end=2026-10-31")
            #expect((retail.json["accounts"] as? [[String: Any]])?.map { $0["account_id"] as? String } == ["acme"])
            let owned = try await client.send(.get, "/api/accounts?owner_email=cs@x.com")
            #expect(owned.json["total"] as? Int == 1)
            let activity = try await client.send(.get, "/api/activity?days=1&end=2026-10-31&owner_email=cs@x.com")
            #expect((activity.json["series"] as? [[String: Any]])?.first?["active_users"] as? Int == 1)
            #expect((activity.json["series"] as? [[String: Any]])?.first?["events"] as? Int == 1)
            let top = try await client.send(.get, "/api/users/top?days=7&end=2026-10-31&industry=Retail")
            #expect(Set((top.json["users"] as? [[String: Any]])?.compactMap { $0["user_email"] as? String } ?? []) == ["a@x.com", "b@x.com", "c@x.com"])

            let detail = try await client.send(.get, "/api/accounts/acme?days=30&end=2026-10-31")
            #expect(detail.json["events"] as? Int == 5)
            #expect((detail.json["top_users"] as? [[String: Any]])?.first?["user_email"] as? String == "a@x.com")
            let users = try await client.send(.get, "/api/accounts/acme/users?days=30&end=2026-10-31")
            #expect((users.json["users"] as? [[String: Any]])?.map { $0["events"] as? Int } == [3, 1, 1])
            let trend = try await client.send(.get, "/api/accounts/acme/trend?days=2&end=2026-10-31")
            #expect((trend.json["series"] as? [[String: Any]])?.map { $0["events"] as? Int } == [1, 2])
            #expect((trend.json["series"] as? [[String: Any]])?.map { $0["active_users"] as? Int } == [2, 2])

            let declining = try await client.send(.get, "/api/accounts/declining?days=3&end=2026-10-04")
            #expect((declining.json["accounts"] as? [[String: Any]])?.isEmpty == true)
            let fell = try await client.send(.get, "/api/accounts/declining?days=3&end=2026-10-07")
            #expect((fell.json["accounts"] as? [[String: Any]])?.first?["account_id"] as? String == "acme")
            #expect((fell.json["accounts"] as? [[String: Any]])?.first?["decline_pct"] as? Double == 100)

            let usage = try await client.send(.get, "/api/accounts/feature-usage?features=export,login&days=7&end=2026-10-31")
            let byAccount = usage.json["accounts"] as? [[String: Any]] ?? []
            let globex = byAccount.first { $0["account_id"] as? String == "globex" }
            #expect(((globex?["features"] as? [String: Any])?["export"] as? [String: Any])?["events"] as? Int == 2)
            let options = try await client.send(.get, "/api/accounts/filter-options")
            #expect(options.json["industry"] as? [String] == ["Retail"])
            #expect(options.json["owner_email"] as? [String] == ["cs@x.com"])
            #expect((options.json["other"] as? [String: [String]])?["seats"] == ["40"])
        }
    }

    @Test func notesAndUserProfiles() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let note = try await client.send(.post, "/api/accounts/acme/notes", json: #"{"content":"Renewal in May"}"#)
            #expect(note.status == .created)
            let noteID = try #require(note.json["id"] as? Int)
            #expect((try await client.send(.get, "/api/accounts/acme")).json["notes"].map { ($0 as? [[String: Any]])?.count } == 1)
            #expect((try await client.send(.delete, "/api/accounts/acme/notes/\(noteID)")).status == .ok)
            let again = try await client.send(.delete, "/api/accounts/acme/notes/\(noteID)")
            #expect(again.status == .notFound && again.json.errorField == "noteId")

            let props = try await client.send(.put, "/api/users/a@x.com/properties", json: #"{"properties":{"first_name":"Ann","external_id":"crm-7"}}"#)
            #expect(props.json["external_id"] as? String == "crm-7")
            let detail = try await client.send(.get, "/api/users/a@x.com")
            #expect((detail.json["properties"] as? [String: String])?["first_name"] == "Ann")
            #expect(detail.json["external_id"] as? String == "crm-7")
            let added = try await client.send(.post, "/api/users/a@x.com/notes", json: #"{"content":"Asked for SSO"}"#)
            #expect(added.status == .created)
            let notes = try await client.send(.get, "/api/users/a@x.com/notes")
            #expect((notes.json["notes"] as? [[String: Any]])?.map { $0["content"] as? String } == ["Asked for SSO"])
            let deleted = try await client.send(.delete, "/api/users/a@x.com/notes/\(added.json["id"] as? Int ?? 0)")
            #expect(deleted.json["deleted"] as? Bool == true)
            let trend = try await client.send(.get, "/api/users/a@x.com/trend?days=3&end=2026-10-03")
            #expect((trend.json["series"] as? [[String: Any]])?.map { $0["events"] as? Int } == [1, 1, 1])
            #expect(trend.json["active_days"] as? Int == 3)
        }
    }

    @Test func badInputIsRefusedNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                (.get, "/api/accounts?sort=size", nil, .badRequest, "sort"),
                (.get, "/api/accounts?days=0", nil, .badRequest, "days"),
                (.get, "/api/accounts?segment_id=3", nil, .notFound, "segment_id"),
                (.get, "/api/accounts/nope", nil, .notFound, "id"),
                (.get, "/api/accounts/nope/trend", nil, .notFound, "id"),
                (.get, "/api/accounts/feature-usage", nil, .badRequest, "features"),
                (.get, "/api/accounts/feature-usage?features=export,teleport", nil, .badRequest, "features"),
                (.put, "/api/accounts/acme/properties", #"{"props":{}}"#, .badRequest, "properties"),
                (.put, "/api/accounts/acme/properties", #"{"properties":{"x":[1]}}"#, .badRequest, "properties.x"),
                (.put, "/api/accounts/acme/properties", #"{"properties":"#, .badRequest, "body"),
                (.put, "/api/accounts/acme/owner", #"{}"#, .badRequest, "owner_email"),
                (.put, "/api/accounts/acme/owner", #"{"owner_email":"nobody"}"#, .badRequest, "owner_email"),
                (.post, "/api/accounts/acme/notes", #"{"content":"  "}"#, .badRequest, "content"),
                (.delete, "/api/accounts/acme/notes/abc", nil, .badRequest, "noteId"),
                (.put, "/api/users/ghost@x.com/properties", #"{"properties":{"a":"b"}}"#, .notFound, "id"),
                (.post, "/api/users/ghost@x.com/notes", #"{"content":"hi"}"#, .notFound, "id"),
                (.get, "/api/users/ghost@x.com/notes", nil, .notFound, "id"),
                (.get, "/api/users/ghost@x.com/trend", nil, .notFound, "id"),
            ]
            for (method, path, body, status, field) in cases {
                let reply = try await client.send(method, path, json: body)
                #expect(reply.status == status, "\(method) \(path)")
                #expect(reply.json.errorField == field, "\(method) \(path)")
            }
        }
    }
}
