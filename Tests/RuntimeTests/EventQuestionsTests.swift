import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Correlation, property keys and trends against plain counts over the events.
@Suite struct EventQuestionsTests {
    struct Event { var user: String; var type: String; var plan: String?; var ts: Int64 }

    static func build(seed: Int) throws -> (TenantState, [Event], DayRange) {
        var rng = SeededGenerator(seed: UInt64(seed))
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: ["UTC", "Asia/Kolkata"][seed % 2])!, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        var events: [Event] = []
        var batch: [EventInput] = []
        for _ in 0..<Int.random(in: 200...1500, using: &rng) {
            let plan: String? = rng.next() % 5 == 0 ? nil : "p\(rng.next() % 14)"
            let e = Event(user: "u\(rng.next() % 60)", type: ["a", "b", "c"][Int(rng.next() % 3)], plan: plan, ts: now - Int64(rng.next() % (20 * 86_400_000)))
            events.append(e)
            batch.append(EventInput(eventType: e.type, user: e.user, timestampMs: e.ts,
                                    properties: (plan.map { [EventInput.Property("plan", $0)] } ?? []) + [.init("n", "\(rng.next() % 3)")]))
            if batch.count == 50 { _ = try state.ingest(batch, nowMs: now, anonymousID: "x"); batch = [] }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "x")
        return (state, events, DayRange(days: 10, endingOn: state.day(of: now)))
    }

    @Test(arguments: Array(0..<6))
    func correlationAndTrendsMatchPlainCounts(seed: Int) throws {
        let (state, all, range) = try Self.build(seed: seed)
        let events = all.filter { range.all.contains(state.day(of: $0.ts)) }
        let active = Set(events.map(\.user))
        let doersA = Set(events.filter { $0.type == "a" }.map(\.user)), doersB = Set(events.filter { $0.type == "b" }.map(\.user))
        let c = state.correlation(state.eventTypeIndex("a")!, state.eventTypeIndex("b")!, range)
        #expect(c.activeUsers == active.count && c.usersA == doersA.count && c.usersB == doersB.count)
        #expect(c.usersBoth == doersA.intersection(doersB).count)
        let others = active.subtracting(doersA)
        let without = others.isEmpty ? 0 : Double(doersB.intersection(others).count) / Double(others.count)
        #expect(abs(c.rateWithoutA - without) < 1e-12)

        let trend = state.trend(of: state.eventTypeIndex("a")!, range, groupBy: "plan", limit: 5)
        var expected: [String: [Int]] = [:]
        for e in events where e.type == "a" {
            expected[e.plan ?? "(none)", default: Array(repeating: 0, count: range.count)][Int(state.day(of: e.ts) - range.first)] += 1
        }
        let ranked = expected.sorted { ($0.value.reduce(0, +), $1.key) > ($1.value.reduce(0, +), $0.key) }
        #expect(trend.prefix(5).map(\.value) == ranked.prefix(5).map(\.key))
        #expect(trend.prefix(5).map(\.daily) == ranked.prefix(5).map(\.value))
        if ranked.count > 5 {
            #expect(trend.last?.value == "(other)")
            #expect(trend.last?.total == ranked.dropFirst(5).reduce(0) { $0 + $1.value.reduce(0, +) })
        }
        let plain = state.trend(of: state.eventTypeIndex("a")!, range, groupBy: nil)
        #expect(plain.first?.total == events.filter { $0.type == "a" }.count)

        let keys = state.propertyKeys(of: state.eventTypeIndex("b")!, range)
        let bEvents = events.filter { $0.type == "b" }
        #expect(keys.first { $0.key == "n" }?.events == bEvents.count)
        #expect(keys.first { $0.key == "plan" }?.events == bEvents.filter { $0.plan != nil }.count)
    }
}
