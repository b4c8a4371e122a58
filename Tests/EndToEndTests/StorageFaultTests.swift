import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A write the WAL cannot take is answered 503 and not applied; reads go on; writes resume once
/// the fault clears; nothing acknowledged is lost. The fault is a file-size limit (EFBIG) set on
/// the running server, which works even for root.
@Suite(.serialized) struct StorageFaultTests {
    /// util-linux's prlimit(1) (prlimit(2) is not exposed to Swift).
    func setFileSizeLimit(pid: Int32, bytes: UInt64?) -> Bool {
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        tool.arguments = ["--pid", String(pid), "--fsize=\(bytes.map(String.init) ?? "unlimited"):unlimited"]
        guard (try? tool.run()) != nil else { return false }
        tool.waitUntilExit()
        return tool.terminationStatus == 0
    }

    @Test func aFailingWALRefusesWritesAndRecoversWhenTheFaultClears() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-fault-\(UUID().uuidString)")
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        let server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        let event = #"{"events":[{"event_type":"a","user_email":"u@x.com"},{"event_type":"b","user_email":"v@x.com"}]}"#
        #expect(try await server.request("POST", "/ingest", key: "crash-key", json: event).status == 200)

        let wal = dataDirectory.appendingPathComponent("crash/wal")
        let sizes = try FileManager.default.contentsOfDirectory(atPath: wal.path)
            .compactMap { try? FileManager.default.attributesOfItem(atPath: wal.appendingPathComponent($0).path)[.size] as? UInt64 }
        #expect(setFileSizeLimit(pid: server.pid, bytes: max(1, sizes.max() ?? 1)))

        let refused = try await server.request("POST", "/ingest", key: "crash-key", json: event)
        #expect(refused.status == 503)
        #expect((refused.json["error"] as? [String: Any])?["code"] as? String == "storage_unavailable")
        let stats = try await server.request("GET", "/api/data/stats", key: "crash-key")
        #expect(stats.status == 200, "reads go on")
        #expect(stats.json["events"] as? Int == 2, "the refused write was not applied")

        #expect(setFileSizeLimit(pid: server.pid, bytes: nil))
        #expect(try await server.request("POST", "/ingest", key: "crash-key", json: event).status == 200)
        kill(server.pid, SIGKILL)
        server.process.waitUntilExit()

        let restarted = try ServerProcess(config: config)
        defer { _ = restarted.stop() }
        try await restarted.waitUntilReady()
        let events = try await restarted.request("GET", "/api/data/stats", key: "crash-key").json["events"] as? Int
        #expect(events == 4, "both acknowledged writes, and not the refused one")
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}
