import Foundation
import Testing

/// `beacon import` streams a file in the generator's line format to a running server.
@Suite(.serialized) struct ImportEndToEndTests {
    @Test func importSendsEveryEventAndMerge() async throws {
        let server = try ServerProcess(config: #"{"tenants":[{"id":"one","api_keys":["key-one"],"timezone":"Europe/Berlin"}]}"#)
        defer { _ = server.stop() }
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let start = Date().addingTimeInterval(-3 * 86_400)
        var lines: [String] = []
        for i in 0..<2_500 {
            let user = i % 7 == 0 ? "anon-0000000000000abc" : "user\(i % 40)@x.com"
            let ts = iso.string(from: start.addingTimeInterval(Double(i) * 60))
            lines.append(#"{"event":"page_view","user_id":"\#(user)","account_id":"acme-\#(i % 3)","timestamp":"\#(ts)","page":"/p\#(i % 9)","properties":{"plan":"pro","country":"DE"}}"#)
        }
        lines.append(#"{"type":"merge","anonymous_id":"anon-0000000000000abc","user_id":"user1@x.com","account_id":"acme-1","timestamp":"\#(iso.string(from: start))"}"#)
        let file = server.directory.appendingPathComponent("events.ndjson")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        let importer = Process()
        importer.executableURL = ServerProcess.binary
        importer.arguments = ["import", file.path, "--url", server.baseURL, "--api-key", "key-one", "--batch-size", "300", "--concurrency", "3"]
        let output = Pipe()
        importer.standardOutput = output
        importer.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try importer.run()
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0)
        let summary = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(summary.contains("imported 2500 events and 1 merges"))

        let stats = try await server.request("GET", "/api/data/stats", key: "key-one")
        #expect(stats.json["events"] as? Int == 2500)
        #expect(stats.json["users"] as? Int == 40, "the anonymous visitor was folded into user1")
        #expect(stats.json["accounts"] as? Int == 3)
    }

    /// Under a tight ingest limit the import waits as the server's Retry-After says, as often as
    /// it takes, shows the wait, and still sends everything once.
    @Test func importFollowsRetryAfterUntilEverythingIsIn() async throws {
        let config = #"{"rate_limits":{"ingest":{"requests":2,"window_seconds":2}},"tenants":[{"id":"one","api_keys":["key-one"]}]}"#
        let server = try ServerProcess(config: config)
        defer { _ = server.stop() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let lines = (0..<120).map { i in #"{"event":"login","user_id":"u\#(i)@x.com","timestamp":\#(now - Int64(i) * 1000)}"# }
        let file = server.directory.appendingPathComponent("limited.ndjson")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let importer = Process()
        importer.executableURL = ServerProcess.binary
        importer.arguments = ["import", file.path, "--url", server.baseURL, "--api-key", "key-one", "--batch-size", "20", "--concurrency", "2"]
        let output = Pipe(), errors = Pipe()
        importer.standardOutput = output
        importer.standardError = errors
        try importer.run()
        importer.waitUntilExit()
        let progress = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(importer.terminationStatus == 0, "stderr: \(progress.suffix(300))")
        #expect(progress.contains("rate limited: waiting"), "the wait shows in the progress line")
        #expect(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("imported 120 events"))
        #expect(try await server.request("GET", "/api/data/stats", key: "key-one").json["events"] as? Int == 120)
    }

    @Test func importRefusesBadArguments() throws {
        let refused = try ServerProcess.runToExit(["import", "/nonexistent.ndjson", "--api-key", "k", "--batch-size", "5000"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("batch-size"))
    }
}
