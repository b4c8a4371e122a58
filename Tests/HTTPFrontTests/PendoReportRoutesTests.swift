import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Reports over HTTP: the list with its List definitions, contents as JSON and CSV, a 404.
@Suite struct PendoReportRoutesTests {
    @Test func listAndContents() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"open","user_email":"ann","account_id":"acme"},{"event_type":"open","user_email":"ann"},{"event_type":"open","user_email":"bob","account_id":"acme"}]}"#).status == .ok)
            #expect(try await client.send(.post, "/api/segments", json: #"{"name":"Openers","rules":[{"type":"did_event","event":"open"}]}"#).status == .created)
            let reports = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/report")).body as? [[String: Any]] ?? []
            #expect(reports.map { $0["id"] as? String } == ["visitors", "accounts", "segment-1"])
            #expect((reports.first?["definition"] as? [String: Any])?["generator"] as? String == "visitorList" && reports.first?["kind"] as? String == "Report")
            let rows = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/report/visitors/results.json")).body as? [[String: Any]] ?? []
            #expect(rows.map { $0["visitorId"] as? String } == ["ann", "bob"] && rows.first?["numEvents"] as? Int == 2)
            let accounts = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/report/accounts/results.json")).body as? [[String: Any]] ?? []
            #expect(accounts.first?["numVisitors"] as? Int == 2)
            let csv = try await client.execute(uri: "/pendo/api/v1/report/segment-1/results.csv", method: .get,
                                               headers: [FieldName("x-pendo-integration-key")!: "acme-key"]) { String(buffer: $0.body) }
            let lines = csv.split(whereSeparator: \.isNewline)
            #expect(lines.first == "accountId,firstVisit,lastVisit,numEvents,visitorId" && lines.count == 3)
            let missing = try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/report/nope/results.json")
            #expect(missing.status == .notFound && ((missing.body as? [String: Any])?["error"] as? [String: Any])?["field"] as? String == "reportId")
        }
    }
}
