import Crypto
import Foundation
import NATS
import NATSTestSupport
import Testing

@Suite(.enabled(if: NATSServerProcess.isInstalled, "nats-server is not installed; `make cluster-deps` installs it"))
struct ObjectStoreTests {
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    @Test func multiChunkRoundTrip() async throws {
        try await withJetStream { js, _ in
            let store = try await ObjectStore.create(js, bucket: "snapshots")
            let blob = Self.randomBytes(1_000_003)
            let info = try await store.put("tenant-1/snapshot.bin", blob)
            #expect(info.size == 1_000_003)
            #expect(info.chunks == 8)  // 128 KiB chunks
            #expect(info.bucket == "snapshots")
            let expectedDigest = "SHA-256=" + Data(SHA256.hash(data: blob)).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(info.digest == expectedDigest)
            #expect(try await store.get("tenant-1/snapshot.bin") == blob)
            #expect(try await store.info("tenant-1/snapshot.bin") == info)

            // The meta record sits where other NATS clients look for it.
            let metaSubject = "$O.snapshots.M." + Data("tenant-1/snapshot.bin".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            let meta = try #require(try await js.lastMessage(stream: "OBJ_snapshots", subject: metaSubject))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(meta.payload)) as? [String: Any])
            #expect(json["nuid"] as? String == info.nuid)
            #expect(json["chunks"] as? Int == 8)
            #expect(json["digest"] as? String == expectedDigest)

            // Replacing keeps only the new chunks.
            let smaller = Self.randomBytes(300)
            try await store.put("tenant-1/snapshot.bin", smaller)
            #expect(try await store.get("tenant-1/snapshot.bin") == smaller)
            #expect(try await js.streamInfo("OBJ_snapshots").state.messages == 2)  // one chunk, one meta

            try await store.put("empty", [])
            #expect(try await store.get("empty") == [])
            #expect(Set(try await store.list().map(\.name)) == ["tenant-1/snapshot.bin", "empty"])

            try await store.delete("tenant-1/snapshot.bin")
            #expect(try await store.info("tenant-1/snapshot.bin") == nil)
            await #expect(throws: ObjectStoreError.objectNotFound(bucket: "snapshots", name: "tenant-1/snapshot.bin")) {
                _ = try await store.get("tenant-1/snapshot.bin")
            }
            #expect(try await store.list().map(\.name) == ["empty"])
            #expect(try await js.streamInfo("OBJ_snapshots").state.messages == 2)  // two meta records, no chunks
        }
    }

    @Test func corruptedChunksFailTheDigestCheck() async throws {
        try await withJetStream { js, _ in
            let store = try await ObjectStore.create(js, bucket: "checked")
            let info = try await store.put("blob", Self.randomBytes(200_000))
            #expect(info.chunks == 2)
            // Replace the chunks with other bytes of the same sizes, as a broken writer would.
            let chunkSubject = "$O.checked.C.\(info.nuid)"
            try await js.purge(stream: "OBJ_checked", subject: chunkSubject)
            try await js.publish(subject: chunkSubject, payload: Self.randomBytes(128 * 1024))
            try await js.publish(subject: chunkSubject, payload: Self.randomBytes(200_000 - 128 * 1024))
            do {
                _ = try await store.get("blob")
                Issue.record("corrupted object read back without error")
            } catch ObjectStoreError.digestMismatch(let name, let expected, let actual) {
                #expect(name == "blob")
                #expect(expected == info.digest)
                #expect(actual != expected)
            }
        }
    }
}
