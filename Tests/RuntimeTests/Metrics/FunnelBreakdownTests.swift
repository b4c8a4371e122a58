import Foundation
import Testing
import TestSupport
@testable import Runtime

/// The metrics API's funnel splits and trends against `RichFunnelTests.reference`, the exhaustive
/// search over plain event lists.
@Suite struct FunnelBreakdownTests {
    typealias Event = RichFunnelTests.Event

    static func scenario(seed: Int) throws -> (state: TenantState, events: [Event], now: Int64) {
        var rng = SeededGenerator(seed: UInt64(seed + 900))
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "Europe/Berlin")!, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        var events: [Event] = []
        var batch: [EventInput] = []
        for _ in 0..<Int.random(in: 150...500, using: &rng) {
            let e = Event(user: "u\(rng.next() % 20)", type: ["a", "b", "c"][Int(rng.next() % 3)], plan: ["free", "pro", "team"][Int(rng.next() % 3)],
                          ts: now - Int64(rng.next() % (6 * 24 * 60)) * 60_000)
            events.append(e)
            batch.append(EventInput(eventType: e.type, user: e.user, timestampMs: e.ts, properties: [.init("plan", e.plan)]))
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        return (state, events, now)
    }

    static func definition(_ state: TenantState, _ types: [String], windowMs: Int64) -> TenantState.FunnelDefinition {
        .init(steps: types.map { .init(eventType: state.eventTypeIndex($0)!) }, windowMs: windowMs)
    }

    @Test(arguments: Array(0..<10))
    func splitsMatchTheSearchPerValue(seed: Int) throws {
        let (state, events, now) = try Self.scenario(seed: seed)
        let startMs = now - 4 * 86_400_000, endMs = now - 86_400_000
        var rng = SeededGenerator(seed: UInt64(seed))
        let types = ["a", "b", "c"].shuffled(using: &rng)
        let windowMs: Int64 = 20 * 3_600_000
        for limit in [1, 2, 3] {
            let lines = state.funnelBreakdown(Self.definition(state, types, windowMs: windowMs), startMs: startMs, endMs: endMs, property: "plan", limit: limit)
            // Ranked by users with a step-1 event of the value in the span.
            let starts = events.filter { $0.type == types[0] && $0.ts >= startMs && $0.ts < endMs }
            let usersByPlan = Dictionary(grouping: starts, by: { (e: Event) in e.plan }).mapValues { Set($0.map { (e: Event) in e.user }).count }
            let order = usersByPlan.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
            var expected: [(MetricsSeries.Dimension, [Set<String>])] = order.prefix(limit).map { plan in
                (.value(plan), RichFunnelTests.reference(events, steps: types.enumerated().map { RichFunnelTests.Step(type: $1, plan: $0 == 0 ? plan : nil, withinMs: nil) },
                                                         exclusions: [], startMs: startMs, endMs: endMs, windowMs: windowMs))
            }
            if order.count > limit {
                let rest = Set(order.dropFirst(limit))
                // Step 1 may use only events of the other plans (step 1's type appears at no other step).
                let firstEvents = events.filter { $0.type != types[0] || rest.contains($0.plan) }
                let steps = types.map { RichFunnelTests.Step(type: $0, plan: nil, withinMs: nil) }
                let reachedAny = RichFunnelTests.reference(firstEvents, steps: steps, exclusions: [], startMs: startMs, endMs: endMs, windowMs: windowMs)
                expected.append((.other, reachedAny))
            }
            #expect(lines.map(\.dimension) == expected.map(\.0), "limit \(limit)")
            for ((_, funnel), (_, reached)) in zip(lines, expected) {
                #expect(funnel.usersAtStep.map { Set($0.members.map { state.userNames.string($0) }) } == reached, "limit \(limit)")
            }
        }
    }

    @Test(arguments: Array(0..<6))
    func trendRunsTheSearchPerBucket(seed: Int) throws {
        let (state, events, now) = try Self.scenario(seed: seed)
        let types = ["a", "c"]
        let window = MetricsWindow(startMs: now - 5 * 86_400_000, endMs: now, granularity: seed % 2 == 0 ? .daily : .hourly, calendar: state.calendar)
        let trend = state.funnelTrend(Self.definition(state, types, windowMs: 6 * 3_600_000), window: window)
        for (bucket, funnel) in zip(window.buckets, trend) {
            let expected = RichFunnelTests.reference(events, steps: types.map { RichFunnelTests.Step(type: $0, plan: nil, withinMs: nil) }, exclusions: [],
                                                     startMs: bucket.startMs, endMs: bucket.endMs, windowMs: 6 * 3_600_000)
            #expect(funnel.usersAtStep.map { Set($0.members.map { state.userNames.string($0) }) } == expected)
        }
    }

    /// The one-scan trend gives each bucket exactly the funnel of that bucket alone (users per
    /// step, who they are, and the median times), with step filters, step windows and exclusions.
    @Test(arguments: Array(0..<8))
    func theOneScanTrendIsTheFunnelOfEachBucket(seed: Int) throws {
        let (state, _, now) = try Self.scenario(seed: seed + 40)
        var rng = SeededGenerator(seed: UInt64(seed + 7))
        let types = ["a", "b", "c"].shuffled(using: &rng)
        let index = { (name: String) in state.eventTypeIndex(name)! }
        var definition = TenantState.FunnelDefinition(steps: types.map { .init(eventType: index($0)) }, windowMs: Int64([3, 6, 30][seed % 3]) * 3_600_000)
        if seed % 2 == 1 { definition.steps[1].filters = [PropertyFilter(property: "plan", op: .neq, values: ["free"])] }
        if seed % 4 == 2 { definition.steps[2].withinMs = 2 * 3_600_000 }
        if seed % 4 == 3 { definition.exclusions = [.init(eventType: index(types[2]), afterStep: 1)] }
        let granularity: MetricsGranularity = [.daily, .hourly, .weekly][seed % 3]
        let window = MetricsWindow(startMs: now - 5 * 86_400_000, endMs: now - 86_400_000, granularity: granularity, calendar: state.calendar)
        let trend = state.funnelTrend(definition, window: window)
        #expect(trend.count == window.buckets.count)
        for (bucket, funnel) in zip(window.buckets, trend) {
            let alone = state.funnel(definition, startMs: bucket.startMs, endMs: bucket.endMs)
            #expect(funnel.steps == alone.steps)
            #expect(funnel.usersAtStep.map(\.members) == alone.usersAtStep.map(\.members))
        }
        // Split by user into parts (as the server runs it across cores): the same trend.
        let parts = (0..<3).map { state.funnelTrendPart(definition, window: window, part: ($0, 3)) }
        let split = state.funnelTrend(definition, window: window, parts: parts)
        #expect(split.map(\.steps) == trend.map(\.steps))
        #expect(split.map { $0.usersAtStep.map(\.members) } == trend.map { $0.usersAtStep.map(\.members) })
    }
}
