import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Nudge audiences follow their segment; eligibility, tracking and the audience funnel.
@Suite struct NudgeTests {
    @Test func audiencesFollowSegmentChanges() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let now: Int64 = 1_793_448_000_000
        _ = try state.ingest([EventInput(eventType: "login", user: "a@x.com", timestampMs: now - 60_000),
                              EventInput(eventType: "login", user: "b@x.com", timestampMs: now - 60_000)], nowMs: now, anonymousID: "g")
        try state.apply(.create(id: 1, name: "exporters", folder: nil, isStatic: false, rules: [.didEvent(event: "export", withinDays: 7, filters: [])], nowMs: now))
        try state.apply(.create(NudgeDefinition(title: "Share it", targetPage: "/reports/*", targetSegment: 1, goalEvent: "share"), id: 1, nowMs: now))
        try state.apply(.create(NudgeDefinition(title: "Welcome", targetPage: "/home"), id: 2, nowMs: now))
        try state.apply(.setStatus(id: 1, status: .active, nowMs: now))
        try state.apply(.setStatus(id: 2, status: .active, nowMs: now))
        state.refreshSegments(nowMs: now)
        #expect(state.eligibleNudges(user: "a@x.com", page: "/reports/7").isEmpty)
        #expect(state.eligibleNudges(user: "a@x.com", page: "/home").map(\.id) == [2])

        // a exports: the segment changes, and the nudge's audience with it.
        _ = try state.ingest([EventInput(eventType: "export", user: "a@x.com", timestampMs: now)], nowMs: now, anonymousID: "g")
        let changes = state.refreshSegments(nowMs: now + 1)
        let edits = state.audienceEdits(for: changes, nowMs: now + 1)
        let a = state.userIndex("a@x.com")!.rawValue
        #expect(edits == [.audience(id: 1, entered: [a], exited: [], atMs: now + 1)])
        for edit in edits { try state.apply(edit) }
        #expect(state.eligibleNudges(user: "a@x.com", page: "/reports/7").map(\.id) == [1])
        #expect(state.eligibleNudges(user: "b@x.com", page: "/reports/7").isEmpty)
        #expect(state.eligibleNudges(user: "a@x.com", page: "/reportsX").isEmpty)

        try state.apply(.track(id: 1, user: "a@x.com", action: .impression, atMs: now + 2))
        _ = try state.ingest([EventInput(eventType: "share", user: "a@x.com", timestampMs: now + 3)], nowMs: now + 3, anonymousID: "g")
        try state.apply(.track(id: 1, user: "a@x.com", action: .dismiss, atMs: now + 4))
        #expect(state.eligibleNudges(user: "a@x.com", page: "/reports/7").isEmpty)
        let funnel = state.audienceFunnel(state.nudges.byID[1]!)
        #expect(funnel.entered == 1 && funnel.current == 1 && funnel.shown == 1 && funnel.dismissed == 1 && funnel.progressed == 1)
        #expect(state.nudges.byID[1]!.audienceLog.map(\.entered) == [true])
        #expect(state.refusal(of: NudgeEdit.delete(id: 1)) == nil)
        #expect(state.refusal(of: SegmentEdit.delete(id: 1)) == .targeted(by: [1]))
        #expect(state.refusal(of: .track(id: 1, user: "ghost@x.com", action: .click, atMs: now)) == .unknownUser("ghost@x.com"))
        #expect(state.refusal(of: .create(NudgeDefinition(title: "x", targetPage: "/", targetSegment: 9), id: 3, nowMs: now)) == .unknownSegment(9))
    }
}
