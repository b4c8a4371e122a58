import Foundation
import Testing

/// `beacon generate` writes what `beacon import` takes, and `serve --demo-events` fills the first
/// tenant once, not again on a restart.
@Suite(.serialized) struct DemoEndToEndTests {
    @Test func generatedFilesImportWhole() async throws {
        let server = try ServerProcess(config: #"{"tenants":[{"id":"one","api_keys":["key-one"]}]}"#)
        defer { _ = server.stop() }
        let file = server.directory.appendingPathComponent("generated.ndjson")
        let generated = try ServerProcess.runToExit(["generate", "--events", "3000", "--users", "60", "--days", "14", "--out", file.path])
        #expect(generated.status == 0)
        #expect(generated.stderr.contains("3000 events"))
        let importer = try ServerProcess.runToExit(["import", file.path, "--url", server.baseURL, "--api-key", "key-one"])
        #expect(importer.status == 0)
        let stats = try await server.request("GET", "/api/data/stats", key: "key-one")
        #expect(stats.json["events"] as? Int == 3000)
        #expect((stats.json["users"] as? Int ?? 0) <= 60, "anonymous visitors were merged at signup")
        let bad = try ServerProcess.runToExit(["generate", "--events", "0"])
        #expect(bad.status != 0)
    }

    @Test func demoEventsFillTheTenantOnce() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        for _ in 0..<2 {
            let server = try ServerProcess(arguments: ["serve", "--port", "0", "--data-dir", data.path, "--demo-events", "4000"])
            _ = try await server.waitUntilReady()
            var events = 0
            for _ in 0..<100 {
                events = try await server.request("GET", "/api/data/stats", key: "demo-key").json["events"] as? Int ?? 0
                if events >= 4000 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(events == 4000)
            _ = server.stop()
        }
    }
}
