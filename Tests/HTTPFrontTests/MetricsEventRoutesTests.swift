import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The events family and the `/raw` lists end to end through the router on a small fixed
/// dataset (`MetricsAPIRoutesTests.events`): shapes and paging (bad inputs are in
/// `MetricsAPIRoutesTests`).
@Suite struct MetricsEventRoutesTests {
    static let range = "range=2026-10-29,2026-10-31"

    static func rows(_ answer: (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields)) -> [[String: Any]] {
        answer.json["data"] as? [[String: Any]] ?? []
    }

    static func values(_ answer: (status: HTTPResponse.Status, json: [String: Any], headers: HTTPFields)) -> [Double?] {
        rows(answer).map { ($0["value"] as? NSNumber)?.doubleValue }
    }

    @Test func usersBehindAPoint() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let last = try await client.send(.get, "/api/v1/metrics/dau/raw?\(Self.range)&count_total=true")
            #expect(Self.rows(last).map { $0["user_id"] as? String } == ["a@x.com", "c@x.com"])
            #expect(last.json["total"] as? Int == 2)
            #expect(last.json["metric"] as? String == "dau")
            #expect((last.json["point"] as? [String: Any])?["date"] as? String == "2026-10-31")
            let week = try await client.send(.get, "/api/v1/metrics/wau/raw?\(Self.range)&date=2026-10-31")
            let first = Self.rows(week).first
            #expect(Self.rows(week).map { $0["user_id"] as? String } == ["a@x.com", "b@x.com", "c@x.com"])
            #expect(first?["events"] as? Int == 3)
            #expect(first?["first_seen"] as? String == "2026-10-29T10:00:00.000Z")
            #expect(first?["last_seen"] as? String == "2026-10-31T11:00:00.000Z")
            #expect(week.json["total"] == nil)
            let paged = try await client.send(.get, "/api/v1/metrics/wau/raw?\(Self.range)&limit=1&offset=1&count_total=1")
            #expect(Self.rows(paged).map { $0["user_id"] as? String } == ["b@x.com"])
            #expect(paged.json["total"] as? Int == 3)
            #expect(paged.json["limit"] as? Int == 1 && paged.json["offset"] as? Int == 1)
            let purchasers = try await client.send(.get, "/api/v1/metrics/mau/raw?\(Self.range)&conditions[0][field]=event_name&conditions[0][value]=purchase")
            #expect(Self.rows(purchasers).map { $0["events"] as? Int } == [2])
            let weekly = try await client.send(.get, "/api/v1/metrics/dau/raw?\(Self.range)&granularity=weekly&date=2026-10-29")
            #expect(Self.rows(weekly).map { $0["user_id"] as? String } == ["a@x.com", "b@x.com", "c@x.com"])
        }
    }

    @Test func eventRowsAndTopEvents() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let top = try await client.send(.get, "/api/v1/metrics/events/top?\(Self.range)&count_total=true")
            #expect(Self.rows(top).map { $0["event"] as? String } == ["login", "purchase"])
            #expect(Self.rows(top).map { $0["count"] as? Int } == [3, 2])
            #expect(Self.rows(top).map { $0["users"] as? Int } == [3, 1])
            #expect(top.json["total"] as? Int == 2)
            let raw = try await client.send(.get, "/api/v1/metrics/events/raw?\(Self.range)&limit=2&count_total=true")
            #expect(Self.rows(raw).map { $0["event"] as? String } == ["login", "purchase"])
            #expect(Self.rows(raw).map { $0["timestamp"] as? String } == ["2026-10-31T11:59:00.000Z", "2026-10-31T11:00:00.000Z"])
            #expect(Self.rows(raw).first?["page"] is NSNull)
            #expect(raw.json["total"] as? Int == 5)
            let purchases = try await client.send(.get, "/api/v1/metrics/events/top/purchase/raw?\(Self.range)")
            #expect(Self.rows(purchases).map { ($0["properties"] as? [String: String])?["amount"] } == ["12", "30"])
            #expect(Self.rows(purchases).map { $0["user_id"] as? String } == ["a@x.com", "a@x.com"])
            #expect(purchases.json["event"] as? String == "purchase")
            let unknown = try await client.send(.get, "/api/v1/metrics/events/top/never_sent/raw?\(Self.range)&count_total=true")
            #expect(unknown.status == .ok)
            #expect(Self.rows(unknown).isEmpty && unknown.json["total"] as? Int == 0)
        }
    }

    @Test func propertyValuesOfAnEvent() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let amounts = try await client.send(.get, "/api/v1/metrics/events/properties?\(Self.range)&event=purchase&property=amount&limit=1&count_total=true")
            #expect(Self.rows(amounts).map { $0["value"] as? String } == ["12"])
            let other = amounts.json["other"] as? [String: Any]
            #expect(other?["value"] is NSNull && other?["count"] as? Int == 1 && other?["users"] as? Int == 1)
            #expect(amounts.json["property"] as? String == "properties.amount")
            #expect(amounts.json["total"] as? Int == 2)
            let countries = try await client.send(.get, "/api/v1/metrics/events/properties?\(Self.range)&event=login&property=properties.country")
            #expect(Self.rows(countries).map { $0["value"] as? String } == [nil, "DE", "US"])
            #expect(Self.rows(countries).first?["value"] is NSNull)
            #expect(countries.json["other"] == nil)
        }
    }

    @Test func seriesOverAnEvent() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: MetricsAPIRoutesTests.events)
            let custom = "/api/v1/metrics/events/custom?\(Self.range)&event=purchase&property=amount"
            #expect(Self.values(try await client.send(.get, custom)) == [0, 30, 12])
            #expect(Self.values(try await client.send(.get, "\(custom)&metric=avg")) == [nil, 30, 12])
            #expect(Self.values(try await client.send(.get, "\(custom)&metric=count&granularity=weekly")) == [2])
            let compared = try await client.send(.get, "\(custom)&metric=max&compare=previous")
            #expect((compared.json["compare"] as? [String: Any])?["data"] is [[String: Any]])
            #expect(compared.json["metric"] as? String == "events/custom")

            let first = "/api/v1/metrics/events/first-time?\(Self.range)"
            #expect(Self.values(try await client.send(.get, "\(first)&event=login")) == [1, 1, 1])
            #expect(Self.values(try await client.send(.get, "\(first)&event=purchase")) == [0, 1, 0])
            let cheap = "conditions[0][field]=amount&conditions[0][operator]=lt&conditions[0][value]=20"
            #expect(Self.values(try await client.send(.get, "\(first)&event=purchase&\(cheap)")) == [0, 0, 0])
            #expect(Self.values(try await client.send(.get, "\(first)&event=purchase&\(cheap)&match_mode=true")) == [0, 0, 1])
            let late = try await client.send(.get, "/api/v1/metrics/events/first-time?range=2026-10-31,2026-10-31&event=purchase&lookback_days=0")
            #expect(Self.values(late) == [1])
            let byCountry = try await client.send(.get, "\(first)&event=login&breakdown=country")
            #expect(Self.rows(byCountry).map { $0["dimension"] as? String }.contains("DE"))

            let perActor = "/api/v1/metrics/events/per-actor?\(Self.range)"
            #expect(Self.values(try await client.send(.get, "\(perActor)&event=login&metric=sum")) == [1, 1, 1])
            #expect(Self.values(try await client.send(.get, "\(perActor)&event=purchase&property=properties.amount&metric=max")) == [nil, 30, 12])
            #expect(Self.values(try await client.send(.get, "\(perActor)&event=purchase&granularity=monthly")) == [2])
            #expect(Self.values(try await client.send(.get, "\(perActor)&event=never_sent")) == [nil, nil, nil])
        }
    }
}
