import CZstd
import Foundation
import Testing

/// Anonymizing a user reaches the disk: once the route answers, no file of the data directory
/// holds the email, read raw or with every zstd frame in it decompressed; and what stays (the
/// history under the hash) survives kill -9.
@Suite(.serialized) struct ErasureEndToEndTests {
    static let email = "Erase.Me+tag@example.com"

    /// Every file under `directory`: its bytes, then the output of every zstd frame found in it.
    static func readable(_ directory: URL) throws -> [(file: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where !file.hasDirectoryPath {
            guard let data = try? Data(contentsOf: file) else { continue }
            let bytes = [UInt8](data)
            out.append((file.lastPathComponent, bytes))
            var i = 0
            while i + 4 <= bytes.count {
                if bytes[i] == 0x28, bytes[i + 1] == 0xB5, bytes[i + 2] == 0x2F, bytes[i + 3] == 0xFD {
                    out.append(("\(file.lastPathComponent)@\(i)", decompressFrame(bytes, from: i)))
                }
                i += 1
            }
        }
        return out
    }

    /// What a zstd stream starting at `offset` decompresses to, up to its end or the first error.
    static func decompressFrame(_ bytes: [UInt8], from offset: Int) -> [UInt8] {
        guard let stream = ZSTD_createDStream() else { return [] }
        defer { ZSTD_freeDStream(stream) }
        ZSTD_initDStream(stream)
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        bytes.withUnsafeBytes { raw in
            var input = ZSTD_inBuffer(src: raw.baseAddress! + offset, size: raw.count - offset, pos: 0)
            while input.pos < input.size {
                let produced = chunk.withUnsafeMutableBytes { out -> Int in
                    var output = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                    let code = ZSTD_decompressStream(stream, &output, &input)
                    return ZSTD_isError(code) != 0 ? -1 : output.pos
                }
                if produced < 0 { break }
                result += chunk[0..<produced]
                if produced == 0 && input.pos >= input.size { break }
                if result.count > 1 << 28 { break }
            }
        }
        return result
    }

    static func holds(_ haystack: [UInt8], _ needle: String) -> Bool {
        let lower = Array(needle.lowercased().utf8)
        guard haystack.count >= lower.count else { return false }
        let folded = haystack.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        return folded.indices.dropLast(lower.count - 1).contains { i in folded[i] == lower[0] && Array(folded[i..<(i + lower.count)]) == lower }
    }

    @Test func anonymizeLeavesNoCopyOfTheEmailOnDisk() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-erasure-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let config = CrashRecoveryTests.config(dataDirectory: dataDirectory, fsync: "always")
        var server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        // Enough events that the body is logged compressed, a property naming the email on someone else's event, a profile and a note.
        let events = (0..<200).map { i in #"{"event_type":"view","user_email":"\#(Self.email)","properties":{"plan":"pro","n":"\#(i)"}}"# }
        #expect(try await server.request("POST", "/ingest", key: "crash-key", json: #"{"events":[\#(events.joined(separator: ","))]}"#).status == 200)
        #expect(try await server.request("POST", "/ingest", key: "crash-key",
                                         json: #"{"event_type":"invite","user_email":"boss@example.com","properties":{"invitee":"\#(Self.email)"}}"#).status == 200)
        let path = Self.email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(try await server.request("PUT", "/api/users/\(path)/properties", key: "crash-key", json: #"{"properties":{"phone":"+1 555 0100"}}"#).status == 200)
        #expect(try await server.request("POST", "/api/users/\(path)/notes", key: "crash-key", json: #"{"content":"asked to be forgotten"}"#).status == 201)
        #expect(try await server.request("POST", "/admin/snapshot", headers: ["x-admin-key": "admin"]).status == 200)
        #expect(try await server.request("POST", "/ingest", key: "crash-key", json: #"{"event_type":"export","user_email":"\#(Self.email)"}"#).status == 200)
        #expect(try Self.readable(dataDirectory).contains { Self.holds($0.bytes, Self.email) })   // the check can see it

        let held = try await server.request("GET", "/api/privacy/users/\(path)", key: "crash-key")
        #expect(held.status == 200 && held.json["event_count"] as? Int == 201 && (held.json["profile_properties"] as? [String: String])?["phone"] == "+1 555 0100")
        let answer = try await server.request("POST", "/api/privacy/anonymize", key: "crash-key", json: #"{"email":"\#(Self.email)"}"#)
        #expect(answer.status == 200)
        let name = try #require(answer.json["user"] as? String)
        #expect(name.hasPrefix("anon-") && answer.json["events_kept"] as? Int == 202)

        let leaks = try Self.readable(dataDirectory).filter { Self.holds($0.bytes, Self.email) }.map(\.file)
        #expect(leaks.isEmpty, "the email is still in \(leaks)")
        #expect(try await server.request("GET", "/api/privacy/users/\(path)", key: "crash-key").status == 404)

        kill(server.pid, SIGKILL)
        _ = server.stop()
        server = try ServerProcess(config: config)
        try await server.waitUntilReady()
        let after = try await server.request("GET", "/api/privacy/users/\(name)", key: "crash-key")
        #expect(after.status == 200 && after.json["event_count"] as? Int == 201 && (after.json["latest_properties"] as? [String: String])?.isEmpty == true)
        #expect((after.json["profile_properties"] as? [String: String])?.isEmpty == true && (after.json["notes"] as? [Any])?.isEmpty == true)
        let boss = try await server.request("GET", "/api/privacy/users/boss%40example.com", key: "crash-key")
        #expect(((boss.json["recent_events"] as? [[String: Any]])?.first?["properties"] as? [String: String])?["invitee"] == name)
        #expect(try await server.request("GET", "/api/privacy/users/\(path)", key: "crash-key").status == 404)
        kill(server.pid, SIGKILL)
        _ = server.stop()
        #expect(try Self.readable(dataDirectory).allSatisfy { !Self.holds($0.bytes, Self.email) })
    }
}
