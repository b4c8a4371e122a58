import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /pendo/api/v1/aggregation` over HTTP: the seed's envelope, JSON and CSV answers,
/// `details`, viewer keys, and every kind of bad input as a 4xx or 501 naming the field.
@Suite struct PendoAggregationRoutesTests {
    static let path = "/pendo/api/v1/aggregation"

    static func envelope(_ pipeline: String, mimeType: String = "application/json") -> String {
        #"{"response": {"mimeType": "\#(mimeType)"}, "request": {"name": "test", "pipeline": \#(pipeline), "requestId": "r1"}}"#
    }

    static func seed(_ client: some TestClientProtocol) async throws {
        var events: [String] = []
        for (i, user) in ["ann@x.com", "bob@x.com", "anon-7f3a9"].enumerated() {
            for n in 0..<(i + 2) {
                let ts = 1_793_440_000_000 + Int64(i * 600_000 + n * 61_000)
                events.append(#"{"event_type":"\#(n == 0 ? "page_view" : "Registered")","user_email":"\#(user)","account_id":"acme-co","page_url":"/home","timestamp":\#(ts),"properties":{"browser":"Firefox"}}"#)
            }
        }
        let answer = try await client.send(.post, "/ingest", json: #"{"events": [\#(events.joined(separator: ","))]}"#)
        #expect(answer.status == .ok)
    }

    @Test func eventsByVisitorAsJSONAndCSV() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.seed(client)
            let pipeline = #"""
                [{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}},
                 {"identified": "visitorId"}, {"group": {"group": ["visitorId"], "fields": {"events": {"sum": "numEvents"}, "minutes": {"sum": "numMinutes"}}}},
                 {"sort": ["-events"]}]
                """#
            let answer = try await client.send(.post, Self.path, key: "acme-viewer", json: Self.envelope(pipeline))
            #expect(answer.status == .ok)
            let rows = answer.json["results"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["visitorId"] as? String } == ["bob@x.com", "ann@x.com"])
            #expect(rows.map { $0["events"] as? Int } == [3, 2])
            #expect(rows.map { $0["minutes"] as? Int } == [3, 2])

            let csv = try await client.execute(uri: Self.path, method: .post, headers: [FieldName("x-pendo-integration-key")!: "acme-key", .contentType: "application/json"],
                                               body: ByteBuffer(string: Self.envelope(pipeline, mimeType: "text/csv"))) { response in
                (response.headers[.contentType], String(buffer: response.body))
            }
            #expect(csv.0?.hasPrefix("text/csv") == true)
            #expect(csv.1 == "events,minutes,visitorId\r\n3,3,bob@x.com\r\n2,2,ann@x.com\r\n")

            let details = try await client.send(.post, Self.path + "?details=true", json: Self.envelope(#"[{"source": {"apps": null}}]"#))
            let valid = (details.json["details"] as? [String: Any])?["validThrough"] as? [String: Any]
            #expect(valid?["-323232"] as? Int == 1_793_441_383_000)
            #expect((details.json["results"] as? [[String: Any]])?.first?["name"] as? String == "Beacon")
        }
    }

    @Test func badInputIsA4xxOr501NamingTheField() async throws {
        try await TestServer.make().test(.router) { client in
            try await Self.seed(client)
            let source = #"{"source": {"events": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}}"#
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"request": {}}"#, .badRequest, "request.pipeline"),
                (#"{"response": {"mimeType": "text/xml"}, "request": {"pipeline": []}}"#, .badRequest, "response.mimeType"),
                (#"{"response": {"mimeType": 5}, "request": {"pipeline": []}}"#, .badRequest, "response.mimeType"),
                (#"{"request": {"pipeline": [], "extra": 1}}"#, .badRequest, "request.extra"),
                (#"{"request": {"pipeline": [], "name": 3}}"#, .badRequest, "request.name"),
                (#"{"pipeline": []}"#, .badRequest, "pipeline"),
                (#"[1]"#, .badRequest, "body"),
                (#"{"request": {"pipeline": {}}}"#, .badRequest, "request.pipeline"),
                (Self.envelope(#"[\#(source), {"filter": "numEvents >> 2"}]"#), .badRequest, "request.pipeline[1].filter"),
                (Self.envelope(#"[\#(source), {"filter": "visitorId + 1 > 2"}]"#), .badRequest, "request.pipeline[1].filter"),
                (Self.envelope(#"[\#(source), {"segment": {"id": "404"}}]"#), .notFound, "request.pipeline[1].segment.id"),
                (Self.envelope(#"[{"source": {"emailEvents": null, "timeSeries": {"period": "dayRange", "first": "now()", "count": 1}}}]"#), .notImplemented,
                 "request.pipeline[0].source.emailEvents"),
                (Self.envelope(#"[{"source": {"vocItems": null}}]"#), .notImplemented, "request.pipeline[0].source.vocItems"),
                (Self.envelope(#"[{"source": {"events": null, "timeSeries": {"period": "hourRange", "first": "now()", "count": 999999}}}]"#), .contentTooLarge,
                 "request.pipeline[0].source.timeSeries.count"),
            ]
            for (body, status, field) in cases {
                let answer = try await client.send(.post, Self.path, json: body)
                #expect(answer.status == status, "\(body)")
                #expect(answer.json.errorField == field, "\(body)")
            }
            let column = try await client.send(.post, Self.path, json: Self.envelope(#"[\#(source), {"filter": "numEvents >> 2"}]"#))
            #expect(column.json.errorMessage?.contains("(column 12)") == true)
            #expect(try await client.send(.post, Self.path, key: nil, json: Self.envelope("[]")).status == .unauthorized)
            let empty = try await client.send(.post, Self.path, json: Self.envelope("[]"))
            #expect(empty.status == .ok && (empty.json["results"] as? [Any])?.isEmpty == true)
        }
    }
}
