import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Lifecycle, built-in segments, stickiness and sessions against `MetricsReference` on the random
/// scenarios of `MetricsSeriesDifferentialTests`.
@Suite struct MetricsUserQuestionsDifferentialTests {
    typealias Scenarios = MetricsSeriesDifferentialTests

    static func today(_ s: Scenarios.Scenario) -> DayNumber { s.engine.day(of: s.nowMs) }

    @Test(arguments: Array(0..<10))
    func lifecycleAgrees(seed: Int) {
        let s = Scenarios.scenario(seed: UInt64(seed), zone: Scenarios.zones[seed % Scenarios.zones.count])
        for granularity in [MetricsGranularity.daily, .weekly, .monthly] {
            let window = MetricsWindow(days: DayRange(days: 45, endingOn: Self.today(s) - DayNumber(seed)), granularity: granularity, calendar: s.engine.calendar)
            let expected = s.reference.lifecycle(window.buckets.map { $0.days.first...$0.days.last }, granularity)
            #expect(s.engine.lifecycle(window) == expected, "\(granularity)")
        }
    }

    @Test(arguments: Array(0..<10))
    func builtInSegmentsAgree(seed: Int) {
        let s = Scenarios.scenario(seed: UInt64(seed), zone: Scenarios.zones[seed % Scenarios.zones.count])
        for (back, n) in [(0, 30), (3, 7), (10, 14), (0, 45), (0, 28), (5, 8), (1, 2)] {
            let t = Self.today(s) - DayNumber(back)
            let engine = s.engine.builtInSegments(asOf: t, rangeDays: n)
            let expected = s.reference.builtInSegments(asOf: t, rangeDays: n)
            for segment in BuiltInSegment.allCases {
                let names = Set(engine[segment]!.members.map { s.engine.userNames.string($0) })
                #expect(names == expected[segment], "\(segment) as of \(back) days back over \(n) days")
            }
        }
    }

    @Test(arguments: Array(0..<10))
    func stickinessAgrees(seed: Int) {
        let s = Scenarios.scenario(seed: UInt64(seed), zone: Scenarios.zones[seed % Scenarios.zones.count])
        let range = DayRange(days: 40, endingOn: Self.today(s))
        let all = s.reference.activeDays
        func users(_ days: ClosedRange<DayNumber>) -> Int { all.values.filter { $0.contains { days.contains($0) } }.count }
        for windowDays in [1, 7] {
            let expected = range.all.map { d -> Double in
                let month = users((d - 29)...d)
                return month == 0 ? 0 : Double(users((d - DayNumber(windowDays) + 1)...d)) / Double(month)
            }
            #expect(s.engine.stickinessRatios(range, windowDays: windowDays) == expected)
        }
        for granularity in [MetricsGranularity.weekly, .monthly] {
            let window = MetricsWindow(days: range, granularity: granularity, calendar: s.engine.calendar)
            #expect(s.engine.activeDayHistogram(window) == window.buckets.map { s.reference.activeDayHistogram($0.days.first...$0.days.last) })
        }
    }

    @Test(arguments: Array(0..<12))
    func sessionsAgree(seed: Int) {
        let s = Scenarios.scenario(seed: UInt64(seed), zone: Scenarios.zones[seed % Scenarios.zones.count])
        var rng = SeededGenerator(seed: UInt64(seed) + 4000)
        for _ in 0..<15 {
            var q = Scenarios.query(s, &rng)
            q.breakdown = nil
            let engine = s.engine.sessions(q)
            let expected = s.reference.sessions(q.conditions, from: q.window.startMs, to: q.window.endMs, q.window.granularity)
            let keyed = q.window.buckets.map { expected[s.reference.bucketKey($0.startMs, q.window.granularity)] ?? (0, 0, 0) }
            #expect(engine.map(\.sessions) == keyed.map(\.0), "sessions for \(q)")
            #expect(engine.map(\.durationMs) == keyed.map(\.1), "durations for \(q)")
            #expect(engine.map(\.bounces) == keyed.map(\.2), "bounces for \(q)")
        }
    }

    /// Events sent in time order for most users (sessions cut straight from the log) and out of
    /// order for a few (gathered and sorted): both agree with the reference.
    @Test(arguments: Array(0..<6))
    func sessionsOfOrderedAndLateEventsAgree(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) + 4100)
        let zone = TimeZone(identifier: "UTC")!
        var engine = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: zone, retentionDays: 0))
        var reference = MetricsReference(timeZone: zone)
        let nowMs: Int64 = 1_775_822_400_000
        var ts = nowMs - 4 * 86_400_000
        var batch: [EventInput] = []
        for _ in 0..<2000 {
            ts += Int64.random(in: 0...(40 * 60_000), using: &rng) / 8
            var at = ts
            // A few late events, and a few from a user who only ever sends them late.
            if rng.next() % 25 == 0 { at -= Int64.random(in: 0...(3 * 3_600_000), using: &rng) }
            let user = rng.next() % 30 == 0 ? "late" : "u\(rng.next() % 12)"
            if user == "late" { at -= Int64.random(in: 0...(86_400_000), using: &rng) }
            let type = ["a", "b"].randomElement(using: &rng)!
            batch.append(EventInput(eventType: type, user: user, timestampMs: at))
            reference.events.append(.init(user: user, type: type, page: nil, timestampMs: at, properties: [:]))
        }
        for start in stride(from: 0, to: batch.count, by: 500) {
            _ = try engine.ingest(Array(batch[start..<min(start + 500, batch.count)]), nowMs: nowMs, anonymousID: "g")
        }
        for granularity in [MetricsGranularity.hourly, .daily] {
            let days = DayRange(days: 3, endingOn: engine.day(of: nowMs) - 1)
            let window = MetricsWindow(days: days, granularity: granularity, calendar: engine.calendar)
            let points = engine.sessions(MetricsQuery(window: window))
            let expected = reference.sessions([], from: window.startMs, to: window.endMs, granularity)
            let keyed = window.buckets.map { expected[reference.bucketKey($0.startMs, granularity)] ?? (0, 0, 0) }
            #expect(points.map(\.sessions) == keyed.map(\.0))
            #expect(points.map(\.durationMs) == keyed.map(\.1))
            #expect(points.map(\.bounces) == keyed.map(\.2))
            #expect(points.map(\.sessions).reduce(0, +) > 10)
        }
    }
}
