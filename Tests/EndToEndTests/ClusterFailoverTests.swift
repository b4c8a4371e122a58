import Foundation
import NATSTestSupport
import Testing

/// Two real `beacon serve` nodes in cluster mode over one nats-server: the tenant is served by
/// one; clients ingest through it with idempotency keys; it is killed with SIGKILL; the other
/// node serves the tenant again with every acknowledged event counted once.
@Suite(.enabled(if: NATSServerProcess.isInstalled, "nats-server is not installed; `make cluster-deps` installs it"))
struct ClusterFailoverTests {
    static func config(node: String, nats: Int) -> String {
        #"""
        {"cluster":{"node":"\#(node)","url":"http://127.0.0.1:1","nats":["nats://127.0.0.1:\#(nats)"],"replicas":1,"lease_ms":3000},
         "rate_limits":{"ingest":{"requests":1000000,"window_seconds":60},"api":{"requests":1000000,"window_seconds":60}},
         "tenants":[{"id":"acme","api_keys":["cluster-key"],"retention_days":0}]}
        """#
    }

    /// The stored event count on `server`, or nil while it does not serve the tenant.
    func events(_ server: ServerProcess) async -> Int? {
        guard let reply = try? await server.request("GET", "/api/data/stats", key: "cluster-key"), reply.status == 200 else { return nil }
        return reply.json["events"] as? Int
    }

    func waitForOwner(_ servers: [ServerProcess], seconds: Double) async throws -> ServerProcess? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            for server in servers where await events(server) != nil { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func everyAcknowledgedEventSurvivesKill9OfTheOwningNode() async throws {
        try await withNATSServer { nats in
            let a = try ServerProcess(config: Self.config(node: "a", nats: nats.port))
            let b = try ServerProcess(config: Self.config(node: "b", nats: nats.port))
            defer { _ = a.stop(); _ = b.stop() }
            let owner = try #require(try await waitForOwner([a, b], seconds: 15), "no node came to serve the tenant")
            let other = owner === a ? b : a
            #expect(await events(other) == nil, "one owner at a time")
            // Acknowledged batches, each under its own key, sent as a client behind a balancer
            // would: to either node, again on a refusal, until one acknowledges. One is sent twice.
            var acknowledged = 0
            for i in 0..<20 {
                let body = #"{"events":[\#((0..<10).map { #"{"event_type":"login","user_email":"u\#(i)-\#($0)@x.com"}"# }.joined(separator: ","))]}"#
                for attempt in 0..<100 {
                    let node = attempt % 2 == 0 ? owner : other
                    let reply = try await node.request("POST", "/ingest", key: "cluster-key", body: Data(body.utf8), headers: ["Idempotency-Key": "batch-\(i)"])
                    if reply.status == 200 { acknowledged += 10; break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                if i == 7 { _ = try await owner.request("POST", "/ingest", key: "cluster-key", body: Data(body.utf8), headers: ["Idempotency-Key": "batch-\(i)"]) }
            }
            #expect(acknowledged == 200)
            // The node serving now is the one to kill.
            let serving = try #require(try await waitForOwner([owner, other], seconds: 15))
            let survivor = serving === owner ? other : owner
            kill(serving.pid, SIGKILL)
            serving.process.waitUntilExit()
            let killed = Date()
            let next = try await waitForOwner([survivor], seconds: 20)
            #expect(next != nil, "the surviving node never served the tenant")
            let seconds = Date().timeIntervalSince(killed)
            #expect(seconds <= 10, "failover took \(seconds) s")
            #expect(await events(survivor) == acknowledged, "every acknowledged event, once")
            // The retry of an acknowledged write, sent to the new owner, still counts once.
            let body = #"{"events":[\#((0..<10).map { #"{"event_type":"login","user_email":"u7-\#($0)@x.com"}"# }.joined(separator: ","))]}"#
            _ = try await survivor.request("POST", "/ingest", key: "cluster-key", body: Data(body.utf8), headers: ["Idempotency-Key": "batch-7"])
            #expect(await events(survivor) == acknowledged)
            print("cluster failover across processes: the tenant answered again \(String(format: "%.2f", seconds)) s after kill -9 (lease 3 s)")
        }
    }
}
