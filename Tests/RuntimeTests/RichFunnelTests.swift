import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Funnels with filters, per-step windows and exclusions against an exhaustive search of every
/// chain of events per user.
@Suite struct RichFunnelTests {
    struct Event { var user: String; var type: String; var plan: String; var ts: Int64 }
    struct Step { var type: String; var plan: String?; var withinMs: Int64? }
    struct Exclusion { var type: String; var plan: String?; var afterStep: Int? }

    static func reference(_ events: [Event], steps: [Step], exclusions: [Exclusion], startMs: Int64, endMs: Int64, windowMs: Int64) -> [Set<String>] {
        var reached = [Set<String>](repeating: [], count: steps.count)
        func matches(_ e: Event, _ type: String, _ plan: String?) -> Bool { e.type == type && (plan == nil || e.plan == plan) }
        for (user, list) in Dictionary(grouping: events, by: \.user) {
            var best = 0
            func cut(_ pair: Int, _ from: Int64, _ to: Int64) -> Bool {
                list.contains { e in e.ts > from && e.ts < to && exclusions.contains { x in (x.afterStep == nil || x.afterStep == pair) && matches(e, x.type, x.plan) } }
            }
            func extend(_ level: Int, _ start: Int64, _ previous: Int64) {
                best = max(best, level)
                guard level < steps.count else { return }
                let step = steps[level]
                for e in list where matches(e, step.type, step.plan) && e.ts > previous && e.ts - start <= windowMs
                    && e.ts - previous <= (step.withinMs ?? .max) && !cut(level, previous, e.ts) {
                    extend(level + 1, start, e.ts)
                }
            }
            for e in list where matches(e, steps[0].type, steps[0].plan) && e.ts >= startMs && e.ts < endMs { extend(1, e.ts, e.ts) }
            for k in 0..<best { reached[k].insert(user) }
        }
        return reached
    }

    @Test(arguments: Array(0..<16))
    func matchesAnExhaustiveSearch(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed + 70))
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "UTC")!, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        let types = ["a", "b", "c", "x"]
        var events: [Event] = []
        var batch: [EventInput] = []
        for _ in 0..<Int.random(in: 100...500, using: &rng) {
            // Coarse times (whole minutes) so that equal instants happen.
            let e = Event(user: "u\(rng.next() % 15)", type: types[Int(rng.next() % 4)], plan: ["free", "pro"][Int(rng.next() % 2)],
                          ts: now - Int64(rng.next() % (5 * 24 * 60)) * 60_000)
            events.append(e)
            batch.append(EventInput(eventType: e.type, user: e.user, timestampMs: e.ts, properties: [.init("plan", e.plan)]))
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        let range = DayRange(days: 3, endingOn: state.day(of: now) - 1)
        let startMs = state.calendar.startMs(of: range.first), endMs = state.calendar.startMs(of: range.last + 1)
        for _ in 0..<6 {
            let count = Int.random(in: 2...4, using: &rng)
            let steps = (0..<count).map { _ in
                Step(type: types[Int(rng.next() % 3)], plan: rng.next() % 3 == 0 ? "pro" : nil,
                     withinMs: rng.next() % 3 == 0 ? Int64.random(in: 1...600, using: &rng) * 60_000 : nil)
            }
            let exclusions = (0..<Int(rng.next() % 3)).map { _ in
                Exclusion(type: "x", plan: rng.next() % 2 == 0 ? "free" : nil, afterStep: rng.next() % 2 == 0 ? Int.random(in: 1..<count, using: &rng) : nil)
            }
            let windowMs = Int64.random(in: 1...48, using: &rng) * 3_600_000
            let definition = TenantState.FunnelDefinition(
                steps: steps.map { .init(eventType: state.eventTypeIndex($0.type)!, filters: $0.plan.map { [PropertyFilter(property: "plan", op: .eq, values: [$0])] } ?? [],
                                         withinMs: $0.withinMs) },
                exclusions: exclusions.map { .init(eventType: state.eventTypeIndex($0.type)!, filters: $0.plan.map { [PropertyFilter(property: "plan", op: .eq, values: [$0])] } ?? [],
                                                   afterStep: $0.afterStep) },
                windowMs: windowMs)
            let expected = Self.reference(events, steps: steps, exclusions: exclusions, startMs: startMs, endMs: endMs, windowMs: windowMs)
            let got = state.funnel(definition, range: range)
            #expect(got.usersAtStep.map { Set($0.members.map { state.userNames.string($0) }) } == expected, "\(steps) \(exclusions)")
        }
    }

    /// The general path, forced with a filter that always passes, answers plain funnels exactly as
    /// the windowFunnel scan does, medians included.
    @Test(arguments: Array(0..<6))
    func generalPathEqualsTheScanOnPlainFunnels(seed: Int) throws {
        let s = TenantStateDifferentialTests.scenario(seed: UInt64(600 + seed), zone: "Asia/Kolkata")
        let types = ["login", "page_view", "report_viewed", "export"]
        let range = DayRange(days: 20, endingOn: s.range.last)
        var rng = SeededGenerator(seed: UInt64(seed))
        let steps = types.shuffled(using: &rng).prefix(3).map { s.engine.eventTypeIndex($0)! }
        let always = [PropertyFilter(property: "no-such-key", op: .neq, values: ["x"])]
        let plain = s.engine.funnel(TenantState.FunnelDefinition(steps: steps.map { TenantState.FunnelStepDefinition(eventType: $0) }, windowMs: 3 * TenantCalendar.dayMs), range: range)
        let general = s.engine.funnel(TenantState.FunnelDefinition(steps: steps.map { TenantState.FunnelStepDefinition(eventType: $0, filters: always) }, windowMs: 3 * TenantCalendar.dayMs), range: range)
        #expect(general.steps == plain.steps)
        #expect(general.usersAtStep == plain.usersAtStep)
    }
}
