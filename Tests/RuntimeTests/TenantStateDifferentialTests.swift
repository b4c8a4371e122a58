import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Random event streams (late events, several time zones, merges) fed both to the engine and to
/// the naive reference; every index-backed answer must agree exactly.
@Suite struct TenantStateDifferentialTests {
    struct Scenario {
        var engine: TenantState
        var reference: ReferenceModel
        var nowMs: Int64
        var range: DayRange
    }

    static let zones = ["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"]

    /// Builds a stream over ~40 days ending at `end` (crossing DST changes), ingested in random
    /// batches with merges in between.
    static func scenario(seed: UInt64, zone: String, end: String = "2026-04-10T12:00:00Z") -> Scenario {
        var rng = SeededGenerator(seed: seed)
        let timeZone = TimeZone(identifier: zone)!
        var engine = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: timeZone, retentionDays: 0))
        var reference = ReferenceModel(timeZone: timeZone)
        let nowMs = ISO8601Timestamp.parseMillisecondsForTests(end)
        let spanMs: Int64 = 40 * 86_400_000
        let userCount = Int.random(in: 5...80, using: &rng)
        let types = ["login", "page_view", "report_viewed", "export", "signup"]
        var anonymous: [String] = []
        var pending: [EventInput] = []
        func flush() {
            guard !pending.isEmpty else { return }
            _ = try! engine.ingest(pending, nowMs: nowMs, anonymousID: "anon-generated")
            pending.removeAll()
        }
        let eventCount = Int.random(in: 200...1500, using: &rng)
        var ts = nowMs - spanMs
        for _ in 0..<eventCount {
            ts += Int64.random(in: 0...(2 * spanMs / Int64(eventCount)), using: &rng)
            // Crowd the last hour too, so the live ring has something to show.
            var t = Bool.random(using: &rng) && rng.next() % 4 == 0 ? nowMs - Int64.random(in: 0..<3_600_000, using: &rng) : min(ts, nowMs)
            if rng.next() % 20 == 0 { t -= Int64.random(in: 0...(3 * 86_400_000), using: &rng) }   // late event
            let user: String
            if rng.next() % 6 == 0 {
                if anonymous.isEmpty || rng.next() % 3 == 0 { anonymous.append("anon-\(anonymous.count)") }
                user = anonymous.randomElement(using: &rng)!
            } else {
                user = "user\(Int.random(in: 0..<userCount, using: &rng))@example.com"
            }
            let type = types.randomElement(using: &rng)!
            let page = type == "page_view" ? "/p\(Int.random(in: 0..<5, using: &rng))" : nil
            pending.append(EventInput(eventType: type, user: user, page: page, timestampMs: t,
                                      properties: [.init("plan", ["free", "pro"].randomElement(using: &rng)!)]))
            reference.events.append(.init(user: user, type: type, page: page, timestampMs: t))
            if pending.count >= Int.random(in: 1...50, using: &rng) { flush() }
            if rng.next() % 40 == 0, let anon = anonymous.filter({ reference.mergedInto[$0] == nil }).randomElement(using: &rng) {
                flush()
                let target = "user\(Int.random(in: 0..<userCount, using: &rng))@example.com"
                _ = engine.merge(anonymousID: anon, into: target)
                reference.mergedInto[anon] = target
            }
        }
        flush()
        let lastDay = reference.day(nowMs)
        return Scenario(engine: engine, reference: reference, nowMs: nowMs, range: DayRange(first: lastDay - 44, last: lastDay))
    }

    @Test(arguments: Array(0..<10))
    func activeUserSeriesAgree(seed: Int) {
        let zone = Self.zones[seed % Self.zones.count]
        let s = Self.scenario(seed: UInt64(seed), zone: zone)
        #expect(s.engine.dailyActiveUsers(s.range) == s.reference.dau(s.range), "DAU, \(zone)")
        #expect(s.engine.trailingActiveUsers(s.range, window: 7) == s.reference.trailing(s.range, window: 7), "WAU, \(zone)")
        #expect(s.engine.trailingActiveUsers(s.range, window: 30) == s.reference.trailing(s.range, window: 30), "MAU, \(zone)")
        #expect(s.engine.distinctActiveUsers(s.range) == s.reference.usersActive(inDays: s.range.all).count)
    }

    @Test(arguments: Array(10..<20))
    func perDayCountsAgree(seed: Int) {
        let zone = Self.zones[seed % Self.zones.count]
        let s = Self.scenario(seed: UInt64(seed), zone: zone)
        let activity = s.engine.activity(s.range)
        #expect(activity.map(\.events) == s.reference.eventsPerDay(s.range), "events per day, \(zone)")
        #expect(activity.map(\.activeUsers) == s.reference.dau(s.range))
        #expect(activity.map(\.newUsers) == s.reference.newUsersPerDay(s.range), "new users per day, \(zone)")
    }

    @Test(arguments: Array(20..<30))
    func eventTypesAndMonthsAgree(seed: Int) {
        let zone = Self.zones[seed % Self.zones.count]
        let s = Self.scenario(seed: UInt64(seed), zone: zone)
        for range in [s.range, DayRange(days: 7, endingOn: s.range.last), DayRange(days: 1, endingOn: s.range.last - 3)] {
            let engine = Dictionary(uniqueKeysWithValues: s.engine.eventTypeUsage(range).map { ($0.name, ($0.count, $0.users)) })
            let reference = s.reference.eventTypes(range)
            #expect(engine.count == reference.count)
            for (name, expected) in reference {
                #expect(engine[name]?.0 == expected.count && engine[name]?.1 == expected.users, "\(name) in \(zone)")
            }
        }
        let months = Dictionary(uniqueKeysWithValues: s.engine.monthlyUniques().map { ($0.month, $0.users) })
        #expect(months == s.reference.monthly())
    }

    @Test(arguments: Array(30..<40))
    func liveUsersAgree(seed: Int) {
        let s = Self.scenario(seed: UInt64(seed), zone: "UTC")
        for back in [Int64(0), 90_000, 600_000] {
            let at = s.nowMs - back
            let live = s.engine.liveUsers(nowMs: at)
            let expected = s.reference.live(nowMs: at)
            #expect(live.activeUsers == expected.active)
            #expect(live.sparkline.map(\.users) == expected.sparkline)
        }
    }

    @Test func emptyTenantAnswersZeros() {
        let state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let range = DayRange(days: 30, endingOn: 20_000)
        #expect(state.dailyActiveUsers(range) == Array(repeating: 0, count: 30))
        #expect(state.trailingActiveUsers(range, window: 30) == Array(repeating: 0, count: 30))
        #expect(state.eventTypeUsage(range).isEmpty)
        #expect(state.monthlyUniques().isEmpty)
        #expect(state.liveUsers(nowMs: 1_700_000_000_000).activeUsers == 0)
    }
}

extension ISO8601Timestamp {
    static func parseMillisecondsForTests(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        return Int64(formatter.date(from: text)!.timeIntervalSince1970 * 1000)
    }
}
