import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Bulk deletes: the request marks the ids Do Not Process, the deletion runs in the background
/// and really removes the events, the receipt stays; and the seed's 400s.
@Suite struct PendoBulkDeleteRoutesTests {
    @Test func visitorsAndAccountsAreDeletedInTheBackground() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"open","user_email":"ann"},{"event_type":"open","user_email":"ann"},{"event_type":"open","user_email":"bob","account_id":"acme"},{"event_type":"open","user_email":"cy"}]}"#).status == .ok)
            let asked = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/bulkdelete/visitor", json: #"{"visitors":["ann","ghost"]}"#)
            let id = try #require((asked.body as? [String: Any])?["id"] as? String)
            #expect(asked.status == .ok)
            // Asking again while it is pending is the seed's 400, unless it has completed already.
            var receipt: [String: Any] = [:]
            for _ in 0..<200 {
                receipt = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/bulkdelete/\(id)")).body as? [String: Any] ?? [:]
                if receipt["status"] as? String == "complete" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(receipt["status"] as? String == "complete" && receipt["eventsDeleted"] as? Int == 2 && receipt["ids"] as? [String] == ["ann", "ghost"])
            #expect(try await client.send(.get, "/api/users/ann").status == .notFound)
            #expect(((try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/bulkdelete")).body as? [Any])?.isEmpty == true)
            // Do Not Process stays: new events of ann are dropped.
            #expect(try await client.send(.post, "/ingest", json: #"{"event_type":"open","user_email":"ann"}"#).status == .ok)
            #expect(try await client.send(.get, "/api/users/ann").status == .notFound)

            let accounts = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/bulkdelete/account", json: #"{"accounts":["acme"]}"#)
            let accountID = try #require((accounts.body as? [String: Any])?["id"] as? String)
            for _ in 0..<200 {
                if ((try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/bulkdelete/\(accountID)")).body as? [String: Any])?["status"] as? String == "complete" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await client.send(.get, "/api/users/bob").status == .notFound)
            #expect(try await client.send(.get, "/api/users/cy").status == .ok)
        }
    }

    @Test func badRequests() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(String, String, Int, String)] = [
                ("/pendo/api/v1/bulkdelete/visitor", #"{"visitors":[]}"#, 400, "visitors"),
                ("/pendo/api/v1/bulkdelete/visitor", #"{}"#, 400, "visitors"),
                ("/pendo/api/v1/bulkdelete/visitor", #"{"accounts":["a"]}"#, 400, "accounts"),
                ("/pendo/api/v1/bulkdelete/visitor", #"{"visitors":[""]}"#, 400, "visitors[0]"),
                ("/pendo/api/v1/bulkdelete/account", #"{"accounts":["# + (0...500).map { "\"a\($0)\"" }.joined(separator: ",") + "]}", 400, "accounts"),
            ]
            for (uri, body, status, field) in cases {
                let answer = try await PendoRoutesTests.pendo(client, .post, uri, json: body)
                #expect(answer.status.code == status && ((answer.body as? [String: Any])?["error"] as? [String: Any])?["field"] as? String == field, "\(body)")
            }
            #expect(try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/bulkdelete/99").status == .notFound)
            #expect(try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/bulkdelete/visitor", key: "acme-viewer", json: #"{"visitors":["a"]}"#).status == .forbidden)
        }
    }
}
