import Foundation
import HTTPFront
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AuthAndLimitsTests {
    @Test func missingOrUnknownKeyIs401() async throws {
        try await TestServer.make().test(.router) { client in
            let missing = try await client.send(.get, "/api/live", key: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.json.errorMessage?.contains("API key") == true)
            let unknown = try await client.send(.get, "/api/live", key: "nope")
            #expect(unknown.status == .unauthorized)
            let health = try await client.send(.get, "/health", key: nil)
            #expect(health.status == .ok)
        }
    }

    @Test func oneTenantsKeyNeverReachesAnothersData() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", key: "acme-key", json: #"{"event_type":"login","user_email":"a@acme.com"}"#)
            let acme = try await client.send(.get, "/api/data/stats", key: "acme-key")
            let globex = try await client.send(.get, "/api/data/stats", key: "globex-key")
            #expect(acme.json["events"] as? Int == 1)
            #expect(globex.json["events"] as? Int == 0)
            let spoofed = try await client.send(.get, "/api/v1/metrics/dau", key: "acme-key", headers: [FieldName("x-workspace-id")!: "globex"])
            #expect(spoofed.status == .forbidden)
        }
    }

    @Test func bearerKeysWorkOnTheMetricsAPI() async throws {
        try await TestServer.make().test(.router) { client in
            try await client.send(.post, "/ingest", json: #"{"event_type":"login","user_email":"a@acme.com"}"#)
            let answer = try await client.send(.get, "/api/v1/metrics/dau?range=7d", key: nil,
                                               headers: [.authorization: "Bearer acme-key", FieldName("x-workspace-id")!: "acme"])
            #expect(answer.status == .ok)
            let data = answer.json["data"] as? [[String: Any]] ?? []
            #expect(data.count == 7)
            #expect(data.last?["value"] as? Int == 1)
            #expect(data.last?["date"] as? String == "2026-10-31")
        }
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        try await TestServer.make(rateLimits: ["api": .init(requests: 3, windowSeconds: 60)]).test(.router) { client in
            for _ in 0..<3 { #expect(try await client.send(.get, "/api/live").status == .ok) }
            let limited = try await client.send(.get, "/api/live")
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Another key has its own budget.
            #expect(try await client.send(.get, "/api/live", key: "globex-key").status == .ok)
        }
    }

    @Test func unknownRoutesAndWrongMethodsAreJSON404() async throws {
        try await TestServer.make().test(.router) { client in
            let unknown = try await client.send(.get, "/api/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(unknown.json.errorMessage?.contains("/api/nothing-here") == true)
            let wrongMethod = try await client.send(.delete, "/api/live")
            #expect(wrongMethod.status.code / 100 == 4)
            #expect(wrongMethod.json.errorMessage != nil)
        }
    }

    @Test func badParametersNameTheField() async throws {
        try await TestServer.make().test(.router) { client in
            for (uri, field) in [("/api/activity?days=0", "days"), ("/api/activity?days=abc", "days"), ("/api/events?end=2026-13-01", "end"),
                                 ("/api/v1/metrics/wau?range=last-week", "range"), ("/api/v1/metrics/mau?granularity=hourly", "granularity"),
                                 ("/api/activity?segment_id=abc", "segment_id"), ("/api/live?at=soon", "at")] {
                let answer = try await client.send(.get, uri)
                #expect(answer.status == .badRequest, "\(uri)")
                #expect(answer.json.errorField == field, "\(uri)")
            }
        }
    }
}
