import Testing
@testable import Runtime

/// Keys are kept 24 hours, bounded in number and bytes, and survive a snapshot.
@Suite struct IdempotencyKeysTests {
    static let now: Int64 = 1_793_448_000_000

    @Test func keysAreForgottenAfterADay() {
        var keys = IdempotencyKeys()
        keys.register("a", fingerprint: 1, atMs: Self.now)
        keys.recordAnswer("a", .init(status: 200, body: Array("{}".utf8)))
        keys.register("b", fingerprint: 2, atMs: Self.now + 3_600_000)
        keys.forgetOld(nowMs: Self.now + IdempotencyKeys.windowMs)
        #expect(keys.entry("a")?.answer?.status == 200, "exactly a day old is still kept")
        keys.forgetOld(nowMs: Self.now + IdempotencyKeys.windowMs + 1)
        #expect(keys.entry("a") == nil)
        #expect(keys.entry("b") != nil)
        keys.register("b", fingerprint: 99, atMs: Self.now + 7_200_000)
        #expect(keys.entry("b")?.fingerprint == 2, "a registered key is not overwritten")
    }

    @Test func theNumberOfKeysAndTheirBytesAreBounded() {
        var keys = IdempotencyKeys()
        for i in 0..<(IdempotencyKeys.maxKeys + 50) { keys.register("k\(i)", fingerprint: UInt64(i), atMs: Self.now) }
        #expect(keys.count == IdempotencyKeys.maxKeys)
        #expect(keys.entry("k0") == nil && keys.entry("k\(IdempotencyKeys.maxKeys + 49)") != nil, "the oldest go first")
        keys.recordAnswer("k\(IdempotencyKeys.maxKeys + 49)", .init(status: 200, body: [UInt8](repeating: 1, count: IdempotencyKeys.maxAnswerBytes + 1)))
        #expect(keys.entry("k\(IdempotencyKeys.maxKeys + 49)")?.answer == nil, "an answer too large is not kept")
    }
}
