import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A write acknowledged under an `Idempotency-Key`, then `kill -9`: after the restart a retry with
/// the same key is answered the first answer and the write counts once, whether the restart
/// replays the WAL or loads a snapshot.
@Suite(.serialized) struct IdempotencyEndToEndTests {
    @Test(arguments: [false, true])
    func aRetryAfterKill9CountsOnce(snapshotFirst: Bool) async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-idem-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        let server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        let batch = Data(#"{"events":[{"event_type":"a","user_email":"u@x.com"},{"event_type":"b","user_email":"v@x.com"},{"event_type":"c"}]}"#.utf8)
        let keyed = ["Idempotency-Key": "import-0001"]
        let first = try await server.request("POST", "/ingest", key: "crash-key", body: batch, headers: keyed)
        #expect(first.status == 200)
        let segment = Data(#"{"name":"a-doers","rules":[{"type":"did_event","event":"a","within_days":7}]}"#.utf8)
        let created = try await server.request("POST", "/api/segments", key: "crash-key", body: segment, headers: ["Idempotency-Key": "segment-a"])
        if snapshotFirst {
            #expect(try await server.request("POST", "/admin/snapshot", headers: ["x-admin-key": "admin"]).status == 200)
        }
        kill(server.pid, SIGKILL)
        server.process.waitUntilExit()

        let restarted = try ServerProcess(config: config)
        defer { _ = restarted.stop() }
        try await restarted.waitUntilReady()
        let retried = try await restarted.request("POST", "/ingest", key: "crash-key", body: batch, headers: keyed)
        #expect(retried.status == 200)
        #expect(retried.headers["idempotent-replayed"] == "true")
        #expect(retried.json["accepted"] as? Int == 3)
        #expect(retried.json["anonymous_id"] as? String == first.json["anonymous_id"] as? String, "the first answer, byte for byte")
        let segmentAgain = try await restarted.request("POST", "/api/segments", key: "crash-key", body: segment, headers: ["Idempotency-Key": "segment-a"])
        #expect((segmentAgain.json["segment"] as? [String: Any])?["id"] as? Int == (created.json["segment"] as? [String: Any])?["id"] as? Int)
        let stats = try await restarted.request("GET", "/api/data/stats", key: "crash-key")
        #expect(stats.json["events"] as? Int == 3, "counted once")
        let segments = try await restarted.request("GET", "/api/segments", key: "crash-key")
        #expect((segments.json["segments"] as? [Any])?.count == 1)
    }
}
