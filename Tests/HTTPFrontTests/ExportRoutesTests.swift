import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/export` over HTTP: each type's CSV against the events sent, a segment's users only,
/// the days, and the 4xx answers for bad input.
@Suite struct ExportRoutesTests {
    static let events = #"""
    {"events":[
     {"event_type":"login","user_email":"a@x.com","account_id":"acme","timestamp":"2026-10-30T10:00:00Z","properties":{"plan":"pro, \"annual\""}},
     {"event_type":"export","user_email":"a@x.com","account_id":"acme","page_url":"/reports","timestamp":"2026-10-31T09:00:00Z"},
     {"event_type":"login","user_email":"=cmd@x.com","account_id":"globex","timestamp":"2026-10-31T10:00:00Z"},
     {"event_type":"login","user_email":"old@x.com","account_id":"globex","timestamp":"2026-09-01T10:00:00Z"}
    ]}
    """#

    static func csv(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, [String]) {
        try await client.execute(uri: uri, method: .get, headers: [FieldName("x-api-key")!: "acme-key"]) { response in
            (response.status, String(buffer: response.body).components(separatedBy: "\r\n").filter { !$0.isEmpty })
        }
    }

    @Test func eachTypeIsTheCSVOfWhatWasSent() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let (status, events) = try await Self.csv(client, "/api/export?type=events&days=7")
            #expect(status == .ok)
            #expect(events == [
                "timestamp,event_type,user,account,page,properties",
                #"2026-10-30T10:00:00.000Z,login,a@x.com,acme,,"{""plan"":""pro, \""annual\""""}""#,
                "2026-10-31T09:00:00.000Z,export,a@x.com,acme,/reports,{}",
                "2026-10-31T10:00:00.000Z,login,'=cmd@x.com,globex,,{}",
            ])
            let (_, users) = try await Self.csv(client, "/api/export?type=users&days=7")
            #expect(users.first == "user,first_seen,last_seen,events,account,external_id,anonymous")
            #expect(users.dropFirst().map { $0.components(separatedBy: ",")[0] } == ["a@x.com", "'=cmd@x.com"])
            #expect(users[1] == "a@x.com,2026-10-30T10:00:00.000Z,2026-10-31T09:00:00.000Z,2,acme,,false")
            let (_, accounts) = try await Self.csv(client, "/api/export?type=accounts&days=7")
            #expect(accounts.first == "account,users,active_users,events,first_seen,last_seen,health_score,health_status,owner,industry,company_size")
            #expect(accounts.dropFirst().map { $0.components(separatedBy: ",").prefix(4).joined(separator: ",") } == ["acme,1,1,2", "globex,2,1,1"])
            let (_, adoption) = try await Self.csv(client, "/api/export?type=feature_adoption&days=7")
            #expect(adoption == ["event_type,users,active_users,adoption_rate,events,accounts", "login,2,2,1.0,2,2", "export,1,2,0.5,1,1"])
            let (_, long) = try await Self.csv(client, "/api/export?type=events&days=90")
            #expect(long.count == 5)

            try await client.send(.post, "/api/segments", json: #"{"name":"exporters","rules":[{"type":"did_event","event":"export"}]}"#)
            let (_, segment) = try await Self.csv(client, "/api/export?type=events&days=7&segment_id=1")
            #expect(segment.dropFirst().allSatisfy { $0.contains(",a@x.com,") } && segment.count == 3)
            let (_, segmentUsers) = try await Self.csv(client, "/api/export?type=users&days=30&segment_id=1")
            #expect(segmentUsers.count == 2)
        }
    }

    @Test func badInputIsA4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            for (uri, status, field) in [("/api/export", HTTPResponse.Status.badRequest, "type"), ("/api/export?type=orders", .badRequest, "type"),
                                         ("/api/export?type=users&days=0", .badRequest, "days"), ("/api/export?type=users&segment_id=x", .badRequest, "segment_id"),
                                         ("/api/export?type=events&segment_id=9", .notFound, "segment_id"), ("/api/export?type=events&end=2026-02-30", .badRequest, "end")] {
                let answer = try await client.send(.get, uri)
                #expect(answer.status == status, "\(uri)")
                #expect(answer.json.errorField == field, "\(uri)")
            }
        }
    }
}
