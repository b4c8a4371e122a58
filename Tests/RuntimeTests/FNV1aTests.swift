import Testing
@testable import Runtime

/// These hashes are logged and kept in snapshots, so their values may never change.
@Suite struct FNV1aTests {
    @Test func matchesThePublishedVectors() {
        for (text, expected) in [("", 0xcbf2_9ce4_8422_2325), ("a", 0xaf63_dc4c_8601_ec8c), ("foobar", 0x8594_4171_f739_67e8)] as [(String, UInt64)] {
            var hash = FNV1a()
            hash.add(text.utf8)
            #expect(hash.value == expected, "\(text)")
        }
    }

    @Test func idempotencyFingerprintIsPinned() {
        let body = Array(#"{"events":[{"event_type":"signup","user":"u1"}]}"#.utf8)
        let fingerprint = body.withUnsafeBytes { IdempotencyKeys.fingerprint(method: "POST", path: "/api/v1/events", body: $0) }
        #expect(fingerprint == 0x4012_b1eb_1e37_0766)
    }
}
