import Testing
@testable import Runtime
@testable import Snapshot

/// The audience log keeps only its newest entries; the totals it fed stay exact, through a
/// snapshot and from a snapshot written before the totals were kept.
@Suite struct AudienceLogBoundTests {
    @Test func theLogIsCappedAndTheTotalsAreKept() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let now: Int64 = 1_793_448_000_000
        _ = try state.ingest((0..<100).map { EventInput(eventType: "login", user: "u\($0)@x.com", timestampMs: now) }, nowMs: now, anonymousID: "g")
        try state.apply(.create(id: 1, name: "s", folder: nil, isStatic: false, rules: [.didEvent(event: "login", withinDays: 7, filters: [])], nowMs: now))
        try state.apply(.create(NudgeDefinition(title: "n", targetPage: "/", targetSegment: 1), id: 1, nowMs: now))
        let everyone = (0..<UInt32(100)).map { state.userIndex("u\($0)@x.com")!.rawValue }
        let initialEntries = state.nudges.byID[1]!.audienceEntries
        for round in 0..<150 {
            try state.apply(.audience(id: 1, entered: [], exited: everyone, atMs: now + Int64(round)))
            try state.apply(.audience(id: 1, entered: everyone, exited: [], atMs: now + Int64(round)))
        }
        let nudge = state.nudges.byID[1]!
        #expect(nudge.audienceLog.count <= Nudge.audienceLogLimit + Nudge.audienceLogLimit / 4)
        #expect(nudge.audienceLog.count >= Nudge.audienceLogLimit)
        #expect(nudge.audienceEntries == initialEntries + 15_000)
        #expect(nudge.audienceExits == 15_000)
        #expect(state.audienceFunnel(nudge).entered == 100)
        #expect(nudge.audienceLog.last?.atMs == now + 149, "the newest entries are the ones kept")

        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.nudges.byID[1]!.audienceEntries == nudge.audienceEntries)
        #expect(restored.nudges.byID[1]!.everEntered == nudge.everEntered)
        var older = sections
        older[.nudgeTotals] = nil
        let derived = try TenantState(settings: state.settings, sections: older)
        #expect(derived.audienceFunnel(derived.nudges.byID[1]!).entered == 100, "an older snapshot's whole log gives the totals")
    }
}

/// A nudge's tracked actions (the Pendo API's guide events) come back from a snapshot in order;
/// a snapshot without the section loads with none, and a damaged one is refused.
@Suite struct NudgeHistoryCodecTests {
    @Test func theHistoryRoundTrips() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let now: Int64 = 1_793_448_000_000
        _ = try state.ingest((0..<20).map { EventInput(eventType: "login", user: "u\($0)@x.com", timestampMs: now) }, nowMs: now, anonymousID: "g")
        try state.apply(.create(NudgeDefinition(title: "n", targetPage: "/"), id: 1, nowMs: now))
        let actions = NudgeEdit.TrackedAction.allCases
        for i in 0..<60 { try state.apply(NudgeEdit.track(id: 1, user: "u\(i % 20)@x.com", action: actions[i % 3], atMs: now + Int64(i))) }
        let history = state.nudges.byID[1]!.history
        #expect(history.count == 60 && history[4].action == .click && history[4].atMs == now + 4)
        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.nudges.byID[1]!.history == history)
        var older = sections
        older[.nudgeHistory] = nil
        #expect(try TenantState(settings: state.settings, sections: older).nudges.byID[1]!.history.isEmpty)
        var damaged = sections
        damaged[.nudgeHistory]!.removeLast()
        #expect(throws: (any Error).self) { try TenantState(settings: state.settings, sections: damaged) }
    }

    /// Resets forget one user's (or everyone's) seen records, and a reset is a WAL record that
    /// reads back; versions follow every create, update and status change and survive a snapshot.
    @Test func resetsAndVersions() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let now: Int64 = 1_793_448_000_000
        _ = try state.ingest((0..<4).map { EventInput(eventType: "login", user: "u\($0)", timestampMs: now) }, nowMs: now, anonymousID: "g")
        try state.apply(.create(NudgeDefinition(title: "v1", targetPage: "/"), id: 1, nowMs: now))
        try state.apply(.update(NudgeDefinition(title: "v2", targetPage: "/x"), id: 1, nowMs: now + 1))
        try state.apply(NudgeEdit.setStatus(id: 1, status: .active, nowMs: now + 2))
        for u in 0..<4 { for action in NudgeEdit.TrackedAction.allCases { try state.apply(NudgeEdit.track(id: 1, user: "u\(u)", action: action, atMs: now + 3)) } }
        try state.apply(NudgeEdit.resetSeen(id: 1, user: "u1"))
        let nudge = state.nudges.byID[1]!
        let u1 = state.userIndex("u1")!.rawValue
        #expect(nudge.history.count == 9 && !nudge.history.contains { $0.user == u1 } && !nudge.dismissed.contains(u1) && nudge.shownAt[u1] == nil)
        #expect(nudge.dismissed.count == 3 && nudge.impressions == 4)
        #expect(state.eligibleNudges(user: "u1", page: "/x").map(\.id) == [1] && state.eligibleNudges(user: "u2", page: "/x").isEmpty)
        try state.apply(NudgeEdit.resetSeen(id: 1, user: "nobody"))
        #expect(state.nudges.byID[1]!.history.count == 9)
        try state.apply(NudgeEdit.resetSeen(id: 1, user: nil))
        #expect(state.nudges.byID[1]!.history.isEmpty && state.nudges.byID[1]!.impressions == 0 && state.nudges.byID[1]!.dismissed.isEmpty)
        #expect(state.nudges.byID[1]!.versions.map(\.definition.title) == ["v1", "v2", "v2"] && state.nudges.byID[1]!.versions.last?.status == .active)
        for edit in [NudgeEdit.resetSeen(id: 1, user: "u1"), .resetSeen(id: 1, user: nil)] {
            #expect(try Mutation.decoded(type: 7, payload: Mutation.nudgeEdit(edit).encodedPayload()) == .nudgeEdit(edit))
        }
        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        #expect(try TenantState(settings: state.settings, sections: sections).nudges.byID[1]!.versions == state.nudges.byID[1]!.versions)
        var older = sections
        older[.nudgeVersions] = nil
        let derived = try TenantState(settings: state.settings, sections: older).nudges.byID[1]!.versions
        #expect(derived.count == 1 && derived[0].definition.title == "v2" && derived[0].atMs == now + 2)
    }
}

/// A poll's choices go through the WAL and snapshots; the other kinds keep their old bytes.
@Suite struct PollNudgeCodecTests {
    @Test func pollChoicesRoundTripAndOtherKindsKeepTheirBytes() throws {
        let poll = NudgeDefinition(title: "How likely are you to recommend us?", kind: .poll, targetPage: "/home", choices: (0...10).map(String.init))
        let mutation = Mutation.nudgeEdit(.create(poll, id: 3, nowMs: 9))
        let payload = mutation.encodedPayload()
        #expect(try Mutation.decoded(type: 7, payload: payload) == mutation)
        for cut in 0..<payload.count { #expect(Mutation.decode(type: 7, payload: Array(payload.prefix(cut))) == nil, "cut at \(cut)") }
        // A floating nudge's record: kind byte, id, the definition's fields and the clock, nothing more.
        let floating = Mutation.nudgeEdit(.create(NudgeDefinition(title: "t", targetPage: "/"), id: 1, nowMs: 2)).encodedPayload()
        #expect(floating.count == 1 + 8 + (4 + 1) + (1 + 4) * 2 + (4 + 8) + (4 + 1) + 8 + (1 + 4) + 8)

        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        try state.apply(NudgeEdit.create(poll, id: 3, nowMs: 9))
        let sections = Dictionary(uniqueKeysWithValues: TenantState.Section.allCases.map { ($0, state.encodedSection($0)) })
        let restored = try TenantState(settings: state.settings, sections: sections)
        #expect(restored.nudges.byID[3]?.choices == poll.choices && restored.nudges.byID[3]?.versions.last?.definition == poll)
    }
}
