import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Breakdowns by a property answered from the sealed chunks' property indexes, against a plain
/// count of the generated events (Foundation's calendar, a dictionary of merges) and against the
/// row-by-row scan, on logs long enough to seal chunks.
@Suite struct PropertyBreakdownDifferentialTests {
    struct Logged {
        var user: String
        var timestampMs: Int64
        var properties: [String: String]
    }

    struct Scenario {
        var state: TenantState
        var events: [Logged]
        var mergedInto: [String: String]
        var zone: TimeZone
        var nowMs: Int64
    }

    static let countries = ["US", "DE", "FR", "BR", "IN", "JP", "GB"]

    /// 150k events over 40 days by 3,000 users (some anonymous, later merged), a few late ones;
    /// `country` on most events, `plan` on half, `item` with 2,000 values (too many to index),
    /// `tier` on a few events after the first chunk.
    static func scenario(seed: UInt64, zone: String) throws -> Scenario {
        var rng = SeededGenerator(seed: seed)
        let timeZone = TimeZone(identifier: zone)!
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: timeZone, retentionDays: 0))
        let nowMs = ISO8601Timestamp.parseMillisecondsForTests("2026-04-10T12:00:00Z")
        let startMs = nowMs - 40 * 86_400_000
        var events: [Logged] = []
        var mergedInto: [String: String] = [:]
        var batch: [EventInput] = []
        for i in 0..<150_000 {
            var ts = startMs + Int64(i) * 23_000 + Int64.random(in: 0..<600_000, using: &rng)
            if rng.next() % 500 == 0 { ts -= Int64.random(in: 0..<(5 * 86_400_000), using: &rng) }   // late
            let user = rng.next() % 10 == 0 ? "anon-\(rng.next() % 300)" : "u\(rng.next() % 3_000)"
            var properties: [String: String] = [:]
            if rng.next() % 6 != 0 { properties["country"] = countries[Int(rng.next() % UInt64(countries.count))] }
            if rng.next() % 2 == 0 { properties["plan"] = ["free", "pro", "team"][Int(rng.next() % 3)] }
            if rng.next() % 3 == 0 { properties["item"] = "i\(rng.next() % 2_000)" }
            // A key first sent once the first chunk is sealed, on a few events only.
            if i > 70_000, rng.next() % 9 == 0 { properties["tier"] = ["gold", "silver"][Int(rng.next() % 2)] }
            batch.append(EventInput(eventType: ["login", "view", "export"][Int(rng.next() % 3)], user: user, timestampMs: ts,
                                    properties: properties.sorted { $0.key < $1.key }.map { .init($0.key, $0.value) }))
            events.append(Logged(user: user, timestampMs: ts, properties: properties))
            if batch.count == 700 {
                _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "g")
                batch.removeAll()
                if rng.next() % 4 == 0 {
                    let anonymous = "anon-\(rng.next() % 300)", known = "u\(rng.next() % 3_000)"
                    if mergedInto[anonymous] == nil, case .merged = state.merge(anonymousID: anonymous, into: known) { mergedInto[anonymous] = known }
                }
            }
        }
        _ = try state.ingest(batch, nowMs: nowMs, anonymousID: "g")
        return Scenario(state: state, events: events, mergedInto: mergedInto, zone: timeZone, nowMs: nowMs)
    }

    /// Users per (day, value) counted the plain way; nil values are events without the key.
    static func reference(_ s: Scenario, key: String, from: Date, days: Int) -> [String: [String?: Set<String>]] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = s.zone
        let formatter = DateFormatter()
        formatter.calendar = calendar; formatter.timeZone = s.zone; formatter.dateFormat = "yyyy-MM-dd"
        let end = calendar.date(byAdding: .day, value: days, to: from)!
        var out: [String: [String?: Set<String>]] = [:]
        for e in s.events {
            let date = Date(timeIntervalSince1970: Double(e.timestampMs) / 1000)
            guard date >= from, date < end else { continue }
            out[formatter.string(from: date), default: [:]][e.properties[key], default: []].insert(s.mergedInto[e.user] ?? e.user)
        }
        return out
    }

    @Test(arguments: [(1, "UTC"), (2, "America/New_York"), (3, "Asia/Kolkata"), (4, "Australia/Lord_Howe")])
    func dailyUsersByValueAgreeWithAPlainCount(seed: Int, zone: String) throws {
        let s = try Self.scenario(seed: UInt64(seed), zone: zone)
        #expect(s.state.log.sealed.count == 2)
        #expect(!s.mergedInto.isEmpty)
        let lastDay = s.state.day(of: s.nowMs)
        let range = DayRange(days: 38, endingOn: lastDay)
        let window = MetricsWindow(days: range, granularity: .daily, calendar: s.state.calendar)
        var rebuilt = s.state
        rebuilt.rebuildPropertyDays()   // as after loading a snapshot
        for key in ["country", "plan", "tier"] {
            let query = MetricsQuery(window: window, breakdown: .property(key))
            let sets = try #require(s.state.indexedUserSets(query))
            #expect(rebuilt.indexedUserSets(query).map { $0.byValue.mapValues { $0.map(\.members) } } == sets.byValue.mapValues { $0.map(\.members) })
            let from = Date(timeIntervalSince1970: Double(window.startMs) / 1000)
            let expected = Self.reference(s, key: key, from: from, days: range.count)
            for (b, bucket) in window.buckets.enumerated() {
                let label = TenantCalendar.isoDate(bucket.days.first)
                var got: [String?: Int] = [:]
                for (value, row) in sets.byValue where row[b].count > 0 {
                    got[value == ChunkPropertyIndex.none ? nil : s.state.propertySets.values.string(value)] = row[b].count
                }
                #expect(got == (expected[label] ?? [:]).mapValues(\.count), "\(key) \(label)")
            }
        }
        // Too many values of `item` in a chunk: the indexes decline and the scan answers.
        #expect(s.state.indexedUserSets(MetricsQuery(window: window, breakdown: .property("item"))) == nil)
    }

    /// The index path equals the scan for DAU/WAU/MAU at every granularity, and for grouped metrics.
    @Test(arguments: [(5, "UTC"), (6, "America/Santiago")])
    func seriesAndGroupsAgreeWithTheScan(seed: Int, zone: String) throws {
        let s = try Self.scenario(seed: UInt64(seed), zone: zone)
        let lastDay = s.state.day(of: s.nowMs)
        for granularity in [MetricsGranularity.daily, .weekly, .monthly] {
            for days in [1, 9, 35] {
                let window = MetricsWindow(days: DayRange(days: days, endingOn: lastDay - 1), granularity: granularity, calendar: s.state.calendar)
                for key in ["country", "plan", "tier", "never_sent"] {
                    let query = MetricsQuery(window: window, breakdown: .property(key), breakdownLimit: 3)
                    for windowDays in [1, 7, 30] {
                        let scanned = s.state.activeUsersScanQuery(query, windowDays: windowDays)
                        let fromScan = s.state.activeUsersSeries(s.state.metricsUserSets(scanned), query, windowDays: windowDays)
                        #expect(s.state.activeUsers(query, windowDays: windowDays) == fromScan, "\(key) \(granularity) \(days) \(windowDays)")
                    }
                }
                for size in [GroupedSize.count, .uniqueActors] {
                    for intensity in [GroupedIntensity.avgPerActor, .uniqueActors] {
                        let query = MetricsQuery(window: window)
                        let indexed = try #require(s.state.indexedGroupedMetrics(query, groupBy: .property("country"), size: size, intensity: intensity, maxGroups: 4))
                        // The plain grouping of the logged events.
                        var groups: [String?: (events: Int, users: Set<String>)] = [:]
                        for e in s.events where e.timestampMs >= window.startMs && e.timestampMs < window.endMs {
                            groups[e.properties["country"], default: (0, [])].events += 1
                            groups[e.properties["country"]]!.users.insert(s.mergedInto[e.user] ?? e.user)
                        }
                        func measure(_ g: (events: Int, users: Set<String>)) -> (Double, Double?) {
                            (size == .count ? Double(g.events) : Double(g.users.count),
                             intensity == .uniqueActors ? Double(g.users.count) : g.users.isEmpty ? nil : Double(g.events) / Double(g.users.count))
                        }
                        let ranked = groups.sorted { a, b in
                            let (x, y) = (measure(a.value).0, measure(b.value).0)
                            return x != y ? x > y : (a.key ?? "") < (b.key ?? "")
                        }
                        var expected = ranked.prefix(4).map { GroupedRow(dimension: $0.key.map { .value($0) } ?? .none, size: measure($0.value).0, intensity: measure($0.value).1) }
                        if ranked.count > 4 {
                            let rest = ranked.dropFirst(4).reduce((events: 0, users: Set<String>())) { ($0.events + $1.value.events, $0.users.union($1.value.users)) }
                            expected.append(GroupedRow(dimension: .other, size: measure(rest).0, intensity: measure(rest).1))
                        }
                        #expect(indexed == expected, "\(granularity) \(days) \(size) \(intensity)")
                    }
                }
            }
        }
    }

    /// A chunk's index, built directly, against the plain grouping of its rows.
    @Test func aChunkIndexHoldsEachDaysUsersPerValue() {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: TimeZone(identifier: "UTC")!, retentionDays: 0))
        var sets = state.propertySets
        let us = sets.intern([("country", "US")]), de = sets.intern([("country", "DE"), ("plan", "pro")]), empty = PropertySetIndex.empty
        let day: Int64 = 86_400_000, t0: Int64 = 20_000 * day
        var columns = EventColumns()
        for (ts, user, set) in [(t0 + 5, 4, us), (t0 + 9, 2, us), (t0 + 1, 4, de), (t0 + day, 4, empty), (t0 - day, 7, de), (t0 + 3, 4, us)] {
            columns.append(StoredEvent(timestampMs: ts, user: UserIndex(UInt32(user)), account: .none, type: EventTypeIndex(0), page: .none, properties: set))
        }
        state.propertySets = sets
        let index = ChunkPropertyIndex(columns, calendar: state.calendar, sets: sets)
        #expect(index.days == [19_999, 20_000, 20_001])
        #expect(index.dayUsers.map(\.members) == [[7], [2, 4], [4]])
        #expect(index.dayEvents == [1, 4, 1])
        guard case .values(let country) = index.lookup(key: sets.keys.lookup("country")!),
              case .values(let plan) = index.lookup(key: sets.keys.lookup("plan")!) else { Issue.record("keys not indexed"); return }
        let usID = sets.values.lookup("US")!, deID = sets.values.lookup("DE")!
        let byValue = Dictionary(uniqueKeysWithValues: country.values.enumerated().map { ($1, (country.users[$0].map(\.members), country.events[$0])) })
        #expect(byValue[usID]!.0 == [[], [2, 4], []] && byValue[usID]!.1 == [0, 3, 0])
        #expect(byValue[deID]!.0 == [[7], [4], []] && byValue[deID]!.1 == [1, 1, 0])
        #expect(byValue[ChunkPropertyIndex.none]!.0 == [[], [], [4]])
        let planNone = plan.values.firstIndex(of: ChunkPropertyIndex.none)!
        #expect(plan.users[planNone].map(\.members) == [[], [2, 4], [4]] && plan.events[planNone] == [0, 3, 1])
        if case .absent = index.lookup(key: 999) {} else { Issue.record("an unknown key is absent") }
    }
}
