import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

/// The health, signal, impact, workspace and export routes at the ends of what a client may send:
/// the first and last supported days (2000-01-01, 2100-01-01) and the days past them (year 0 and 9999 too), the widest ranges, the largest ids and numbers. Each
/// answers (an empty page or a 4xx naming the field), never a 500.
@Suite struct NativeExtremesTests {
    @Test func theEndsOfEveryRangeAnswer() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: HealthRoutesTests.events)
            let fine = [
                "/api/health?end=2000-01-01", "/api/health?end=2100-01-01&limit=10000&offset=2147483647",
                "/api/health/acme?end=2100-01-01",
                "/api/accounts/acme/health-history?days=90&end=2000-01-01", "/api/accounts/acme/health-history?days=90&end=2100-01-01",
                "/api/signals?days=3650&page=1000000&per_page=100", "/api/signals/summary?days=3650", "/api/signals/focus?limit=100",
                "/api/impact?days=3650", "/api/impact/actions?days=3650&page=1000000", "/api/impact/export?days=3650",
                "/api/export?type=events&days=3650&end=2100-01-01", "/api/export?type=accounts&days=3650&end=2000-01-01",
                "/api/export?type=users&days=3650", "/api/export?type=feature_adoption&days=3650&end=2100-01-01",
            ]
            for uri in fine { let a = try await client.send(.get, uri); #expect(a.status == .ok, "\(uri) \(a.status) \(a.json)") }
            for (method, uri, body, field) in [
                (HTTPRequest.Method.get, "/api/health?end=12000-01-01", nil as String?, "end"),
                (.get, "/api/health/acme?end=2000-01-01", nil, "accountId"),   // before its first event
                (.get, "/api/health?end=0000-01-01", nil, "end"), (.get, "/api/health/acme?end=9999-12-31", nil, "end"),
                (.get, "/api/accounts/acme/health-history?end=1999-12-31", nil, "end"), (.get, "/api/export?type=events&end=2100-01-02", nil, "end"),
                (.get, "/api/signals?page=1000001", nil, "page"),
                (.post, "/api/signals/9223372036854775807/dismiss", nil, "id"),
                (.post, "/api/signals/9223372036854775808/dismiss", nil, "id"),
                (.put, "/api/impact/actions/-1", #"{"resolved":true}"#, "id"),
                (.post, "/api/alerts", #"{"name":"a","metric":"event_count","threshold":-9223372036854775808,"direction":"below"}"#, "threshold"),
                (.post, "/api/goals", #"{"name":"g","metric":"event_count","target":1,"days":9223372036854775807}"#, "days"),
                (.delete, "/api/views/9223372036854775807", nil, "id"),
            ] {
                let answer = try await client.send(method, uri, json: body)
                #expect((400..<500).contains(Int(answer.status.code)), "\(method) \(uri)")
                #expect(answer.json.errorField == field, "\(method) \(uri)")
            }
            // Thresholds and targets at ±1e15 are kept.
            #expect(try await client.send(.post, "/api/alerts", json: #"{"name":"a","metric":"event_count","threshold":-1e15,"direction":"below"}"#).status == .created)
            #expect(try await client.send(.post, "/api/goals", json: #"{"name":"g","metric":"active_users","target":1e15,"days":365}"#).status == .created)
        }
    }
}
