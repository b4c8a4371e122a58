import Foundation
import Testing

/// A product created at run time has its own WAL and snapshots: it and the key's switch to it
/// survive kill -9, and deleting it removes its files.
@Suite(.serialized) struct ProductsEndToEndTests {
    @Test func aCreatedProductSurvivesKill9AndLeavesTheDiskWhenDeleted() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-products-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        var server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        let created = try await server.request("POST", "/api/products", key: "crash-key", json: #"{"name":"Mobile"}"#)
        #expect(created.status == 201)
        let workspace = try #require(created.json["workspace"] as? String)
        #expect(try await server.request("POST", "/api/products/switch", key: "crash-key", json: #"{"tenant_id":2}"#).status == 200)
        #expect(try await server.request("POST", "/ingest", key: "crash-key", json: #"{"events":[{"event_type":"open","user_email":"m@x.com"},{"event_type":"open","user_email":"n@x.com"}]}"#).status == 200)
        kill(server.pid, SIGKILL)
        _ = server.stop()

        server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        let stats = try await server.request("GET", "/api/data/stats", key: "crash-key")
        #expect(stats.json["events_retained"] as? Int == 2)
        let list = try await server.request("GET", "/api/products", key: "crash-key")
        #expect((list.json["products"] as? [[String: Any]])?.map { $0["name"] as? String } == ["crash", "Mobile"] && list.json["active_tenant_id"] as? Int == 2)
        #expect(FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent(workspace).path))
        #expect(try await server.request("POST", "/api/products/switch", key: "crash-key", json: #"{"tenant_id":1}"#).status == 200)
        #expect(try await server.request("DELETE", "/api/products/2", key: "crash-key").status == 200)
        #expect(!FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent(workspace).path))
        kill(server.pid, SIGKILL)
        _ = server.stop()
        server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        let after = try await server.request("GET", "/api/products", key: "crash-key")
        #expect((after.json["products"] as? [[String: Any]])?.count == 1)
        kill(server.pid, SIGKILL)
        _ = server.stop()
    }
}
