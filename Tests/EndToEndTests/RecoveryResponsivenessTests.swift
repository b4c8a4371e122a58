import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// While a large WAL replays, the server answers at once: `/health` says "recovering" and the
/// tenant's routes answer 503 with Retry-After instead of queueing behind the replay. (The 50 ms
/// figure for a 10M-event WAL is measured by bench/recovery_health.py, not asserted here.)
@Suite(.serialized) struct RecoveryResponsivenessTests {
    @Test func healthAndRequestsAnswerWhileALargeWALReplays() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-replay-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "none")
        let server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let batches = 400
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for b in stride(from: worker, to: batches, by: 4) {
                        let events = (0..<1000).map { i in
                            #"{"event_type":"e\#(i % 20)","user_email":"u\#((b * 1000 + i) % 50_000)@x.com","page_url":"/p\#(i % 30)","timestamp":\#(now - Int64(b * 1000 + i) * 50)}"#
                        }
                        let reply = try await server.request("POST", "/ingest", key: "crash-key", json: #"{"events":[\#(events.joined(separator: ","))]}"#)
                        #expect(reply.status == 200)
                    }
                }
            }
            try await group.waitForAll()
        }
        kill(server.pid, SIGKILL)
        server.process.waitUntilExit()

        let restarted = try ServerProcess(config: config)
        defer { _ = restarted.stop() }
        var sawRecovering = false, sawUnavailable = false
        var slowest: TimeInterval = 0
        for _ in 0..<2000 {
            let start = Date()
            let health = try await restarted.request("GET", "/health")
            slowest = max(slowest, Date().timeIntervalSince(start))
            guard health.json["status"] as? String == "recovering" else { break }
            sawRecovering = true
            let read = try await restarted.request("GET", "/api/data/stats", key: "crash-key")
            if read.status == 503, read.headers["retry-after"] != nil { sawUnavailable = true }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(sawRecovering, "the replay was long enough to be seen")
        #expect(sawUnavailable, "a tenant request during the replay got 503 with Retry-After")
        #expect(slowest < 2, "no /health answer waited for the replay (slowest \(slowest) s)")
        try await restarted.waitUntilReady()
        let stats = try await restarted.request("GET", "/api/data/stats", key: "crash-key")
        #expect(stats.json["events"] as? Int == batches * 1000)
    }
}
