import Foundation
import Testing
import TestSupport
@testable import Runtime
@testable import Snapshot

@Suite struct SnapshotTests {
    static let now: Int64 = 1_793_448_000_000

    /// A state built from random batches, merges and late events, in a zone with DST.
    static func generatedState(seed: UInt64, events: Int = 3000) throws -> TenantState {
        var rng = SeededRNG(seed: seed)
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "Europe/Berlin")!, retentionDays: 0))
        var batch: [EventInput] = []
        for i in 0..<events {
            let user = rng.next() % 5 == 0 ? "anon-\(rng.next() % 30)" : "u\(rng.next() % 200)@x.com"
            batch.append(EventInput(eventType: "e\(rng.next() % 7)", user: user, account: "acct\(rng.next() % 9)",
                                    page: rng.next() % 2 == 0 ? "/p\(rng.next() % 15)" : nil,
                                    timestampMs: now - Int64(rng.next() % (40 * 86_400_000)),
                                    properties: [.init("plan", ["free", "pro"][Int(rng.next() % 2)]), .init("n", "\(rng.next() % 4)")]))
            if batch.count == 100 { _ = try state.ingest(batch, nowMs: now, anonymousID: "anon-g\(i)"); batch = [] }
            if i % 250 == 0 { _ = state.merge(anonymousID: "anon-\(rng.next() % 30)", into: "u\(rng.next() % 200)@x.com") }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "anon-last")
        try state.apply(.setAccountProperties(account: "acct1", properties: [.init("industry", "Retail"), .init("company_size", "51-200")]))
        try state.apply(.setAccountOwner(account: "acct2", owner: "cs@x.com"))
        try state.apply(.addAccountNote(account: "no-events-yet", note: Note(id: state.nextNoteID, content: "from the CRM", createdMs: now)))
        let someone = state.userNames.string(state.users.canonical(0))
        try state.apply(.create(id: 1, name: "busy", folder: "f", isStatic: false, rules: [.eventCount(event: "e1", comparison: .gte, value: 2, withinDays: 30)], nowMs: now))
        try state.apply(.create(id: 2, name: "frozen", folder: nil, isStatic: true, rules: [.inSegment(id: 1), .didNotEvent(event: "e2", withinDays: 7)], nowMs: now))
        try state.apply(.create(NudgeDefinition(title: "hi", targetPage: "/p*", targetSegment: 1, goalEvent: "e3"), id: 1, nowMs: now))
        try state.apply(.setStatus(id: 1, status: .active, nowMs: now))
        try state.apply(.create(JourneyDefinition(name: "j", steps: [JourneyStep(eventType: "e1", label: "one"), JourneyStep(eventType: "e2", label: "two")]),
                                id: 1, nowMs: now - 3 * 86_400_000))
        for edit in state.dueJourneySnapshots(nowMs: now) { try state.apply(edit) }
        try state.apply(.track(id: 1, user: someone, action: .impression, atMs: now))
        try state.apply(.addUserNote(user: someone, note: Note(id: state.nextNoteID, content: "asked for SSO", createdMs: now)))
        return state
    }

    /// Every read that exists answers the same.
    static func expectSameAnswers(_ a: TenantState, _ b: TenantState) {
        let end = a.day(of: now)
        for days in [1, 7, 30, 45] {
            let range = DayRange(days: days, endingOn: end)
            #expect(a.dailyActiveUsers(range) == b.dailyActiveUsers(range))
            #expect(a.trailingActiveUsers(range, window: 7) == b.trailingActiveUsers(range, window: 7))
            #expect(a.trailingActiveUsers(range, window: 30) == b.trailingActiveUsers(range, window: 30))
            #expect(a.activity(range) == b.activity(range))
            #expect(a.eventTypeUsage(range) == b.eventTypeUsage(range))
            #expect(a.pageViews(range) == b.pageViews(range))
            #expect(a.accountList(range) == b.accountList(range))
            #expect(a.decliningAccounts(range) == b.decliningAccounts(range))
        }
        #expect(a.profiles == b.profiles)
        #expect(a.segments.byID == b.segments.byID)
        #expect(a.nudges == b.nudges)
        #expect(a.journeys == b.journeys)
        #expect(a.segments.folders == b.segments.folders && a.segments.nextID == b.segments.nextID)
        #expect(a.monthlyUniques() == b.monthlyUniques())
        #expect(a.dataStats == b.dataStats)
        #expect(a.liveUsers(nowMs: now) == b.liveUsers(nowMs: now))
        #expect(a.version == b.version)
        for name in ["u1@x.com", "u77@x.com", "anon-3"] {
            #expect(a.userIndex(name) == b.userIndex(name))
        }
    }

    @Test(arguments: [1, 2, 3])
    func roundTripAnswersTheSame(seed: Int) throws {
        let state = try Self.generatedState(seed: UInt64(seed))
        let encoded = try SnapshotFile.encode(state, header: .init(tenant: "t", sequence: 1, walPosition: 42, createdMs: Self.now))
        let read = try SnapshotFile.read(Data(encoded.bytes), name: "x", settings: state.settings, decode: true)
        #expect(read.header.walPosition == 42)
        let restored = try #require(read.state)
        Self.expectSameAnswers(state, restored)
        // The restored state keeps working: the same new events give the same answers.
        var a = state, b = restored
        let more = [EventInput(eventType: "e1", user: "u1@x.com", timestampMs: Self.now), EventInput(eventType: "new", user: "fresh@x.com", timestampMs: Self.now)]
        _ = try a.ingest(more, nowMs: Self.now, anonymousID: "x")
        _ = try b.ingest(more, nowMs: Self.now, anonymousID: "x")
        Self.expectSameAnswers(a, b)
    }

    @Test func sealedChunksRoundTrip() throws {
        let state = try Self.generatedState(seed: 9, events: EventLog.chunkCapacity + 500)
        #expect(state.log.sealed.count == 1)
        let encoded = try SnapshotFile.encode(state, header: .init(tenant: "t", sequence: 1, walPosition: 0, createdMs: 0))
        let restored = try #require(try SnapshotFile.read(Data(encoded.bytes), name: "x", settings: state.settings, decode: true).state)
        #expect(restored.log.sealed.count == 1)
        #expect(restored.log.count == state.log.count)
        Self.expectSameAnswers(state, restored)
    }

    @Test func damageIsFoundByChecksumsNeverByACrash() throws {
        let state = try Self.generatedState(seed: 4, events: 500)
        let bytes = try SnapshotFile.encode(state, header: .init(tenant: "t", sequence: 1, walPosition: 0, createdMs: 0)).bytes
        var rng = SeededRNG(seed: 5)
        for _ in 0..<200 {
            var damaged = bytes
            damaged[Int(rng.next() % UInt64(damaged.count))] ^= UInt8(1 << (rng.next() % 8))
            #expect(throws: SnapshotFile.Damage.self) { try SnapshotFile.read(Data(damaged), name: "x", settings: state.settings, decode: true) }
        }
        for cut in [0, 3, 20, bytes.count / 2, bytes.count - 1] {
            #expect(throws: SnapshotFile.Damage.self) { try SnapshotFile.read(Data(bytes.prefix(cut)), name: "x", settings: state.settings, decode: true) }
        }
        #expect(throws: SnapshotFile.Damage.self) {
            try SnapshotFile.read(Data(bytes), name: "x", settings: TenantSettings(id: "other", name: "o"), decode: true)
        }
    }

    @Test func storeKeepsTheNewestAndFallsBackPastDamage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("beacon-snap-\(UUID().uuidString)")
        let store = SnapshotStore(directory: directory, keep: 3)
        let state = try Self.generatedState(seed: 6, events: 300)
        for sequence in 1...5 as ClosedRange<UInt64> {
            try store.write(try SnapshotFile.encode(state, header: .init(tenant: "t", sequence: sequence, walPosition: sequence * 10, createdMs: 0)).bytes,
                            sequence: sequence)
        }
        #expect(store.files().map(\.sequence) == [5, 4, 3])
        #expect(store.safeWALTruncation() == 40)
        // Damage the newest: loading falls back to the one before.
        let newest = directory.appendingPathComponent(SnapshotStore.fileName(sequence: 5))
        var bytes = try Data(contentsOf: newest)
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: newest)
        let (loaded, skipped) = store.loadNewest(settings: state.settings)
        #expect(loaded?.header.sequence == 4)
        #expect(skipped.count == 1)
        #expect(store.safeWALTruncation() == 30)
    }
}

typealias SeededRNG = SeededGenerator

@Suite struct SnapshotCompatibilityTests {
    /// A snapshot written before profiles and per-day account counts existed still loads; the
    /// counts are rebuilt from the retained events.
    @Test func sectionsAddedLaterAreOptional() throws {
        let state = try SnapshotTests.generatedState(seed: 9)
        var sections: [TenantState.Section: [UInt8]] = [:]
        for section in TenantState.Section.required { sections[section] = state.encodedSection(section) }
        let restored = try TenantState(settings: state.settings, sections: sections)
        let range = DayRange(days: 45, endingOn: state.day(of: SnapshotTests.now))
        #expect(restored.accountList(range).rows.map(\.events) == state.accountList(range).rows.map(\.events))
        #expect(restored.profiles == Profiles())
    }
}
