import Foundation
import Testing
import TestSupport
@testable import Runtime

/// The plain funnel trend (per step, the latest start only) against the general trend's chains
/// and the exhaustive search: over sealed chunks and the open one, with merged users, a type at
/// two steps, and many events at one instant.
@Suite struct PlainFunnelTrendTests {
    typealias Event = RichFunnelTests.Event

    /// Events at whole minutes (so many share an instant) over 6 days; some anonymous users are
    /// merged into known ones along the way.
    static func scenario(seed: Int, events count: Int, users: Int) throws -> (state: TenantState, events: [Event], now: Int64) {
        var rng = SeededGenerator(seed: UInt64(seed + 4_200))
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "America/New_York")!, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        var events: [Event] = [], merged: [String: String] = [:], batch: [EventInput] = []
        for i in 0..<count {
            let anonymous = rng.next() % 6 == 0
            let user = anonymous ? "anon-\(rng.next() % UInt64(max(1, users / 10)))" : "u\(rng.next() % UInt64(users))"
            let e = Event(user: user, type: ["a", "b", "c", "d"][Int(rng.next() % 4)], plan: "free",
                          ts: now - Int64(rng.next() % (6 * 24 * 60)) * 60_000)
            events.append(e)
            batch.append(EventInput(eventType: e.type, user: e.user, timestampMs: e.ts))
            if batch.count == 500 || i == count - 1 { _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
            if i % (count / 8) == 0 {
                let anon = "anon-\(rng.next() % UInt64(max(1, users / 10)))", target = "u\(rng.next() % UInt64(users))"
                if merged[anon] == nil, case .merged = state.merge(anonymousID: anon, into: target) { merged[anon] = target }
            }
        }
        // The search sees each merged visitor's events as the target's.
        events = events.map { var e = $0; e.user = merged[e.user] ?? e.user; return e }
        return (state, events, now)
    }

    static func definition(_ state: TenantState, _ types: [String], windowMs: Int64) -> TenantState.FunnelDefinition {
        .init(steps: types.map { .init(eventType: state.eventTypeIndex($0)!) }, windowMs: windowMs)
    }

    static func members(_ funnels: [TenantState.Funnel]) -> [[[UInt32]]] { funnels.map { $0.usersAtStep.map(\.members) } }

    @Test(arguments: Array(0..<3))
    func theSealedChunksGiveTheGeneralTrend(seed: Int) throws {
        let (state, _, now) = try Self.scenario(seed: seed, events: 2 * EventLog.chunkCapacity + 9_000, users: 400)
        #expect(state.log.sealed.count == 2)
        let shapes: [[String]] = [["a", "b", "c"], ["a", "b", "a"], ["b", "d", "c", "a"], ["c", "c"]]
        for (i, types) in shapes.enumerated() {
            let definition = Self.definition(state, types, windowMs: Int64([2, 20, 50][(seed + i) % 3]) * 3_600_000)
            let granularity: MetricsGranularity = [.daily, .hourly, .weekly][(seed + i) % 3]
            let window = MetricsWindow(startMs: now - 5 * 86_400_000, endMs: now - 86_400_000, granularity: granularity, calendar: state.calendar)
            let general = state.funnelTrend(definition, window: window, parts: [state.generalFunnelTrendPart(definition, window: window)])
            for count in [1, 2, 3] {
                let plain = state.funnelTrend(definition, window: window, parts: (0..<count).map { state.plainFunnelTrendPart(definition, window: window, part: ($0, count)) })
                #expect(plain.map(\.steps) == general.map(\.steps), "\(types) in \(count) parts")
                #expect(Self.members(plain) == Self.members(general), "\(types) in \(count) parts")
            }
            #expect(general.contains { $0.steps.last!.users > 0 }, "\(types): some bucket converts")
        }
    }

    @Test(arguments: Array(0..<6))
    func eachBucketIsTheSearchOfThatBucket(seed: Int) throws {
        let (state, events, now) = try Self.scenario(seed: seed, events: 900, users: 25)
        let types = [["a", "b", "a"], ["a", "c", "b"], ["d", "d", "b"]][seed % 3]
        let windowMs: Int64 = 8 * 3_600_000
        let window = MetricsWindow(startMs: now - 5 * 86_400_000, endMs: now, granularity: seed % 2 == 0 ? .daily : .hourly, calendar: state.calendar)
        let trend = state.funnelTrend(Self.definition(state, types, windowMs: windowMs), window: window)
        for (bucket, funnel) in zip(window.buckets, trend) {
            let expected = RichFunnelTests.reference(events, steps: types.map { RichFunnelTests.Step(type: $0, plan: nil, withinMs: nil) }, exclusions: [],
                                                     startMs: bucket.startMs, endMs: bucket.endMs, windowMs: windowMs)
            #expect(funnel.usersAtStep.map { Set($0.members.map { state.userNames.string($0) }) } == expected)
        }
    }
}
