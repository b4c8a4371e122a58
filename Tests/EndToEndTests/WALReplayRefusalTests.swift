import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A WAL record the server cannot apply stops the start with a message naming the tenant, the
/// record's sequence and the reason; `--force-recover` skips it and starts.
@Suite(.serialized) struct WALReplayRefusalTests {
    /// A record as docs/wal-format.md describes it, built here without the server's code.
    static func frame(type: UInt8, sequence: UInt64, payload: [UInt8]) -> [UInt8] {
        var head: [UInt8] = [type]
        withUnsafeBytes(of: sequence.littleEndian) { head += $0 }
        let crc = crc32c(head + payload)
        var frame: [UInt8] = []
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { frame += $0 }
        frame += head
        withUnsafeBytes(of: crc.littleEndian) { frame += $0 }
        return frame + payload
    }

    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = ~0
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0x82F6_3B78 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    @Test func anUnknownRecordStopsTheStartUnlessForced() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-refusal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        let server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        #expect(try await server.request("POST", "/ingest", key: "crash-key", json: #"{"event_type":"a","user_email":"u@x.com"}"#).status == 200)
        kill(server.pid, SIGKILL)   // no snapshot at shutdown: the record must come from the WAL
        _ = server.stop()

        let segment = Array("BWAL".utf8) + [1, 0, 0, 0] + Self.frame(type: 200, sequence: 1000, payload: [7])
        try Data(segment).write(to: dataDirectory.appendingPathComponent("crash/wal/wal-00000000000000001000.log"))
        let configURL = dataDirectory.appendingPathComponent("config.json")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let refused = try ServerProcess.runToExit(["serve", "--config", configURL.path, "--port", "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("WAL record 1000 of tenant 'crash'"), "\(refused.stderr)")
        #expect(refused.stderr.contains("record type 200 is unknown"))

        let forced = try ServerProcess(arguments: ["serve", "--config", configURL.path, "--port", "0", "--force-recover"])
        defer { _ = forced.stop() }
        #expect(try await forced.waitUntilReady() == "ok")
        #expect(try await forced.request("GET", "/api/data/stats", key: "crash-key").json["events"] as? Int == 1)
        #expect(try await forced.request("POST", "/ingest", key: "crash-key", json: #"{"event_type":"b","user_email":"u@x.com"}"#).status == 200)
    }
}
