import NATS
import NATSTestSupport
import Testing

@Suite(.enabled(if: NATSServerProcess.isInstalled, "nats-server is not installed; `make cluster-deps` installs it"))
struct KeyValueTests {
    @Test func createUpdateConflictDeleteRecreate() async throws {
        try await withJetStream { js, _ in
            let kv = try await KeyValue.create(js, bucket: "leases", history: 5)
            #expect(try await kv.get("node.leader")?.value == nil)
            #expect(try await kv.entry("node.leader") == nil)

            let created = try await kv.create("node.leader", Array("n1".utf8))
            await #expect(throws: JetStreamError.self) { try await kv.create("node.leader", Array("n2".utf8)) }
            let current = try #require(try await kv.get("node.leader"))
            #expect(current.value == Array("n1".utf8))
            #expect(current.revision == created)

            let updated = try await kv.update("node.leader", Array("n1-renewed".utf8), revision: created)
            #expect(updated > created)
            do {
                try await kv.update("node.leader", Array("n2".utf8), revision: created)
                Issue.record("an update against a stale revision was accepted")
            } catch JetStreamError.wrongLastSequence {
            }
            #expect(try await kv.get("node.leader")?.value == Array("n1-renewed".utf8))

            await #expect(throws: JetStreamError.self) { try await kv.delete("node.leader", revision: created) }
            let deleted = try await kv.delete("node.leader", revision: updated)
            #expect(try await kv.get("node.leader")?.value == nil)
            let marker = try #require(try await kv.entry("node.leader"))
            #expect(marker.isDeleted)
            #expect(marker.operation == .delete)
            #expect(marker.value == nil)
            #expect(marker.revision == deleted)

            let recreated = try await kv.create("node.leader", Array("n2".utf8))
            #expect(recreated > deleted)
            #expect(try await kv.get("node.leader")?.value == Array("n2".utf8))
        }
    }

    @Test func keysLeaveOutDeletedAndPurged() async throws {
        try await withJetStream { js, _ in
            let kv = try await KeyValue.create(js, bucket: "config")
            #expect(try await kv.keys() == [])
            for key in ["a", "b.c", "d/e", "f"] { try await kv.put(key, Array(key.utf8)) }
            try await kv.put("a", Array("again".utf8))
            try await kv.delete("b.c")
            try await kv.purge("f")
            #expect(Set(try await kv.keys()) == ["a", "d/e"])
            #expect(try await kv.entry("f")?.operation == .purge)
            let reopened = try await KeyValue.open(js, bucket: "config")
            #expect(try await reopened.get("a")?.value == Array("again".utf8))
            await #expect(throws: JetStreamError.self) { _ = try await KeyValue.open(js, bucket: "missing") }
        }
    }

    @Test func refusesBadNames() async throws {
        try await withJetStream { js, _ in
            await #expect(throws: JetStreamError.self) { _ = try await KeyValue.create(js, bucket: "bad.bucket") }
            let kv = try await KeyValue.create(js, bucket: "names")
            for key in ["", ".a", "a.", "a..b", "a b", "a*", ">"] {
                await #expect(throws: JetStreamError.self, "\(key.debugDescription)") { try await kv.put(key, []) }
            }
        }
    }

    @Test func bucketLayoutFollowsTheConventions() async throws {
        try await withJetStream { js, _ in
            let kv = try await KeyValue.create(js, bucket: "layout", history: 3, ttl: .seconds(3600))
            let config = try await js.streamInfo("KV_layout").config
            #expect(config.subjects == ["$KV.layout.>"])
            #expect(config.maxMsgsPerSubject == 3)
            #expect(config.allowRollupHdrs == true)
            #expect(config.denyDelete == true)
            #expect(config.maxAge == Duration.seconds(3600).components.seconds * 1_000_000_000)
            try await kv.put("k", [1])
            #expect(try await js.lastMessage(stream: "KV_layout", subject: "$KV.layout.k")?.payload == [1])
        }
    }
}
