import Foundation
import Testing

/// The metrics API's writes (marks, audiences, structured logs) go through the WAL like events:
/// acknowledged ones survive kill -9, from the WAL alone and again from a snapshot plus the WAL,
/// and SQL reads the recovered logs.
@Suite(.serialized) struct MetricsWritesCrashTests {
    @Test func marksAudiencesAndLogsSurviveKill9() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-metrics-writes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        var server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        _ = try await server.request("POST", "/ingest", key: "crash-key", json: #"{"event_type":"login","user_email":"a@x.com","properties":{"plan":"pro"}}"#)
        let mark = try await server.request("POST", "/api/v1/marks", key: "crash-key",
                                            json: #"{"title":"v2 release","timestamp":"2026-01-02T03:04:05Z","category":"release"}"#)
        #expect(mark.status == 201)
        let audience = try await server.request("POST", "/api/v1/audiences", key: "crash-key",
                                                json: #"{"name":"Pro users","description":"on pro","definition":{"filters":[{"field":"plan","operator":"eq","value":"pro"}]}}"#)
        #expect(audience.status == 201)
        let edited = try await server.request("PUT", "/api/v1/audiences/1", key: "crash-key", json: #"{"description":"pro plan"}"#)
        #expect(edited.status == 200)
        let logs = try await server.request("POST", "/api/v1/logs", key: "crash-key",
                                            json: #"[{"level":"error","service":"api","message":"boom","attributes":{"code":"500"}},{"message":"fine"}]"#)
        #expect(logs.status == 201)
        kill(server.pid, SIGKILL)
        _ = server.stop()

        for round in 0..<2 {
            server = try ServerProcess(config: config)
            try await server.waitUntilReady()
            let marks = try await server.request("GET", "/api/v1/marks", key: "crash-key")
            #expect((marks.json["data"] as? [[String: Any]])?.map { $0["title"] as? String } == ["v2 release"], "round \(round)")
            let recovered = try await server.request("GET", "/api/v1/audiences/1", key: "crash-key")
            let data = recovered.json["data"] as? [String: Any]
            #expect(data?["description"] as? String == "pro plan", "round \(round)")
            let count = try await server.request("GET", "/api/v1/audiences/1/count", key: "crash-key")
            #expect((count.json["data"] as? [String: Any])?["count"] as? Int == 1, "round \(round)")
            let sql = try await server.request("POST", "/api/v1/sql", key: "crash-key",
                                               json: #"{"query":"SELECT level, json_extract(attributes, '$.code') FROM logs_v1 ORDER BY level"}"#)
            let rows = (sql.json["data"] as? [String: Any])?["rows"] as? [[Any]]
            #expect(rows?.map { "\($0[0])/\(($0[1] as? String) ?? "null")" } == ["error/500", "info/null"], "round \(round)")
            if round == 0 {
                #expect(try await server.request("POST", "/admin/snapshot", headers: ["x-admin-key": "admin"]).status == 200)
            }
            kill(server.pid, SIGKILL)
            _ = server.stop()
        }
    }
}
