import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Funnels against a plain reference: for each user and each step-1 event in range, follow the
/// earliest next step strictly later and within the window; the user's level is the best start's.
@Suite struct FunnelTests {
    struct Event { var user: String; var type: String; var ts: Int64 }

    static func reference(_ events: [Event], steps: [String], startMs: Int64, endMs: Int64, windowMs: Int64) -> [Int] {
        var byUser: [String: [Event]] = [:]
        for e in events { byUser[e.user, default: []].append(e) }
        var reached = [Int](repeating: 0, count: steps.count)
        for (_, list) in byUser {
            var best = 0
            for start in list where start.type == steps[0] && start.ts >= startMs && start.ts < endMs {
                var level = 1, current = start.ts
                for step in steps.dropFirst() {
                    let next = list.filter { $0.type == step && $0.ts > current && $0.ts <= start.ts + windowMs }.map(\.ts).min()
                    guard let next else { break }
                    current = next
                    level += 1
                }
                best = max(best, level)
            }
            for k in 0..<best { reached[k] += 1 }
        }
        return reached
    }

    @Test(arguments: Array(0..<12))
    func matchesTheReference(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed))
        let zone = ["UTC", "America/New_York", "Asia/Kolkata"][seed % 3]
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: zone)!, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        let types = ["a", "b", "c", "d"]
        var events: [Event] = []
        var batch: [EventInput] = []
        for _ in 0..<Int.random(in: 100...1500, using: &rng) {
            // Coarse timestamps (whole minutes) so equal times happen and strictness is exercised.
            let ts = now - Int64.random(in: 0..<(20 * 1440), using: &rng) * 60_000
            let event = Event(user: "u\(Int.random(in: 0..<40, using: &rng))", type: types.randomElement(using: &rng)!, ts: ts)
            events.append(event)
            batch.append(EventInput(eventType: event.type, user: event.user, timestampMs: ts))
            if batch.count == 100 { _ = try state.ingest(batch, nowMs: now, anonymousID: "x"); batch = [] }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "x")
        let end = state.day(of: now)
        for steps in [["a", "b"], ["a", "b", "c", "d"], ["b", "a", "b"], ["d", "c", "b", "a", "d"]] {
            for (days, windowDays) in [(7, 1), (14, 3), (20, 7)] {
                let range = DayRange(days: days, endingOn: end)
                let funnel = state.funnel(steps: steps, range: range, windowMs: Int64(windowDays) * TenantCalendar.dayMs)
                let expected = Self.reference(events, steps: steps, startMs: state.calendar.startMs(of: range.first),
                                              endMs: state.calendar.startMs(of: range.last + 1), windowMs: Int64(windowDays) * TenantCalendar.dayMs)
                #expect(funnel.steps.map(\.users) == expected, "\(steps) days \(days) window \(windowDays) \(zone)")
                #expect(funnel.usersAtStep.map(\.count) == expected)
            }
        }
    }

    @Test func medianTimeBetweenSteps() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", retentionDays: 0))
        let t0: Int64 = 1_793_400_000_000
        _ = try state.ingest([
            EventInput(eventType: "signup", user: "u1", timestampMs: t0), EventInput(eventType: "done", user: "u1", timestampMs: t0 + 60_000),
            EventInput(eventType: "signup", user: "u2", timestampMs: t0), EventInput(eventType: "done", user: "u2", timestampMs: t0 + 120_000),
            EventInput(eventType: "signup", user: "u3", timestampMs: t0), EventInput(eventType: "done", user: "u3", timestampMs: t0 + 300_000),
            EventInput(eventType: "done", user: "u4", timestampMs: t0),
        ], nowMs: t0 + 1_000_000, anonymousID: "x")
        let funnel = state.funnel(steps: ["signup", "done"], range: DayRange(days: 2, endingOn: state.day(of: t0)), windowMs: 86_400_000)
        #expect(funnel.steps.map(\.users) == [3, 3])
        #expect(funnel.steps[1].medianMsFromPrevious == 120_000)
        #expect(funnel.steps[0].medianMsFromPrevious == nil)
    }
}
