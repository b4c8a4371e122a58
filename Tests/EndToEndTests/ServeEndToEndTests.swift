import Foundation
import Testing

/// Runs the real binary over HTTP: ingest, reads, errors (401, 400, 413, 429), stop by PID.
@Suite(.serialized) struct ServeEndToEndTests {
    static let config = #"""
    {"server":{"host":"127.0.0.1","port":8080,"body_limit_bytes":4096},
     "rate_limits":{"ingest":{"requests":50,"window_seconds":60},"api":{"requests":25,"window_seconds":60}},
     "tenants":[{"id":"one","api_keys":["key-one"],"timezone":"Europe/Berlin"},{"id":"two","api_keys":["key-two"]}]}
    """#

    @Test func ingestReadAndErrorsOverHTTP() async throws {
        let server = try ServerProcess(config: Self.config)
        defer { #expect(server.stop() == 0, "graceful exit on SIGTERM") }

        let now = Date()
        let iso = ISO8601DateFormatter()
        let events = (0..<20).map { i in
            #"{"event_type":"\#(i % 2 == 0 ? "login" : "report_viewed")","user_email":"u\#(i % 5)@x.com","account_id":"acme","timestamp":"\#(iso.string(from: now.addingTimeInterval(Double(-i * 30))))"}"#
        }.joined(separator: ",")
        let ingest = try await server.request("POST", "/ingest", key: "key-one", json: #"{"events":[\#(events)]}"#)
        #expect(ingest.status == 200)
        #expect(ingest.json["accepted"] as? Int == 20)

        // Visible to the very next read.
        let live = try await server.request("GET", "/api/live", key: "key-one")
        #expect(live.json["active_users"] as? Int == 5)
        let dau = try await server.request("GET", "/api/v1/metrics/dau?range=7d", headers: ["Authorization": "Bearer key-one"])
        #expect((dau.json["data"] as? [[String: Any]])?.last?["value"] as? Int == 5)
        let types = try await server.request("GET", "/api/events?days=1", key: "key-one")
        #expect((types.json["event_types"] as? [[String: Any]])?.count == 2)
        let other = try await server.request("GET", "/api/data/stats", key: "key-two")
        #expect(other.json["events"] as? Int == 0)

        #expect(try await server.request("GET", "/api/live").status == 401)
        #expect(try await server.request("GET", "/api/live", key: "wrong").status == 401)
        let bad = try await server.request("POST", "/ingest", key: "key-one", json: #"{"events":[{"event_type":"a"},{"event_type":""}]}"#)
        #expect(bad.status == 400)
        #expect((bad.json["error"] as? [String: Any])?["field"] as? String == "events[1].event_type")
        let big = try await server.request("POST", "/ingest", key: "key-one", body: Data(repeating: UInt8(ascii: " "), count: 10_000))
        #expect(big.status == 413)
        #expect(try await server.request("GET", "/nowhere", key: "key-one").status == 404)

        var limited: ServerProcess.Reply?
        for _ in 0..<30 {
            let reply = try await server.request("GET", "/api/activity", key: "key-two")
            if reply.status == 429 { limited = reply; break }
        }
        #expect(limited != nil)
        #expect(Int(limited?.headers["retry-after"] ?? "") ?? 0 >= 1)

        let health = try await server.request("GET", "/health")
        #expect(health.json["status"] as? String == "ok")
        let metrics = try await server.request("GET", "/metrics")
        #expect(metrics.status == 200)
    }

    @Test func metricsExposePrometheusText() async throws {
        let server = try ServerProcess(config: Self.config)
        defer { _ = server.stop() }
        _ = try await server.request("POST", "/ingest", key: "key-one", json: #"{"event_type":"login","user_email":"a@x.com"}"#)
        var request = URLRequest(url: URL(string: server.baseURL + "/metrics")!)
        request.httpMethod = "GET"
        let (data, _) = try await URLSession.shared.data(for: request)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("beacon_events_ingested_total"))
        #expect(text.contains("hb_requests"))
        #expect(text.contains("beacon_resident_memory_bytes"))
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `beacon serve` with no --config runs on the embedded default, the same as config.json.
@Suite(.serialized) struct EmbeddedConfigurationTests {
    @Test func servesTheDemoTenantWithoutAConfigFile() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-embedded-\(UUID().uuidString)")
        let server = try ServerProcess(arguments: ["serve", "--port", "0", "--data-dir", dataDirectory.path])
        defer { _ = server.stop() }
        // Until its (empty) WAL is read the tenant answers 503 with Retry-After; then it takes writes.
        #expect(try await server.waitUntilReady() == "ok")
        let reply = try await server.request("POST", "/ingest", key: "demo-key", json: #"{"event_type":"login","user_email":"a@x.com"}"#)
        #expect(reply.status == 200)
        let health = try await server.request("GET", "/health")
        #expect((health.json["tenants"] as? [[String: Any]])?.first?["id"] as? String == "demo")
    }

    @Test func embeddedTextEqualsConfigJSON() throws {
        let shipped = try String(contentsOf: ServerProcess.packageRoot.appendingPathComponent("config.json"), encoding: .utf8)
        let embedded = try String(contentsOf: ServerProcess.packageRoot.appendingPathComponent("Sources/beacon/EmbeddedConfiguration.swift"), encoding: .utf8)
        #expect(embedded.contains(shipped), "Sources/beacon/EmbeddedConfiguration.swift must hold config.json verbatim")
    }

    @Test func aBadConfigStopsTheStartNamingTheKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-bad-\(UUID().uuidString).json")
        try #"{"tenants":[{"id":"t","api_keys":["k"],"timezone":"Mars/Base"}]}"#.write(to: directory, atomically: true, encoding: .utf8)
        let refused = try ServerProcess.runToExit(["serve", "--config", directory.path, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("tenants[0].timezone"))
    }
}
