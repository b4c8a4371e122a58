import Foundation
import Testing
import TestSupport
@testable import Runtime

/// The events family (`custom`, `per-actor`, `first-time`, `top`, `properties`) and the `/raw`
/// lists against `MetricsReference` over the random scenarios of `MetricsSeriesDifferentialTests`:
/// several zones, merges, conditions, breakdowns and every granularity.
@Suite struct MetricsEventsDifferentialTests {
    typealias Base = MetricsSeriesDifferentialTests

    static let events = ["login", "page_view", "purchase", "export", "never_sent"]

    static func scenario(_ seed: Int) -> Base.Scenario { Base.scenario(seed: UInt64(seed), zone: Base.zones[seed % Base.zones.count]) }

    /// Twenty random questions (the round, from 0) on the scenario of `seed`, drawn from a
    /// generator seeded with `seed + salt`.
    func forEachQuestion(seed: Int, salt: UInt64, _ body: (Base.Scenario, MetricsQuery, Int, inout SeededGenerator) -> Void) {
        let s = Self.scenario(seed)
        var rng = SeededGenerator(seed: UInt64(seed) + salt)
        for round in 0..<20 { body(s, Base.query(s, &rng), round, &rng) }
    }

    /// `ask` adds the endpoint's own parameters and answers with the engine's series, the
    /// reference's lines and what was asked.
    func seriesAgree(seed: Int, salt: UInt64,
                     _ ask: (Base.Scenario, MetricsQuery, inout SeededGenerator) -> (engine: [MetricsSeries], expected: [(MetricsSeries.Dimension, [Double?])], what: String)) {
        forEachQuestion(seed: seed, salt: salt) { s, q, _, rng in
            let (engine, expected, what) = ask(s, q, &rng)
            #expect(engine.map(\.dimension) == expected.map(\.0), "dimensions for \(what) in \(q), seed \(seed)")
            #expect(engine.map(\.values) == expected.map(\.1), "values for \(what) in \(q), seed \(seed)")
        }
    }

    @Test(arguments: Array(0..<12))
    func customAggregatesAgree(seed: Int) {
        seriesAgree(seed: seed, salt: 4000) { s, q, rng in
            let event = rng.next() % 3 == 0 ? Self.events.randomElement(using: &rng)! : "purchase"
            let property = ["amount", "amount", "country", "missing"].randomElement(using: &rng)!
            let metric = MetricsAggregate.allCases.randomElement(using: &rng)!
            return (s.engine.metricsCustomSeries(q, event: event, property: property, metric: metric),
                    s.reference.custom(q, event: event, property: property, metric: metric), "\(metric) of \(event).\(property)")
        }
    }

    @Test(arguments: Array(0..<12))
    func perActorAggregatesAgree(seed: Int) {
        seriesAgree(seed: seed, salt: 5000) { s, q, rng in
            let event = Self.events.randomElement(using: &rng)!
            let property = rng.next() % 3 == 0 ? "amount" : nil
            let metric = MetricsActorAggregate.allCases.randomElement(using: &rng)!
            return (s.engine.metricsPerActorSeries(q, event: event, property: property, metric: metric),
                    s.reference.perActor(q, event: event, property: property, metric: metric), "\(metric) of \(event) \(property ?? "count")")
        }
    }

    @Test(arguments: Array(0..<12))
    func firstTimesAgree(seed: Int) {
        seriesAgree(seed: seed, salt: 6000) { s, q, rng in
            let event = Self.events.randomElement(using: &rng)!
            let matchMode = rng.next() % 2 == 0
            let lookback = rng.next() % 2 == 0 ? Int.random(in: 0...20, using: &rng) : nil
            let engine = s.engine.metricsCountSeries(s.engine.metricsFirstTimeCounts(q, event: event, matchMode: matchMode, lookbackDays: lookback), q)
            let expected = s.reference.firstTime(q, event: event, matchMode: matchMode, lookbackDays: lookback)
            return (engine, expected.map { ($0.0, $0.1.map { Double($0) as Double? }) },
                    "first \(event), match_mode \(matchMode), lookback \(lookback.map(String.init) ?? "all")")
        }
    }

    /// Whole days, no conditions, no breakdown: the answer comes from the day indexes.
    @Test(arguments: Array(0..<8))
    func firstTimesFromTheDayIndexesAgree(seed: Int) {
        let s = Self.scenario(seed)
        var rng = SeededGenerator(seed: UInt64(seed + 6100))
        for granularity in [MetricsGranularity.daily, .weekly, .monthly] {
            let days = DayRange(days: Int.random(in: 1...45, using: &rng), endingOn: s.engine.day(of: s.nowMs) - DayNumber(Int.random(in: 0...3, using: &rng)))
            let q = MetricsQuery(window: MetricsWindow(days: days, granularity: granularity, calendar: s.engine.calendar))
            let event = Self.events.randomElement(using: &rng)!
            let lookback = rng.next() % 2 == 0 ? Int.random(in: 0...20, using: &rng) : nil
            #expect((s.engine.firstTimeFromDayIndexes(q, event: event, lookbackDays: lookback) != nil) == (event != "never_sent"))
            let engine = s.engine.metricsCountSeries(s.engine.metricsFirstTimeCounts(q, event: event, matchMode: false, lookbackDays: lookback), q)
            let expected = s.reference.firstTime(q, event: event, matchMode: false, lookbackDays: lookback)
            #expect(engine.map { $0.values.map { $0 ?? 0 } } == expected.map { $0.1.map(Double.init) }, "\(granularity) \(event) lookback \(lookback.map(String.init) ?? "all")")
        }
    }

    @Test(arguments: Array(0..<12))
    func valueCountsAgree(seed: Int) {
        let fields: [EventField] = [.eventName, .page, .user, .property("country"), .property("plan"), .property("missing")]
        forEachQuestion(seed: seed, salt: 7000) { s, question, round, rng in
            var q = question
            // Even rounds rank event names (`top`); odd ones a field's values on one event (`properties`).
            let field = round % 2 == 0 ? EventField.eventName : fields.randomElement(using: &rng)!
            if round % 2 == 1 { q = q.restricted(toEvent: Self.events.randomElement(using: &rng)!) }
            let keep = rng.next() % 3 == 0 ? nil : Int.random(in: 0...5, using: &rng)
            let engine = s.engine.metricsValueCounts(q, field: field, keep: keep)
            let expected = s.reference.valueCounts(q.conditions, field: field, from: q.window.startMs, to: q.window.endMs)
            let kept = expected.prefix(keep ?? expected.count), rest = expected.dropFirst(kept.count)
            #expect(engine.rows == kept.map { MetricsValueCount(value: $0.value, count: $0.count, users: $0.users.count) }, "rows of \(field) in \(q), seed \(seed)")
            let other = rest.isEmpty ? nil : MetricsValueCount(value: nil, count: rest.reduce(0) { $0 + $1.count },
                                                               users: rest.reduce(into: Set<String>()) { $0.formUnion($1.users) }.count)
            #expect(engine.other == other, "other of \(field) in \(q), seed \(seed)")
            #expect(engine.distinct == expected.count)
        }
    }

    @Test(arguments: Array(0..<12))
    func eventRowsAgree(seed: Int) {
        forEachQuestion(seed: seed, salt: 8000) { s, question, _, rng in
            var q = question
            if rng.next() % 3 == 0 { q = q.restricted(toEvent: Self.events.randomElement(using: &rng)!) }
            // Small keeps force the candidate list to be trimmed many times.
            let keep = [0, 1, 7, 50, 2000].randomElement(using: &rng)!
            let engine = s.engine.metricsEventRows(q, keep: keep)
            let expected = s.reference.eventRows(q.conditions, from: q.window.startMs, to: q.window.endMs)
            #expect(engine.total == expected.count, "total for \(q), seed \(seed)")
            let rows = expected.prefix(keep).map { e in
                MetricsEventRow(timestampMs: e.timestampMs, event: e.type, user: s.reference.canonical(e.user), page: e.page, properties: e.properties)
            }
            #expect(engine.rows == Array(rows), "rows for \(q), keep \(keep), seed \(seed)")
        }
    }

    /// The users behind a point are the point's users: as many as the series says, each with
    /// their events in the point's span.
    @Test(arguments: Array(0..<12))
    func usersBehindAPointAgree(seed: Int) {
        forEachQuestion(seed: seed, salt: 9000) { s, q, _, rng in
            let windowDays = q.window.granularity == .minute || q.window.granularity == .hourly ? 1 : [1, 7, 30].randomElement(using: &rng)!
            let i = Int.random(in: 0..<q.window.buckets.count, using: &rng)
            let span = s.engine.activeUsersSpan(of: q.window.buckets[i], windowDays: windowDays)
            let engine = s.engine.metricsUserRows(q.over(span))
            let expected = s.reference.userRows(q.conditions, from: span.startMs, to: span.endMs)
            #expect(engine == expected.map { MetricsUserRow(user: $0.user, events: $0.events, firstSeenMs: $0.first, lastSeenMs: $0.last) },
                    "users of bucket \(i), window \(windowDays), in \(q), seed \(seed)")
            var plain = q
            plain.breakdown = nil
            let series = s.engine.activeUsersSeries(s.engine.metricsUserSets(s.engine.activeUsersScanQuery(plain, windowDays: windowDays)), plain, windowDays: windowDays)
            #expect(series[0].values[i] == Double(engine.count), "the point's value for bucket \(i), window \(windowDays), seed \(seed)")
        }
    }
}
