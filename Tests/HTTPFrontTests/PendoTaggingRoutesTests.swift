import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Defining pages, features and groups over HTTP, and the seed's reads seeing them: the
/// aggregation's `pageEvents` and `featureEvents`, `GET /page`, `/feature`, `/group`, history.
@Suite struct PendoTaggingRoutesTests {
    static let events = #"{"events":["#
        + #"{"event_type":"page_view","user_email":"ann@x.com","page_url":"/billing/invoices/1","timestamp":"2026-10-31T09:00:00Z"},"#
        + #"{"event_type":"page_view","user_email":"bob@x.com","page_url":"/billing","timestamp":"2026-10-31T09:01:00Z"},"#
        + #"{"event_type":"page_view","user_email":"bob@x.com","page_url":"/home","timestamp":"2026-10-31T09:01:30Z"},"#
        + ##"{"event_type":"click","user_email":"ann@x.com","page_url":"/billing/invoices/1","timestamp":"2026-10-31T09:02:00Z","properties":{"selector":"#pay > button.primary","text":"Pay now"}},"##
        + ##"{"event_type":"click","user_email":"bob@x.com","page_url":"/home","timestamp":"2026-10-31T09:03:00Z","properties":{"selector":"#pay > button.primary","text":"Pay now"}}]}"##

    static func aggregate(_ client: some TestClientProtocol, _ source: String) async throws -> [[String: Any]] {
        let body = #"{"response":{"mimeType":"application/json"},"request":{"pipeline":[{"source":{\#(source),"timeSeries":{"period":"dayRange","first":1793419200000,"count":1}}}]}}"#
        let answer = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/aggregation", json: body)
        return (answer.body as? [String: Any])?["results"] as? [[String: Any]] ?? []
    }

    @Test func definePagesFeaturesAndGroupsThenReadThem() async throws {
        try await TestServer.make().test(.router) { client in
            #expect(try await client.send(.post, "/ingest", json: Self.events).status == .ok)
            let page = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/page", key: "acme-admin", json: #"{"name":"Billing","rules":["//*/billing/**"]}"#)
            let pageID = try #require((page.body as? [String: Any])?["id"] as? String)
            #expect(page.status == .created && (page.body as? [String: Any])?["kind"] as? String == "Page")
            let feature = try await PendoRoutesTests.pendo(client, .put, "/pendo/api/v1/feature/pay", key: "acme-admin",
                                                           json: ##"{"name":"Pay","elementPathRules":["#pay button"],"pageId":"\##(pageID)"}"##)
            #expect(feature.status == .created && (feature.body as? [String: Any])?["pageId"] as? String == pageID)
            let group = try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/group", key: "acme-admin",
                                                         json: #"{"id":"money","name":"Money","items":[{"itemType":"Page","itemId":"\#(pageID)"},{"itemType":"Feature","itemId":"pay"}]}"#)
            #expect(group.status == .created && ((group.body as? [String: Any])?["items"] as? [Any])?.count == 2)

            // The past events are on the new page and feature at once.
            let pageRows = try await Self.aggregate(client, #""pageEvents":{"pageId":"\#(pageID)"}"#)
            #expect(Set(pageRows.compactMap { $0["visitorId"] as? String }) == ["ann@x.com", "bob@x.com"])
            let featureRows = try await Self.aggregate(client, #""featureEvents":null"#)
            #expect(featureRows.map { $0["visitorId"] as? String } == ["ann@x.com"] && featureRows.first?["featureId"] as? String == "pay")
            let pages = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/page")).body as? [[String: Any]] ?? []
            #expect(pages.compactMap { $0["name"] as? String } == ["Billing", "/home"])
            let features = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/feature?id=pay")).body as? [[String: Any]] ?? []
            #expect(features.first?["elementPathRules"] as? [String] == ["#pay button"])
            let groups = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/group?items=true")).body as? [[String: Any]] ?? []
            #expect(groups.first?["id"] as? String == "money" && (groups.first?["items"] as? [[String: Any]])?.last?["itemId"] as? String == "pay")
            let history = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/visitor/ann%40x.com/history?starttime=1793433600000")).body as? [[String: Any]] ?? []
            #expect(history.map { $0["type"] as? String } == ["page", "feature"] && history.last?["featureId"] as? String == "pay")

            // A replaced page moves its events; the page a feature narrows cannot go; removals answer 204.
            let moved = try await PendoRoutesTests.pendo(client, .put, "/pendo/api/v1/page/\(pageID)", key: "acme-admin", json: #"{"name":"Invoices","rules":[{"rule":"//*/billing/invoices/*"}]}"#)
            #expect(moved.status == .ok)
            #expect(try await Self.aggregate(client, #""pageEvents":{"pageId":"\#(pageID)"}"#).map { $0["visitorId"] as? String } == ["ann@x.com"])
            #expect(try await PendoRoutesTests.pendo(client, .delete, "/pendo/api/v1/page/\(pageID)", key: "acme-admin").status == .conflict)
            #expect(try await PendoRoutesTests.pendo(client, .delete, "/pendo/api/v1/feature/pay", key: "acme-admin").status == .noContent)
            #expect(try await PendoRoutesTests.pendo(client, .delete, "/pendo/api/v1/page/\(pageID)", key: "acme-admin").status == .noContent)
            let left = (try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/group?items=true")).body as? [[String: Any]] ?? []
            #expect((left.first?["items"] as? [Any])?.isEmpty == true, "removed objects leave their groups")
        }
    }

    @Test func badDefinitionsAre4xxNamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String, HTTPResponse.Status, String)] = [
                (.post, "/pendo/api/v1/page", #"{"rules":["//*/a"]}"#, .badRequest, "name"),
                (.post, "/pendo/api/v1/page", #"{"name":"a"}"#, .badRequest, "rules"),
                (.post, "/pendo/api/v1/page", #"{"name":"a","rules":["//app.example.com/a"]}"#, .badRequest, "rules[0]"),
                (.post, "/pendo/api/v1/page", #"{"name":"a","rules":[7]}"#, .badRequest, "rules[0]"),
                (.post, "/pendo/api/v1/page", #"{"name":"a","rules":["//*/a"],"id":"no spaces"}"#, .badRequest, "id"),
                (.post, "/pendo/api/v1/page", #"[1]"#, .badRequest, "body"),
                (.put, "/pendo/api/v1/page/%F0%9F%98%80", #"{"name":"a","rules":["//*/a"]}"#, .badRequest, "id"),
                (.post, "/pendo/api/v1/feature", #"{"name":"f"}"#, .badRequest, "elementPathRules"),
                (.post, "/pendo/api/v1/feature", #"{"name":"f","elementPathRules":["a ~ b"]}"#, .badRequest, "elementPathRules[0]"),
                (.post, "/pendo/api/v1/feature", #"{"name":"f","properties":{"k":1}}"#, .badRequest, "properties.k"),
                (.post, "/pendo/api/v1/feature", #"{"name":"f","elementText":"x","pageId":"nope"}"#, .notFound, "pageId"),
                (.post, "/pendo/api/v1/group", #"{"name":"g","groupType":"folder"}"#, .badRequest, "groupType"),
                (.post, "/pendo/api/v1/group", #"{"name":"g","items":[{"itemType":"Page","itemId":"nope"}]}"#, .notFound, "items[0]"),
                (.post, "/pendo/api/v1/group", #"{"name":"g","items":[{"itemType":"Guide","itemId":"1"}]}"#, .badRequest, "items[0]"),
                (.post, "/pendo/api/v1/group", #"{"name":"g","items":[{"itemType":"Row"}]}"#, .badRequest, "items[0]"),
                (.delete, "/pendo/api/v1/group/nope", "", .notFound, "id"),
            ]
            for (method, uri, body, status, field) in cases {
                let answer = try await PendoRoutesTests.pendo(client, method, uri, key: "acme-admin", json: body.isEmpty ? nil : body)
                #expect(answer.status == status && ((answer.body as? [String: Any])?["error"] as? [String: Any])?["field"] as? String == field, "\(uri) \(body)")
            }
            #expect(try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/page", key: "acme-viewer", json: #"{"name":"a","rules":["//*/a"]}"#).status == .forbidden)
            #expect(try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/page", key: "acme-admin", json: #"{"id":"a","name":"a","rules":["//*/a"]}"#).status == .created)
            #expect(try await PendoRoutesTests.pendo(client, .post, "/pendo/api/v1/page", key: "acme-admin", json: #"{"id":"a","name":"a","rules":["//*/a"]}"#).status == .conflict)
            #expect(try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/group?items=maybe").status == .badRequest)
            #expect(try await PendoRoutesTests.pendo(client, .get, "/pendo/api/v1/group?groupType=x").status == .badRequest)
        }
    }
}
