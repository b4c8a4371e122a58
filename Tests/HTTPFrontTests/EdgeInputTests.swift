import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// Instants and numbers at the edges (Int64's ends, year 1, year 9999, huge counts) are a 400
/// naming the field, never a trap: each of these once could take the whole process down.
private let int64Max = "9223372036854775807"
private let int64Min = "-9223372036854775808"

@Suite struct EdgeInputTests {
    static let queries: [(uri: String, field: String)] = [
        ("/api/live?at=\(int64Max)", "at"),
        ("/api/live?at=\(int64Min)", "at"),
        ("/api/live?at=-1", "at"),
        ("/api/live?at=0001-01-01T00:00:00Z", "at"),
        ("/api/live?at=9999-12-31T23:59:59.999Z", "at"),
        ("/api/live?at=99999999999999999999999", "at"),
        ("/api/activity?end=0001-01-01", "end"),
        ("/api/activity?end=9999-12-31", "end"),
        ("/api/activity?days=\(int64Max)", "days"),
        ("/api/activity?days=\(int64Min)", "days"),
        ("/api/activity?days=99999999999999999999999", "days"),
        ("/api/events?end=0000-01-01", "end"),
        ("/api/retention?event_a=login&event_b=login&periods=\(int64Max)", "periods"),
        ("/api/retention?event_a=login&event_b=login&end=0001-01-01", "end"),
        ("/api/paths?event=login&depth=\(int64Max)", "depth"),
        ("/api/paths?event=login&depth=0", "depth"),
        ("/api/accounts?limit=\(int64Max)", "limit"),
        ("/api/accounts?offset=\(int64Max)", "offset"),
        ("/api/accounts?offset=-1", "offset"),
        ("/api/funnels?steps=login,login&window_days=\(int64Min)", "window_days"),
        ("/api/v1/metrics/dau?range=0001-01-01,0001-01-02", "range"),
        ("/api/v1/metrics/dau?range=9999-12-30,9999-12-31", "range"),
        ("/api/v1/metrics/dau?range=\(int64Max)d", "range"),
    ]

    @Test func queryParametersAtTheEdgesAreRefusedByName() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@x.com"}"#)
            for (uri, field) in Self.queries {
                let answer = try await client.send(.get, uri)
                #expect(answer.status == .badRequest, "\(uri) answered \(answer.status)")
                #expect(answer.json.errorField == field, "\(uri) named \(answer.json.errorField ?? "nothing")")
            }
            #expect(try await client.send(.get, "/api/live?at=2026-10-31T11:00:00Z").status == .ok, "the server is still up")
        }
    }

    @Test func eventTimesOutsideTheSupportedSpanAreRefused() async throws {
        try await TestServer.make().test(.router) { client in
            for timestamp in [int64Max, int64Min, "-1000000000000000", "946684799999", "\"0001-01-01T00:00:00Z\"", "\"1999-12-31T23:59:59Z\""] {
                let single = try await client.send(.post, "/ingest", json: #"{"event_type":"x","user_email":"a@x.com","timestamp":\#(timestamp)}"#)
                #expect(single.status == .badRequest, "timestamp \(timestamp) answered \(single.status)")
                #expect(single.json.errorField == "timestamp")
                let error = try await client.send(.post, "/ingest/error", json: #"{"page_url":"/x","error_type":"other","user_email":"a@x.com","timestamp":\#(timestamp)}"#)
                #expect(error.status == .badRequest, "error timestamp \(timestamp) answered \(error.status)")
                #expect(error.json.errorField == "timestamp")
            }
            let stats = try await client.send(.get, "/api/data/stats")
            #expect(stats.json["events"] as? Int == 0, "nothing was applied")
        }
    }

    @Test func bodyNumbersAtTheEdgesAreRefusedByName() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@x.com"}"#)
            let cases: [(String, String, String)] = [
                ("/api/events/query", #"{"includes":[{"event":"login"}],"offset":\#(int64Max)}"#, "offset"),
                ("/api/events/query", #"{"includes":[{"event":"login","min_count":\#(int64Max)}]}"#, "includes[0].min_count"),
                ("/api/events/query", #"{"includes":[{"event":"login"}],"days":\#(int64Max)}"#, "days"),
                ("/api/events/query", #"{"includes":[{"event":"login"}],"end":"0001-01-01"}"#, "end"),
                ("/api/events/query", #"{"includes":[{"event":"login"}],"days":1e300}"#, "days"),
                ("/api/funnels", #"{"steps":[{"event":"login"},{"event":"login","within_minutes":\#(int64Max)}]}"#, "steps[1].within_minutes"),
                ("/api/funnels", #"{"steps":[{"event":"login"},{"event":"login"}],"window_days":\#(int64Min)}"#, "window_days"),
                ("/api/segments/estimate", #"{"rules":[{"type":"did_event","event":"login","within_days":\#(int64Max)}]}"#, "rules[0].within_days"),
            ]
            for (uri, body, field) in cases {
                let answer = try await client.send(.post, uri, json: body)
                #expect(answer.status == .badRequest, "\(uri) \(body) answered \(answer.status)")
                #expect(answer.json.errorField == field, "\(uri) \(body) named \(answer.json.errorField ?? "nothing")")
            }
        }
    }
}
