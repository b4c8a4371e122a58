import Testing
@testable import Runtime
@testable import Snapshot

/// An SDK write is one WAL record that replays to the same state, and the message ids it brought
/// are kept in snapshots, so a library's retry after a restart still counts once.
@Suite struct SDKWriteCodecTests {
    static let now: Int64 = 1_793_448_000_000

    static let write = SDKWrite(
        nowMs: now, anonymousID: "anon-x",
        messageIDs: ["segment:m1", "segment:m2"],
        events: [EventInput(eventType: "identify", user: "ada", account: "acme", page: nil, timestampMs: now - 1000, properties: [.init("os", "Linux")]),
                 EventInput(eventType: "page_view", user: nil, page: "/home", timestampMs: nil)],
        merges: [SDKMerge(candidates: ["anon-a1", "a1"], user: "ada", onlyIfSeen: false)],
        edits: [.setUserProperties(user: "ada", properties: [.init("plan", "pro"), .init("old", nil)]),
                .setAccountProperties(account: "acme", properties: [.init("tier", "gold")])])

    @Test func theRecordDecodesToTheSameWrite() throws {
        let mutation = Mutation.sdkWrite(Self.write)
        #expect(mutation.typeCode == 13)
        let decoded = try Mutation.decoded(type: 13, payload: mutation.encodedPayload())
        #expect(decoded == mutation)
        // A cut record is damage, never a different write.
        let payload = mutation.encodedPayload()
        for cut in stride(from: 0, to: payload.count, by: 7) {
            #expect(Mutation.decode(type: 13, payload: Array(payload[..<cut])) == nil)
        }
    }

    @Test func replayGivesTheSameStateAsTheLiveWrite() throws {
        var live = TenantState(settings: TenantSettings(id: "t", name: "t"))
        _ = live.applyValidated(Self.write, anonymousID: try live.validate(Self.write) ? Self.write.anonymousID : nil)
        var replayed = TenantState(settings: live.settings)
        try replayed.replay(.sdkWrite(Self.write), parser: FastIngestParser())
        #expect(replayed.eventsIngested == 2 && live.eventsIngested == 2)
        #expect(replayed.messageIDs == live.messageIDs)
        #expect(replayed.profiles == live.profiles)
        #expect(live.profiles.accounts.values.contains { $0.properties["tier"] == "gold" })
        #expect(live.unseen([SDKMessage(messageID: "segment:m1"), SDKMessage(messageID: "segment:m3"), SDKMessage(messageID: "segment:m3")]) == [1])
    }

    @Test func messageIDsSurviveASnapshotAndAreForgottenAfterADay() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        _ = state.applyValidated(Self.write, anonymousID: "anon-x")
        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        var restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.messageIDs == state.messageIDs)
        #expect(restored.messageIDs.contains("segment:m2"))
        restored.forgetOldMessageIDs(nowMs: Self.now + MessageIDs.windowMs + 1)
        #expect(restored.messageIDs.count == 0)
    }

    @Test func aFastPathBodyReplaysToTheSameState() throws {
        let body = Array(#"{"batch":[{"type":"track","userId":"ada","event":"Signed Up","messageId":"m1","timestamp":"2026-10-31T11:00:00Z","properties":{"plan":"pro"}},{"type":"page","anonymousId":"v1","properties":{"url":"https://x.io/home?a=1"},"messageId":"m2"}]}"#.utf8)
        let dialect = try #require(SDKTranslator.dialect(ofPath: "/v1/batch"))
        let translated = try #require(SDKTranslator().translate(body, dialect: dialect))
        #expect(translated.messageHashes == [MessageIDs.hash("segment:m1"), MessageIDs.hash("segment:m2")])
        var live = TenantState(settings: TenantSettings(id: "t", name: "t"))
        _ = try live.validate(translated.batch, nowMs: Self.now)
        live.applyValidated(translated, nowMs: Self.now)
        let mutation = Mutation.sdkPackedBody(dialect: translated.dialect, nowMs: Self.now, body: try PackedBody.pack(body))
        let decoded = try Mutation.decoded(type: 14, payload: mutation.encodedPayload())
        #expect(decoded == mutation)
        var replayed = TenantState(settings: live.settings)
        try replayed.replay(decoded, parser: FastIngestParser())
        #expect(replayed.eventsIngested == 2 && live.eventsIngested == 2)
        #expect(replayed.messageIDs == live.messageIDs)
        #expect(replayed.userIndex("anon-v1") != nil)
        #expect(!replayed.noneSeen([MessageIDs.hash("segment:m1")]) && replayed.noneSeen([MessageIDs.hash("segment:m3")]))
    }

    @Test func idsKeptAsTextByTheFirstBuildsStillLoad() throws {
        let state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        var sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        var legacy = BinaryWriter()
        legacy.write(UInt32(2))
        legacy.write("segment:old-1"); legacy.write(Self.now)
        legacy.write("posthog:old-2"); legacy.write(Self.now + 1)
        sections[.messageIDs] = legacy.bytes
        sections[.messageIDHashes] = nil
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.messageIDs.contains("segment:old-1") && restored.messageIDs.contains("posthog:old-2"))
        #expect(!restored.messageIDs.contains("segment:old-2"))
    }
}
