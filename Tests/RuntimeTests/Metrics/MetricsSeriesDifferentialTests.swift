import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Random event streams (several zones, merges, events with and without properties) fed to the
/// engine and to `MetricsReference`; every metrics series must agree exactly, with and without
/// conditions and breakdowns, at every granularity.
@Suite struct MetricsSeriesDifferentialTests {
    struct Scenario {
        var engine: TenantState
        var reference: MetricsReference
        var nowMs: Int64
    }

    static let zones = ["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago"]
    static let countries = ["US", "DE", "FR", "BR", "IN", "JP"]

    static func scenario(seed: UInt64, zone: String) -> Scenario {
        var rng = SeededGenerator(seed: seed)
        let timeZone = TimeZone(identifier: zone)!
        var engine = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: timeZone, retentionDays: 0))
        var reference = MetricsReference(timeZone: timeZone)
        let nowMs = ISO8601Timestamp.parseMillisecondsForTests("2026-04-10T12:00:00Z")
        let spanMs: Int64 = 50 * 86_400_000
        let types = ["login", "page_view", "purchase", "export"]
        var pending: [EventInput] = []
        func flush() {
            guard !pending.isEmpty else { return }
            _ = try! engine.ingest(pending, nowMs: nowMs, anonymousID: "anon-generated")
            pending.removeAll()
        }
        for _ in 0..<Int.random(in: 400...1500, using: &rng) {
            // Most events in the last days (minute and hour buckets need company), the rest spread.
            let ts = rng.next() % 3 == 0 ? nowMs - Int64.random(in: 0..<(2 * 86_400_000), using: &rng)
                                         : nowMs - Int64.random(in: 0..<spanMs, using: &rng)
            let user = rng.next() % 8 == 0 ? "anon-\(Int.random(in: 0..<10, using: &rng))" : "u\(Int.random(in: 0..<40, using: &rng))"
            let type = types.randomElement(using: &rng)!
            var properties: [String: String] = [:]
            if rng.next() % 5 != 0 { properties["country"] = countries[Int.random(in: 0..<countries.count, using: &rng)] }
            if type == "purchase" { properties["amount"] = String(Int.random(in: 1...500, using: &rng)) }
            if rng.next() % 2 == 0 { properties["plan"] = ["free", "pro", "team"].randomElement(using: &rng)! }
            let page = type == "page_view" ? "/p\(Int.random(in: 0..<4, using: &rng))" : nil
            pending.append(EventInput(eventType: type, user: user, page: page, timestampMs: ts,
                                      properties: properties.sorted { $0.key < $1.key }.map { .init($0.key, $0.value) }))
            reference.events.append(.init(user: user, type: type, page: page, timestampMs: ts, properties: properties))
            if pending.count >= Int.random(in: 1...40, using: &rng) { flush() }
            if rng.next() % 60 == 0 {
                flush()
                let anon = "anon-\(Int.random(in: 0..<10, using: &rng))"
                if reference.mergedInto[anon] == nil, engine.userIndex(anon) != nil {
                    let target = "u\(Int.random(in: 0..<40, using: &rng))"
                    _ = engine.merge(anonymousID: anon, into: target)
                    reference.mergedInto[anon] = target
                }
            }
        }
        flush()
        return Scenario(engine: engine, reference: reference, nowMs: nowMs)
    }

    /// A random window at a random granularity ending near `nowMs`: minutes over up to three
    /// hours, hours over up to three days, longer cuts over up to 45 days.
    static func window(_ state: TenantState, nowMs: Int64, _ rng: inout SeededGenerator) -> MetricsWindow {
        let granularity = MetricsGranularity.allCases.randomElement(using: &rng)!
        let calendar = state.calendar
        switch granularity {
        case .minute:
            let end = nowMs - Int64.random(in: 0..<3_600_000, using: &rng)
            return MetricsWindow(startMs: end - Int64.random(in: 1...180, using: &rng) * 60_000 - 17_000, endMs: end, granularity: .minute, calendar: calendar)
        case .hourly:
            return MetricsWindow(days: DayRange(days: Int.random(in: 1...3, using: &rng), endingOn: state.day(of: nowMs)), granularity: .hourly, calendar: calendar)
        default:
            return MetricsWindow(days: DayRange(days: Int.random(in: 1...45, using: &rng), endingOn: state.day(of: nowMs) - DayNumber(Int.random(in: 0...3, using: &rng))),
                                 granularity: granularity, calendar: calendar)
        }
    }

    /// A random question: a window at a random granularity, up to two conditions, maybe a breakdown.
    static func query(_ s: Scenario, _ rng: inout SeededGenerator) -> MetricsQuery {
        let window = Self.window(s.engine, nowMs: s.nowMs, &rng)
        let fields: [EventField] = [.eventName, .page, .user, .property("country"), .property("plan"), .property("amount"), .property("missing")]
        var conditions: [MetricsCondition] = []
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            let field = fields.randomElement(using: &rng)!
            let op = MetricsCondition.Operator.allCases.randomElement(using: &rng)!
            let values: [String]
            switch field {
            case .eventName: values = [["login", "purchase", "page_view"].randomElement(using: &rng)!, "export"]
            case .page: values = ["/p1", "/p"]
            case .user: values = ["u3", "u1"]
            case .property("amount"): values = [String(Int.random(in: 1...500, using: &rng))]
            default: values = [countries.randomElement(using: &rng)!, "pro", "U"]
            }
            conditions.append(MetricsCondition(field: field, op: op, values: op == .in || op == .notIn ? values : Array(values.prefix(1))))
        }
        let breakdown = rng.next() % 2 == 0 ? fields.randomElement(using: &rng) : nil
        return MetricsQuery(window: window, conditions: conditions, breakdown: breakdown, breakdownLimit: Int.random(in: 1...4, using: &rng))
    }

    /// The engine's buckets partition the window as the reference names buckets.
    @Test(arguments: Array(0..<10))
    func bucketsFollowTheCalendar(seed: Int) {
        let s = Self.scenario(seed: UInt64(seed), zone: Self.zones[seed % Self.zones.count])
        var rng = SeededGenerator(seed: UInt64(seed) + 1000)
        for _ in 0..<20 {
            let window = Self.query(s, &rng).window
            var previous: String?
            for (i, bucket) in window.buckets.enumerated() {
                let key = s.reference.bucketKey(bucket.startMs, window.granularity)
                #expect(bucket.startMs < bucket.endMs)
                #expect(s.reference.bucketKey(bucket.endMs - 1, window.granularity) == key, "bucket \(i) spans two \(window.granularity) buckets")
                #expect(key != previous, "buckets \(i - 1) and \(i) are the same \(window.granularity) bucket")
                if i > 0 { #expect(window.buckets[i - 1].endMs == bucket.startMs) }
                previous = key
            }
        }
    }

    @Test(arguments: Array(0..<15))
    func eventCountsAgree(seed: Int) {
        let s = Self.scenario(seed: UInt64(seed), zone: Self.zones[seed % Self.zones.count])
        var rng = SeededGenerator(seed: UInt64(seed) + 2000)
        for _ in 0..<25 {
            let q = Self.query(s, &rng)
            let engine = s.engine.metricsCountSeries(s.engine.metricsEventCounts(q), q)
            let groups = s.reference.grouped(q.conditions, q.breakdown, from: q.window.startMs, to: q.window.endMs, q.window.granularity)
            let keys = q.window.buckets.map { s.reference.bucketKey($0.startMs, q.window.granularity) }
            let lines = groups.mapValues { byKey in keys.map { byKey[$0]?.count ?? 0 } }
            let expected: [(MetricsSeries.Dimension, [Int])] = q.breakdown == nil
                ? [(.all, lines[""] ?? keys.map { _ in 0 })]
                : MetricsReference.ranked(lines, total: { Double($0.reduce(0, +)) }, limit: q.breakdownLimit) { rest in
                    keys.indices.map { i in rest.reduce(0) { $0 + $1[i] } }
                }
            #expect(engine.map(\.dimension) == expected.map(\.0), "dimensions for \(q)")
            #expect(engine.map(\.values) == expected.map { $0.1.map { Double($0) as Double? } }, "counts for \(q)")
        }
    }

    @Test(arguments: Array(0..<15))
    func activeUsersAgree(seed: Int) {
        let s = Self.scenario(seed: UInt64(seed), zone: Self.zones[seed % Self.zones.count])
        var rng = SeededGenerator(seed: UInt64(seed) + 3000)
        for _ in 0..<20 {
            var q = Self.query(s, &rng)
            let windowDays = q.window.granularity == .minute || q.window.granularity == .hourly ? 1 : [1, 7, 30].randomElement(using: &rng)!
            if rng.next() % 3 == 0 { q.conditions = []; q.breakdown = nil }
            let scanQuery = s.engine.activeUsersScanQuery(q, windowDays: windowDays)
            let scanned = s.engine.activeUsersSeries(s.engine.metricsUserSets(scanQuery), q, windowDays: windowDays)
            let expected = referenceActiveUsers(s, q, windowDays: windowDays)
            #expect(scanned.map(\.dimension) == expected.map(\.0), "dimensions for \(q), window \(windowDays)")
            #expect(scanned.map(\.values) == expected.map { $0.1.map { Double($0) as Double? } }, "users for \(q), window \(windowDays)")
            if s.engine.activeUsersFromIndexes(q) {
                #expect(s.engine.activeUsersSeriesFromIndexes(q, windowDays: windowDays).map(\.values) == scanned.map(\.values), "indexes for \(q)")
            }
        }
    }

    /// Users per bucket: of the bucket itself (window 1) or of the `windowDays` days ending with its
    /// last day; a breakdown ranks values by their users over the whole question.
    func referenceActiveUsers(_ s: Scenario, _ q: MetricsQuery, windowDays: Int) -> [(MetricsSeries.Dimension, [Int])] {
        let r = s.reference
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = r.timeZone
        // The instants each point covers.
        let spans: [(Int64, Int64)] = q.window.buckets.map { bucket in
            guard windowDays > 1 else { return (bucket.startMs, bucket.endMs) }
            let lastDay = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(bucket.endMs - 1) / 1000))
            let first = calendar.date(byAdding: .day, value: -(windowDays - 1), to: lastDay)!
            let end = calendar.date(byAdding: .day, value: 1, to: lastDay)!
            return (Int64(first.timeIntervalSince1970 * 1000), Int64(end.timeIntervalSince1970 * 1000))
        }
        let whole = (spans.map(\.0).min()!, spans.map(\.1).max()!)
        let events = r.passing(q.conditions, from: whole.0, to: whole.1)
        func users(_ value: String??, _ span: (Int64, Int64)) -> Set<String> {
            Set(events.filter { e in
                e.timestampMs >= span.0 && e.timestampMs < span.1 && (value == nil || q.breakdown.map { r.value(of: $0, e) } == value!)
            }.map { r.canonical($0.user) })
        }
        guard let field = q.breakdown else { return [(.all, spans.map { users(nil, $0).count })] }
        let values = Set(events.map { r.value(of: field, $0) })
        let lines: [String?: [Set<String>]] = Dictionary(uniqueKeysWithValues: values.map { v in (v, spans.map { users(.some(v), $0) }) })
        let ranked = MetricsReference.ranked(lines, total: { Double($0.reduce(into: Set<String>()) { $0.formUnion($1) }.count) },
                                             limit: q.breakdownLimit) { rest in spans.indices.map { i in rest.reduce(into: Set<String>()) { $0.formUnion($1[i]) } } }
        return ranked.map { ($0.0, $0.1.map(\.count)) }
    }
}
