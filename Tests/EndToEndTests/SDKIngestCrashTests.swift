import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SDK writes acknowledged, then `kill -9`: after the restart the events, properties and merges
/// are there, from both paths (the fast one logs the body, the general one its translation), and
/// a library's retry of the same messages counts once, whether the restart replays the WAL or
/// loads a snapshot.
@Suite(.serialized) struct SDKIngestCrashTests {
    static let fast = Data(#"{"batch":[{"type":"track","userId":"ada","event":"Signed Up","messageId":"f1"},{"type":"page","anonymousId":"v1","name":"Home","properties":{"path":"/home"},"messageId":"f2"}]}"#.utf8)
    static let general = Data(#"{"batch":[{"type":"identify","userId":"ada","anonymousId":"v1","traits":{"plan":"pro"},"messageId":"g1"}]}"#.utf8)
    static let basic = ["Authorization": "Basic " + Data("crash-key:".utf8).base64EncodedString()]

    @Test(arguments: [false, true])
    func acknowledgedSDKWritesSurviveKill9AndRetriesCountOnce(snapshotFirst: Bool) async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-sdk-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        let server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        #expect(try await server.request("POST", "/v1/batch", body: Self.fast, headers: Self.basic).status == 200)
        #expect(try await server.request("POST", "/v1/batch", body: Self.general, headers: Self.basic).status == 200)
        if snapshotFirst {
            #expect(try await server.request("POST", "/admin/snapshot", headers: ["x-admin-key": "admin"]).status == 200)
        }
        kill(server.pid, SIGKILL)
        server.process.waitUntilExit()

        let restarted = try ServerProcess(config: config)
        defer { _ = restarted.stop() }
        try await restarted.waitUntilReady()
        for body in [Self.fast, Self.general] {
            #expect(try await restarted.request("POST", "/v1/batch", body: body, headers: Self.basic).status == 200)
        }
        let stats = try await restarted.request("GET", "/api/data/stats", key: "crash-key")
        #expect(stats.json["events"] as? Int == 3, "counted once")
        #expect(stats.json["users"] as? Int == 1, "the visitor was merged into ada")
        let ada = try await restarted.request("GET", "/api/users/ada", key: "crash-key")
        #expect((ada.json["properties"] as? [String: Any])?["plan"] as? String == "pro")
    }
}
