import Testing
@testable import Runtime
@testable import Snapshot

/// Idempotency keys and their answers are kept in snapshots, so a retry after a restart is
/// answered the first answer.
@Suite struct IdempotencyCodecTests {
    static let now: Int64 = 1_793_448_000_000

    @Test func keysAndAnswersSurviveASnapshot() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        state.registerIdempotencyKey("first", fingerprint: 7, atMs: Self.now)
        state.recordIdempotentAnswer("first", .init(status: 201, body: Array(#"{"ok":true}"#.utf8)))
        state.registerIdempotencyKey("second", fingerprint: 8, atMs: Self.now + 1)
        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.idempotency == state.idempotency)
        #expect(restored.idempotency.entriesInOrder.map(\.key) == ["first", "second"])
    }
}
