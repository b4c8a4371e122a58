import Foundation
import Testing
import TestSupport
@testable import Runtime

/// The workspace's numbers against plain counts of the events: metrics over days, alert firings
/// (an `above` alert on the day as it fills, a `below` one on each day that ended, once), goal
/// progress, and accounts derived from email domains.
@Suite struct WorkspaceTests {
    static let now: Int64 = 1_793_448_000_000, day: Int64 = 86_400_000

    static func scenario(seed: Int) throws -> (TenantState, [EventInput]) {
        var rng = SeededGenerator(seed: UInt64(seed + 5))
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        let events = (0..<Int.random(in: 300...900, using: &rng)).map { _ in
            EventInput(eventType: ["view", "export", "page_error"][Int(rng.next() % 3)], user: "u\(rng.next() % 40)",
                       timestampMs: now - Int64(rng.next() % (10 * 86_400)) * 1000)
        }
        for start in stride(from: 0, to: events.count, by: 500) { _ = try state.ingest(Array(events[start..<min(events.count, start + 500)]), nowMs: now, anonymousID: "g") }
        return (state, events)
    }

    @Test(arguments: Array(0..<5))
    func metricsAreCountsOfTheEvents(seed: Int) throws {
        let (state, events) = try Self.scenario(seed: seed)
        let today = state.day(of: Self.now)
        for days in [1, 3, 7] {
            let range = DayRange(days: days, endingOn: today)
            let inRange = events.filter { range.all.contains(state.day(of: $0.timestampMs!)) }
            #expect(state.workspaceValue(.eventCount, over: range) == Double(inRange.count))
            #expect(state.workspaceValue(.activeUsers, over: range) == Double(Set(inRange.map(\.user)).count))
            #expect(state.workspaceValue(.eventType("export"), over: range) == Double(inRange.filter { $0.eventType == "export" }.count))
            let errors = inRange.filter { $0.eventType == "page_error" }.count
            #expect(state.workspaceValue(.errorRate, over: range) == (inRange.isEmpty ? 0 : Double(errors) / Double(inRange.count)))
            #expect(state.workspaceValue(.eventType("nothing"), over: range) == 0)
        }
    }

    @Test func alertsFireOncePerDayTheyPass() throws {
        var (state, events) = try Self.scenario(seed: 1)
        let today = state.day(of: Self.now)
        let todayCount = Double(events.filter { state.day(of: $0.timestampMs!) == today }.count)
        let yesterdayCount = Double(events.filter { state.day(of: $0.timestampMs!) == today - 1 }.count)
        try state.apply(WorkspaceEdit.createAlert(Alert(id: 1, name: "busy", metric: .eventCount, threshold: todayCount - 1, direction: .above, member: "m", createdMs: Self.now)))
        try state.apply(WorkspaceEdit.createAlert(Alert(id: 2, name: "quiet", metric: .eventCount, threshold: yesterdayCount + 1, direction: .below, member: "m", createdMs: Self.now - 2 * Self.day)))
        try state.apply(WorkspaceEdit.createAlert(Alert(id: 3, name: "new", metric: .eventCount, threshold: 1e9, direction: .below, member: "m", createdMs: Self.now)))
        try state.apply(WorkspaceEdit.createAlert(Alert(id: 4, name: "calm", metric: .eventCount, threshold: todayCount, direction: .above, member: "m", createdMs: Self.now)))
        let due = state.dueAlertFirings(nowMs: Self.now)
        // 1 passes today; 2 passed yesterday; 3 was created today (yesterday is not judged); 4 equals its threshold, not above it.
        #expect(due == [.fire(alert: 1, AlertFiring(day: today, atMs: Self.now, value: todayCount)),
                        .fire(alert: 2, AlertFiring(day: today - 1, atMs: Self.now, value: yesterdayCount))])
        for edit in due { try state.apply(edit) }
        #expect(state.dueAlertFirings(nowMs: Self.now + 1000).isEmpty, "once per day")
        #expect(state.workspace.alerts[1]?.firings.count == 1)
        #expect(throws: WorkspaceEditRefusal.unknown(kind: "alert", id: 9)) { try state.apply(WorkspaceEdit.fire(alert: 9, AlertFiring(day: 0, atMs: 0, value: 0))) }
    }

    @Test func goalsMeasureTheirDaysAndErrorRatesAimLow() throws {
        let (state, events) = try Self.scenario(seed: 2)
        let today = state.day(of: Self.now)
        let week = events.filter { DayRange(days: 7, endingOn: today).all.contains(state.day(of: $0.timestampMs!)) }
        let goal = Goal(id: 1, name: "exports", metric: .eventType("export"), target: 10, days: 7, member: "m", createdMs: 0)
        let p = state.goalProgress(goal, today: today)
        let exports = Double(week.filter { $0.eventType == "export" }.count)
        #expect(p.value == exports && p.progress == exports / 10 && p.achieved == (exports >= 10))
        let errors = Goal(id: 2, name: "errors", metric: .errorRate, target: 0.01, days: 7, member: "m", createdMs: 0)
        #expect(state.goalProgress(errors, today: today).achieved == false, "a third of the events are errors")
        #expect(state.goalProgress(Goal(id: 3, name: "zero", metric: .eventCount, target: 0, days: 1, member: "m", createdMs: 0), today: today).progress == nil)
    }

    @Test func accountsComeFromEmailDomainsOnlyWhenSetAndNotFromMailProviders() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        _ = try state.ingest([EventInput(eventType: "login", user: "a@Acme.io", timestampMs: Self.now)], nowMs: Self.now, anonymousID: "g")
        #expect(state.accounts.count == 0)
        try state.apply(WorkspaceEdit.settings(companyName: "Beacon", productMode: .b2b, autoDeriveAccounts: true))
        _ = try state.ingest([EventInput(eventType: "login", user: "b@Acme.io", timestampMs: Self.now),
                              EventInput(eventType: "login", user: "c@gmail.com", timestampMs: Self.now),
                              EventInput(eventType: "login", user: "d@globex.com", account: "globex-inc", timestampMs: Self.now),
                              EventInput(eventType: "login", user: "no-at-sign", timestampMs: Self.now)], nowMs: Self.now, anonymousID: "g")
        #expect((0..<state.accounts.count).map { state.accountNames.string(UInt32($0)) } == ["acme.io", "globex-inc"])
        // The parsed-batch path derives the same.
        let body = Array(#"{"events":[{"event_type":"login","user_email":"e@initech.com"}]}"#.utf8)
        let batch = try body.withUnsafeBytes { try FastIngestParser().parse($0) }
        _ = try state.ingest(batch, nowMs: Self.now, anonymousID: "g")
        #expect(state.accountIndex("initech.com") != nil)
    }
}
