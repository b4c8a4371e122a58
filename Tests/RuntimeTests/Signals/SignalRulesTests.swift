import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Each signal rule on data made to trip it and on data one step short of it, the numbers checked
/// against a count of the events themselves; and the life of a signal: raised once, cleared when
/// its finding goes, a dismissed one not raised again while the finding stays.
@Suite struct SignalRulesTests {
    static let now: Int64 = 1_793_448_000_000   // 2026-10-31T12:00:00Z
    static let day: Int64 = 86_400_000

    static func state() -> TenantState { TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0)) }

    static func ingest(_ state: inout TenantState, _ events: [EventInput]) throws {
        for start in stride(from: 0, to: events.count, by: 1000) {
            _ = try state.ingest(Array(events[start..<min(events.count, start + 1000)]), nowMs: now, anonymousID: "g")
        }
    }

    static func rules(_ findings: [SignalFinding]) -> Set<String> { Set(findings.map { "\($0.rule.rawValue):\($0.subject)" }) }

    @Test(arguments: [9, 10, 30])
    func anErrorSpikeNeedsTenErrorsAtTwiceTheShareBefore(errorsToday: Int) throws {
        var state = Self.state()
        var events: [EventInput] = []
        // The 7 days before: 100 events a day, 2 of them errors (2%).
        for d in 1...7 {
            for i in 0..<100 { events.append(EventInput(eventType: i < 2 ? "page_error" : "view", user: "u\(i)", timestampMs: Self.now - Int64(d) * Self.day)) }
        }
        // Today: 100 other events and the errors.
        for i in 0..<100 { events.append(EventInput(eventType: "view", user: "u\(i)", timestampMs: Self.now - 1000)) }
        for i in 0..<errorsToday { events.append(EventInput(eventType: "page_error", user: "u\(i)", timestampMs: Self.now - 500)) }
        try Self.ingest(&state, events)
        let findings = state.errorFindings(state.day(of: Self.now))
        let rate = Double(errorsToday) / Double(100 + errorsToday), baseline = 14.0 / 700
        #expect(findings.count == (errorsToday >= 10 && rate >= 2 * baseline ? 1 : 0))
        if let f = findings.first {
            #expect(abs(f.value - rate) < 1e-12 && abs(f.baseline - baseline) < 1e-12)
            #expect(f.rule.severity == .critical && f.rule.category == .product)
        }
    }

    @Test(arguments: [(30, 21), (30, 22), (19, 5)])
    func adoptionFallsWhenThirtyPercentFewerUseAType(before: Int, after: Int) throws {
        var state = Self.state()
        var events: [EventInput] = []
        // `before` users used export 8–14 days ago, `after` users 1–7 days ago (each on two days).
        for u in 0..<before { for d in [8, 12] { events.append(EventInput(eventType: "export", user: "b\(u)", timestampMs: Self.now - Int64(d) * Self.day)) } }
        for u in 0..<after { for d in [2, 5] { events.append(EventInput(eventType: "export", user: "a\(u)", timestampMs: Self.now - Int64(d) * Self.day)) } }
        try Self.ingest(&state, events)
        let findings = state.adoptionFindings(state.day(of: Self.now))
        let fires = before >= 20 && Double(after) <= 0.7 * Double(before)
        #expect(Self.rules(findings) == (fires ? ["adoption_fell:export"] : []))
        if let f = findings.first { #expect(f.value == Double(after) && f.baseline == Double(before)) }
    }

    @Test func accountsThatFellOrWentQuietAreFound() throws {
        var state = Self.state()
        var events: [EventInput] = []
        // busy: 3 users active every day for 30 days. fading: as busy until 8 days ago, then
        // nothing. steady: one user every day.
        for d in 0..<30 {
            for u in 0..<3 { events.append(EventInput(eventType: u == 0 ? "login" : "export", user: "busy\(u)@x.com", account: "busy", timestampMs: Self.now - Int64(d) * Self.day)) }
            if d >= 8 { for u in 0..<3 { events.append(EventInput(eventType: u == 0 ? "login" : "export", user: "fade\(u)@x.com", account: "fading", timestampMs: Self.now - Int64(d) * Self.day)) } }
            events.append(EventInput(eventType: "login", user: "one@x.com", account: "steady", timestampMs: Self.now - Int64(d) * Self.day))
        }
        try Self.ingest(&state, events)
        let today = state.day(of: Self.now)
        let findings = state.accountFindings(today)
        let now = Dictionary(uniqueKeysWithValues: state.accountHealth(asOf: today).map { (state.accountNames.string($0.account.rawValue), $0) })
        let before = Dictionary(uniqueKeysWithValues: state.accountHealth(asOf: today - 7).map { (state.accountNames.string($0.account.rawValue), $0) })
        // fading: 18 events in the recent half (days 8–13 back) against 42 in the prior: declining.
        #expect(now["fading"]!.facts.recentEvents == 18 && now["fading"]!.facts.priorEvents == 42)
        var expected: Set<String> = ["account_declining:fading"]
        if before["fading"]!.score - now["fading"]!.score >= 15 { expected.insert("account_drop:fading") }
        if now["fading"]!.status == .red && before["fading"]!.status != .red { expected.insert("account_red:fading") }
        #expect(Self.rules(findings) == expected)
    }

    @Test func aJourneyStepWhoseDropOffRoseIsFound() throws {
        var state = Self.state()
        try Self.ingest(&state, [EventInput(eventType: "signup", user: "u", timestampMs: Self.now)])
        try state.apply(JourneyEdit.create(JourneyDefinition(name: "Onboarding", steps: [.init(eventType: "signup", label: "Sign up"),
                                                                                          .init(eventType: "invite", label: "Invite"),
                                                                                          .init(eventType: "export", label: "Export")]), id: 1, nowMs: Self.now))
        let today = state.day(of: Self.now)
        // 7 days at 40% then 50% drop-off; then 55% (a 10-point rise at step 2) and 50% (no rise at step 3).
        for d in 1...7 { try state.apply(JourneyEdit.snapshot(id: 1, day: today - 8 + DayNumber(d), users: [100, 60, 30])) }
        #expect(state.journeyFindings().isEmpty)
        try state.apply(JourneyEdit.snapshot(id: 1, day: today, users: [100, 45, 23]))
        let findings = state.journeyFindings()
        #expect(Self.rules(findings) == ["journey_drop_off:1:2"])
        #expect(abs(findings[0].value - 0.55) < 1e-12 && abs(findings[0].baseline - 0.40) < 1e-12)
    }

    @Test func aNudgeWhoseClickRateFellIsFound() throws {
        var state = Self.state()
        try Self.ingest(&state, (0..<60).map { EventInput(eventType: "view", user: "u\($0)", timestampMs: Self.now - 40 * Self.day) })
        try state.apply(NudgeEdit.create(NudgeDefinition(title: "Try export", targetPage: "/"), id: 1, nowMs: Self.now - 40 * Self.day))
        try state.apply(NudgeEdit.setStatus(id: 1, status: .active, nowMs: Self.now - 40 * Self.day))
        // 30 users first shown 10–20 days ago, 15 of them clicked (50%); 30 shown in the last 7 days, 10 clicked (33%).
        for u in 0..<60 {
            let at = u < 30 ? Self.now - Int64(10 + u % 10) * Self.day : Self.now - Int64(u % 7) * Self.day
            try state.apply(NudgeEdit.track(id: 1, user: "u\(u)", action: .impression, atMs: at))
            if (u < 30 && u % 2 == 0) || (u >= 30 && u % 3 == 0) { try state.apply(NudgeEdit.track(id: 1, user: "u\(u)", action: .click, atMs: at + 1)) }
        }
        let findings = state.nudgeFindings(Self.now)
        #expect(Self.rules(findings) == ["nudge_click_rate:1"])
        #expect(abs(findings[0].value - 10.0 / 30) < 1e-12 && abs(findings[0].baseline - 0.5) < 1e-12)
    }

    @Test func aSignalIsRaisedOnceClearedWhenItsFindingGoesAndADismissalHolds() throws {
        var state = Self.state()
        var events: [EventInput] = []
        for u in 0..<30 { events.append(EventInput(eventType: "export", user: "b\(u)", timestampMs: Self.now - 9 * Self.day)) }
        for u in 0..<5 { events.append(EventInput(eventType: "export", user: "a\(u)", timestampMs: Self.now - 2 * Self.day)) }
        try Self.ingest(&state, events)
        let first = state.dueSignalEdits(nowMs: Self.now)
        #expect(first.count == 1)
        for edit in first { try state.apply(edit) }
        #expect(state.dueSignalEdits(nowMs: Self.now).isEmpty, "raised once")
        #expect(state.signals.byID[1]?.status == .open && state.signals.byID[1]?.rule == .adoptionFell)
        // A week later the finding is gone (both weeks are empty): cleared, resolved.
        let later = Self.now + 14 * Self.day
        let clear = state.dueSignalEdits(nowMs: later)
        #expect(clear == [.clear(id: 1, atMs: later)])
        for edit in clear { try state.apply(edit) }
        #expect(state.signals.byID[1]?.status == .resolved && state.signals.liveByKey.isEmpty)
        // Raised again on new data, dismissed: not raised again while the finding stays.
        try Self.ingest(&state, (0..<30).map { EventInput(eventType: "export", user: "c\($0)", timestampMs: Self.now - 1000) })
        let again = state.dueSignalEdits(nowMs: Self.now + 8 * Self.day)
        #expect(again.count == 1)
        for edit in again { try state.apply(edit) }
        try state.apply(SignalEdit.dismiss(id: 2, atMs: Self.now + 8 * Self.day))
        #expect(state.dueSignalEdits(nowMs: Self.now + 8 * Self.day).isEmpty)
        #expect(throws: SignalEditRefusal.notOpen(id: 2, status: .dismissed)) { try state.apply(SignalEdit.act(id: 2, actionType: "call", atMs: 0, impact: state.impactAction(for: state.signals.byID[2]!, actionType: "call", member: "m", atMs: 0))) }
        #expect(throws: SignalEditRefusal.unknownSignal(9)) { try state.apply(SignalEdit.dismiss(id: 9, atMs: 0)) }
    }
}
