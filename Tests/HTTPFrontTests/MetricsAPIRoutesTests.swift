import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The metrics API's series routes end to end through the router: common parameters, shapes and
/// every bad input a 400 naming its parameter.
@Suite struct MetricsAPIRoutesTests {
    static let events = #"""
    {"events":[
     {"event_type":"login","user_email":"a@x.com","timestamp":"2026-10-29T10:00:00Z","properties":{"country":"US"}},
     {"event_type":"login","user_email":"b@x.com","timestamp":"2026-10-30T10:00:00Z","properties":{"country":"DE"}},
     {"event_type":"purchase","user_email":"a@x.com","timestamp":"2026-10-30T11:00:00Z","properties":{"country":"US","amount":"30"}},
     {"event_type":"purchase","user_email":"a@x.com","timestamp":"2026-10-31T11:00:00Z","properties":{"country":"US","amount":"12"}},
     {"event_type":"login","user_email":"c@x.com","timestamp":"2026-10-31T11:59:00Z"}
    ]}
    """#

    static func values(_ answer: (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields)) -> [Int?] {
        (answer.json["data"] as? [[String: Any]])?.map { $0["value"] as? Int } ?? []
    }

    @Test func breakdownConditionsAndCompare() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: Self.events)
            let range = "range=2026-10-29,2026-10-31"
            let events = try await client.send(.get, "/api/v1/metrics/events?\(range)")
            #expect(Self.values(events) == [1, 2, 2])
            let byCountry = try await client.send(.get, "/api/v1/metrics/events?\(range)&breakdown=country&breakdown_limit=1")
            let points = byCountry.json["data"] as? [[String: Any]] ?? []
            #expect(points.map { $0["dimension"] as? String } == ["US", "US", "US", "other", "other", "other"])
            #expect(points.map { $0["value"] as? Int } == [1, 1, 1, 0, 1, 1])
            let purchases = try await client.send(.get, "/api/v1/metrics/dau?\(range)&conditions%5B0%5D%5Bfield%5D=event_name&conditions%5B0%5D%5Bvalue%5D=purchase")
            #expect(Self.values(purchases) == [0, 1, 1])
            let big = try await client.send(.get, "/api/v1/metrics/events?\(range)&conditions[0][field]=properties.amount&conditions[0][operator]=%3E&conditions[0][value]=20")
            #expect(Self.values(big) == [0, 1, 0])
            let notUS = try await client.send(.get, "/api/v1/metrics/dau?\(range)&conditions[0][field]=country&conditions[0][operator]=not_in&conditions[0][value]=US,FR")
            #expect(Self.values(notUS) == [0, 1, 1])
            let compared = try await client.send(.get, "/api/v1/metrics/dau?range=2026-10-30,2026-10-31&compare=previous")
            #expect(Self.values(compared) == [2, 2])
            let earlier = (compared.json["compare"] as? [String: Any])?["data"] as? [[String: Any]]
            #expect(earlier?.map { $0["value"] as? Int } == [0, 1])
            #expect(earlier?.map { $0["date"] as? String } == ["2026-10-28", "2026-10-29"])
            let wau = try await client.send(.get, "/api/v1/metrics/wau?\(range)&breakdown=event_name")
            let wauPoints = wau.json["data"] as? [[String: Any]] ?? []
            #expect(wauPoints.filter { $0["dimension"] as? String == "login" }.map { $0["value"] as? Int } == [1, 2, 3])
        }
    }

    @Test func minuteAndHourBucketsOverTheLastHours() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"events":[{"event_type":"login","user_email":"a@x.com"},{"event_type":"login","user_email":"b@x.com"}]}"#)
            let minutes = try await client.send(.get, "/api/v1/metrics/dau?range=1h&granularity=minute")
            let points = minutes.json["data"] as? [[String: Any]] ?? []
            #expect(points.count == 60)
            #expect(points.last?["value"] as? Int == 2)
            #expect(points.last?["time"] is String)
            let hours = try await client.send(.get, "/api/v1/metrics/events?range=24h&granularity=hour")
            #expect(Self.values(hours).compactMap { $0 }.reduce(0, +) == 2)
        }
    }

    @Test(arguments: [
        ("/api/v1/metrics/dau?granularity=fortnightly", "granularity"),
        ("/api/v1/metrics/dau?range=30d&granularity=minute", "granularity"),
        ("/api/v1/metrics/wau?range=1d&granularity=hourly", "granularity"),
        ("/api/v1/metrics/dau?range=49h", "range"),
        ("/api/v1/metrics/dau?range=soon", "range"),
        ("/api/v1/metrics/events?compare=lastyear", "compare"),
        ("/api/v1/metrics/events?breakdown_limit=0", "breakdown_limit"),
        ("/api/v1/metrics/events?breakdown=properties.", "breakdown"),
        ("/api/v1/metrics/events?conditions[0][operator]=eq&conditions[0][value]=x", "conditions[0][field]"),
        ("/api/v1/metrics/events?conditions[0][field]=country&conditions[0][operator]=about", "conditions[0][operator]"),
        ("/api/v1/metrics/events?conditions[0][field]=country", "conditions[0][value]"),
        ("/api/v1/metrics/events?conditions[99][field]=country", "conditions[99][field]"),
        ("/api/v1/metrics/events?conditions[0][colour]=red", "conditions[0][colour]"),
        ("/api/v1/metrics/dau/raw?date=tomorrow", "date"),
        ("/api/v1/metrics/dau/raw?range=2026-10-29,2026-10-31&date=2026-11-05", "date"),
        ("/api/v1/metrics/wau/raw?range=1d&granularity=hourly", "granularity"),
        ("/api/v1/metrics/mau/raw?limit=10001", "limit"),
        ("/api/v1/metrics/events/raw?offset=-1", "offset"),
        ("/api/v1/metrics/events/raw?offset=1000001", "offset"),
        ("/api/v1/metrics/events/raw?count_total=yes", "count_total"),
        ("/api/v1/metrics/events/top?limit=ten", "limit"),
        ("/api/v1/metrics/events/top/login/raw?range=soon", "range"),
        ("/api/v1/metrics/events/properties?property=plan", "event"),
        ("/api/v1/metrics/events/properties?event=purchase", "property"),
        ("/api/v1/metrics/events/properties?event=purchase&property=properties.", "property"),
        ("/api/v1/metrics/events/custom?event=purchase", "property"),
        ("/api/v1/metrics/events/custom?property=amount", "event"),
        ("/api/v1/metrics/events/custom?event=purchase&property=amount&metric=median", "metric"),
        ("/api/v1/metrics/events/custom?event=purchase&property=page", "property"),
        ("/api/v1/metrics/events/first-time", "event"),
        ("/api/v1/metrics/events/first-time?event=login&match_mode=maybe", "match_mode"),
        ("/api/v1/metrics/events/first-time?event=login&lookback_days=-1", "lookback_days"),
        ("/api/v1/metrics/events/first-time?event=login&lookback_days=3651", "lookback_days"),
        ("/api/v1/metrics/events/per-actor?metric=avg", "event"),
        ("/api/v1/metrics/events/per-actor?event=login&metric=p42", "metric"),
        ("/api/v1/metrics/events/per-actor?event=login&property=user_id", "property"),
        ("/api/v1/metrics/events/per-actor?event=login&breakdown_limit=101", "breakdown_limit"),
    ])
    func badParametersNameThemselves(path: String, field: String) async throws {
        try await TestServer.make().test(.router) { client in
            let answer = try await client.send(.get, path)
            #expect(answer.status == .badRequest, "\(path) answered \(answer.status)")
            #expect(answer.json.errorField == field, "\(path)")
        }
    }
}
