import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Pages, features, a visitor's history and the 501s for Data Sync and Feedback, over HTTP.
@Suite struct PendoObjectRoutesTests {
    static let events = #"{"events":["#
        + #"{"event_type":"page_view","user_email":"ann@x.com","page_url":"/home","timestamp":"2026-10-31T09:00:00Z"},"#
        + #"{"event_type":"page_view","user_email":"ann@x.com","page_url":"/home","timestamp":"2026-10-31T09:01:00Z"},"#
        + #"{"event_type":"click","user_email":"ann@x.com","page_url":"/home","timestamp":"2026-10-31T09:02:00Z"},"#
        + #"{"event_type":"export","user_email":"ann@x.com","timestamp":"2026-10-31T09:03:00Z"},"#
        + #"{"event_type":"page_view","user_email":"ann@x.com","page_url":"/billing","timestamp":"2026-10-31T09:04:00Z"},"#
        + #"{"event_type":"page_view","user_email":"ann@x.com","page_url":"/home","timestamp":"2026-10-29T09:00:00Z"}]}"#

    @Test func pagesFeaturesAndHistory() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await client.send(.post, "/ingest", json: Self.events).status == .ok)
            let pages = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/page")).body as? [[String: Any]] ?? []
            #expect(Set(pages.compactMap { $0["name"] as? String }) == ["/home", "/billing"] && pages.allSatisfy { $0["kind"] as? String == "Page" })
            let home = try #require(pages.first { $0["name"] as? String == "/home" }?["id"] as? String)
            let one = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/page?id=\(home)")).body as? [[String: Any]] ?? []
            #expect(one.map { $0["id"] as? String } == [home])
            #expect(((try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/page?id=\(home),%2Fbilling")).body as? [Any])?.count == 2)
            #expect(((try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/page?appId=5")).body as? [Any])?.isEmpty == true)
            #expect(((try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/feature")).body as? [Any])?.isEmpty == true)

            let start = 1_793_437_200_000 - 3_600_000   // 2026-10-31T08:00:00Z
            let history = try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/visitor/ann%40x.com/history?starttime=\(start)")
            let items = history.body as? [[String: Any]] ?? []
            #expect(history.status == .ok && items.map { $0["type"] as? String } == ["page", "click", "track", "page"])
            #expect(items.first?["pageId"] as? String == home && items.first?["ts"] as? Int == 1_793_437_200_000 && items.first?["lastTs"] as? Int == 1_793_437_260_000)
            #expect(items.first?["uri"] as? String == "/pendo/api/v1/page?id=\(home)" && items[1]["untaggedUrl"] as? String == "/home")
            #expect(items[2]["trackTypeId"] as? String != nil)

            let bad: [(String, HTTPResponse.Status, String)] = [
                ("/pendo/api/v1/visitor/ann%40x.com/history", .badRequest, "starttime"),
                ("/pendo/api/v1/visitor/ann%40x.com/history?starttime=soon", .badRequest, "starttime"),
                ("/pendo/api/v1/visitor/ann%40x.com/history?starttime=1", .badRequest, "starttime"),
                ("/pendo/api/v1/visitor/ann%40x.com/history?starttime=99999999999999", .badRequest, "starttime"),
                ("/pendo/api/v1/visitor/nobody/history?starttime=\(start)", .notFound, "visitorId"),
                ("/pendo/api/v1/page?appId=web", .badRequest, "appId"),
                ("/pendo/api/v1/page?id=,", .badRequest, "id"),
            ]
            for (uri, status, field) in bad {
                let answer = try await PendoRoutesTests.pendo(client, .get, uri)
                #expect(answer.status == status && ((answer.body as? [String: Any])?["error"] as? [String: Any])?["field"] as? String == field, "\(uri)")
            }
        }
    }

    @Test func dataSyncAndFeedbackAre501NamingWhatToUseInstead() async throws {
        try await TestServer.make().test(.router) { client in
            let requests: [(HTTPRequest.Method, String)] = [
                (.put, "/pendo/api/v1/datasync/storageTypes/gcs/destinations/Default/credentials"),
                (.put, "/pendo/api/v1/datasync/storageTypes/s3/destinations/Default/credentials"),
                (.put, "/pendo/api/v1/datasync/storageTypes/azure/destinations/Default/credentials"),
                (.get, "/pendo/api/v1/feedback/options"),
                (.post, "/pendo/api/v1/feedback"),
                (.patch, "/pendo/api/v1/feedback/HyyP3t3V2-v46aSzv0OrbHfbgCQ"),
            ]
            for (method, uri) in requests {
                let answer = try await PendoRoutesTests.pendo(client, method, uri, json: "{}")
                let error = (answer.body as? [String: Any])?["error"] as? [String: Any]
                #expect(answer.status == .notImplemented && error?["code"] as? String == "not_supported", "\(uri)")
                #expect((error?["message"] as? String)?.contains("not supported") == true)
            }
        }
    }
}
