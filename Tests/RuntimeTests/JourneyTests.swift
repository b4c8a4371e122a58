import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Journeys: stuck users against the funnel's own definition, daily snapshots once per day and
/// kept 30 days, recommendations and decisions.
@Suite struct JourneyTests {
    @Test func stuckUsersSnapshotsAndRecommendations() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let day: Int64 = 86_400_000
        let start: Int64 = 1_793_448_000_000 - 10 * day
        // a: signup → setup → invite; b: signup → setup; c: signup; d: setup only.
        let events: [(String, String, Int64)] = [
            ("a", "signup", 0), ("a", "setup", 3_600_000), ("a", "invite", 7_200_000),
            ("b", "signup", 0), ("b", "setup", day),
            ("c", "signup", 0), ("d", "setup", 0),
        ]
        _ = try state.ingest(events.map { EventInput(eventType: $0.1, user: "\($0.0)@x.com", timestampMs: start + $0.2) }, nowMs: start + 2 * day, anonymousID: "g")
        try state.apply(.create(JourneyDefinition(name: "Activation", steps: [JourneyStep(eventType: "signup", label: "Sign up"),
                                                                              JourneyStep(eventType: "setup", label: "Set up"),
                                                                              JourneyStep(eventType: "invite", label: "Invite a teammate")], windowDays: 7),
                                id: 1, nowMs: start))
        let journey = state.journeys.byID[1]!
        let now = start + 2 * day
        #expect(state.journeyFunnel(journey, endingOn: state.day(of: now)).steps.map(\.users) == [3, 2, 1])
        #expect(state.stuckUsers(journey, from: 1, nowMs: now).map(\.user) == ["c@x.com"])
        #expect(state.stuckUsers(journey, from: 2, nowMs: now).map(\.user) == ["b@x.com"])

        let recommendations = state.recommendations(for: journey, nowMs: now)
        #expect(recommendations.map(\.id) == ["drop-1", "stuck-1", "stuck-2"])
        try state.apply(.create(NudgeDefinition(title: "Invite", targetPage: "/team", goalEvent: "invite"), id: 1, nowMs: now))
        try state.apply(.setStatus(id: 1, status: .active, nowMs: now))
        #expect(state.recommendations(for: journey, nowMs: now).map(\.id) == ["drop-1", "stuck-1"])   // a nudge now leads to "invite"
        try state.apply(.decide(id: 1, recommendation: "drop-1", action: .dismiss, atMs: now))
        #expect(state.recommendations(for: state.journeys.byID[1]!, nowMs: now).first?.decision?.action == .dismiss)
        #expect(state.refusal(of: .decide(id: 1, recommendation: "drop-9", action: .act, atMs: now)) == .unknownRecommendation("drop-9"))

        // One snapshot per ended day, and no more than 30 kept.
        let due = state.dueJourneySnapshots(nowMs: now)
        #expect(due.count == 2)   // the journey began two days ago: both ended days
        for edit in due { try state.apply(edit) }
        #expect(state.dueJourneySnapshots(nowMs: now).isEmpty)
        for d in 1...40 { for edit in state.dueJourneySnapshots(nowMs: now + Int64(d) * day) { try state.apply(edit) } }
        #expect(state.journeys.byID[1]!.snapshots.count == 30)
        #expect(state.journeys.byID[1]!.snapshots.last?.day == state.day(of: now + 40 * day) - 1)
        // Ten idle days are filled in at once, one snapshot per day.
        let later = now + 50 * day
        let backfill = state.dueJourneySnapshots(nowMs: later)
        #expect(backfill.count == 10)
        for edit in backfill { try state.apply(edit) }
        let days = state.journeys.byID[1]!.snapshots.map(\.day)
        #expect(days.count == 30 && zip(days, days.dropFirst()).allSatisfy { $1 == $0 + 1 } && days.last == state.day(of: later) - 1)
    }
}
