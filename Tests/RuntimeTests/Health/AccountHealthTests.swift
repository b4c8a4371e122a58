import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Account health from the day indexes against a plain computation over the events themselves,
/// with more than 64 event types (the per-day masks' overflow) and a time zone off UTC.
@Suite struct AccountHealthTests {
    struct Event { var user: String; var account: String?; var type: String; var ts: Int64 }

    static let now: Int64 = 1_793_448_000_000   // 2026-10-31T12:00:00Z
    static let timeZone = TimeZone(identifier: "Asia/Tokyo")!

    /// Users act for their own account (a few for none, the visitors); types are mostly a few
    /// common ones and sometimes one of 80.
    static func scenario(seed: Int) throws -> (state: TenantState, events: [Event]) {
        var rng = SeededGenerator(seed: UInt64(seed + 77))
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: timeZone, retentionDays: 0))
        var events: [Event] = [], batch: [EventInput] = []
        let common = ["login", "view", "export", "share"]
        // 84 types interned first (long before every window), so the later ones are past the masks.
        for (i, type) in (common + (0..<80).map { "t\($0)" }).enumerated() {
            let e = Event(user: "seeder@x.com", account: "acct0", type: type, ts: now - 80 * 86_400_000 + Int64(i))
            events.append(e)
            batch.append(EventInput(eventType: e.type, user: e.user, account: e.account, timestampMs: e.ts))
        }
        for i in 0..<Int.random(in: 600...1_500, using: &rng) {
            let u = Int(rng.next() % 60)
            let user = u < 6 ? "visitor\(u)" : "u\(u)@x.com"
            // Users 6–11 move to another account once (their latest event names the new one).
            let account: String? = u < 6 ? nil : "acct\((u + (u < 12 && i > 700 ? 1 : 0)) % 9)"
            let type = rng.next() % 5 == 0 ? "t\(rng.next() % 80)" : common[Int(rng.next() % 4)]
            // Days back from 0 to 75, so windows of past days see fewer events.
            let e = Event(user: user, account: account, type: type, ts: now - Int64(rng.next() % (75 * 86_400)) * 1_000)
            events.append(e)
            batch.append(EventInput(eventType: e.type, user: e.user, account: e.account, timestampMs: e.ts))
            if batch.count >= 50 { _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        return (state, events)
    }

    /// The day of `ts` in the tenant's zone, counted the plain way.
    static func day(_ ts: Int64) -> Int {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ts) / 1000))) * 1000
        return Int(((ts + offset) - ((ts + offset) % 86_400_000 + 86_400_000) % 86_400_000) / 86_400_000)
    }

    struct Expected: Equatable { var account: String; var components: [Int]; var score: Int; var status: String }

    /// Health as docs/health.md defines it, from the events alone.
    static func reference(_ events: [Event], asOf d: Int) -> [Expected] {
        let window = (d - 29)...d, recent = (d - 13)...d, prior = (d - 27)...(d - 14)
        // Each user's account: that of their latest event (later arrivals win ties).
        var latest: [String: (ts: Int64, account: String?)] = [:]
        for e in events where latest[e.user].map({ e.ts >= $0.ts }) ?? true { latest[e.user] = (e.ts, e.account) }
        let inWindow = events.filter { window.contains(day($0.ts)) }
        let activeUsers = Set(inWindow.map(\.user))
        let tenantTypes = Set(inWindow.map(\.type)).count
        let target = max(1, min(10, tenantTypes))
        let tenantDepth = activeUsers.isEmpty ? 0 : Double(inWindow.count) / Double(activeUsers.count)
        let accounts = Set(events.compactMap { e in day(e.ts) <= d ? e.account : nil })
        return accounts.sorted().map { a in
            let members = latest.filter { $0.value.account == a }.map(\.key)
            let active = members.filter(activeUsers.contains).count
            let own = events.filter { $0.account == a }
            let ownWindow = own.filter { window.contains(day($0.ts)) }
            let r = own.filter { recent.contains(day($0.ts)) }.count, p = own.filter { prior.contains(day($0.ts)) }.count
            let last = ownWindow.map { day($0.ts) }.max()
            var c = [Double](repeating: 0, count: 5)
            c[0] = members.isEmpty ? 0 : 100 * Double(active) / Double(members.count)
            c[1] = 100 * min(1, Double(Set(ownWindow.map(\.type)).count) / Double(target))
            c[2] = active == 0 || tenantDepth == 0 ? 0 : 100 * min(1, Double(ownWindow.count) / Double(active) / (2 * tenantDepth))
            c[3] = p == 0 ? (r > 0 ? 100 : 0) : min(100, 50 * Double(r) / Double(p))
            c[4] = last.map { 100 * max(0, 1 - Double(d - $0) / 30) } ?? 0
            let weights = [30.0, 15, 20, 20, 15]
            let score = Int((zip(weights, c).map { $0 * $1 }.reduce(0, +) / 100).rounded())
            return Expected(account: a, components: c.map { Int($0.rounded()) }, score: score, status: score >= 70 ? "green" : score >= 40 ? "yellow" : "red")
        }
    }

    static func observed(_ list: [AccountHealth], _ state: TenantState) -> [Expected] {
        list.map { Expected(account: state.accountNames.string($0.account.rawValue), components: $0.components, score: $0.score, status: $0.status.rawValue) }
            .sorted { $0.account < $1.account }
    }

    @Test(arguments: Array(0..<6))
    func theListIsThePlainComputation(seed: Int) throws {
        let (state, events) = try Self.scenario(seed: seed)
        let today = Int(state.day(of: Self.now))
        #expect(today == Self.day(Self.now))
        for back in [0, 3, 17, 40] {
            let d = today - back
            let list = state.accountHealth(asOf: DayNumber(d))
            #expect(Self.observed(list, state) == Self.reference(events, asOf: d), "as of \(back) days back")
        }
        // Some account is past 64 types' worth of masks and every status shows up somewhere.
        #expect(state.days.days.contains { !$0.accountTypeOverflow.isEmpty })
    }

    @Test(arguments: Array(0..<4))
    func oneAccountsHistoryIsTheListOfEachDay(seed: Int) throws {
        let (state, _) = try Self.scenario(seed: seed)
        let today = state.day(of: Self.now)
        let range = DayRange(days: 50, endingOn: today)
        for a in 0..<state.accounts.count {
            let account = AccountIndex(UInt32(a))
            let history = state.accountHealthHistory(account, range: range)
            for (day, point) in zip(range.all, history) {
                #expect(point == state.accountHealth(asOf: day).first { $0.account == account }, "account \(a) on day \(day)")
            }
        }
    }

    @Test func statusesFollowTheSettingsAndRefuseBadOnes() {
        let s = HealthSettings.standard
        #expect(s.status(of: 70) == .green && s.status(of: 69) == .yellow && s.status(of: 40) == .yellow && s.status(of: 39) == .red)
        #expect(HealthSettings(weights: [0, 0, 0, 0, 0], greenAt: 70, yellowAt: 40).refusal?.field == "weights")
        #expect(HealthSettings(weights: [30, 15, 101, 20, 15], greenAt: 70, yellowAt: 40).refusal?.field == "weights.depth")
        #expect(HealthSettings(weights: [30, 15, 20, 20, 15], greenAt: 50, yellowAt: 60).refusal?.field == "thresholds.yellow")
        #expect(HealthSettings(weights: [30, 15, 20], greenAt: 50, yellowAt: 40).refusal?.field == "weights")
        #expect(HealthSettings(weights: [100, 0, 0, 0, 0], greenAt: 50, yellowAt: 40).score([80, 0, 0, 0, 0]) == 80)
    }

    @Test func snapshotsAreTakenOncePerDayAndKeptForNinetyDays() throws {
        var (state, _) = try Self.scenario(seed: 1)
        let today = state.day(of: Self.now)
        // The first time: only the day that last ended.
        let first = state.dueHealthSnapshots(nowMs: Self.now)
        #expect(first.count == 1)
        guard case .snapshot(let kept) = first.first else { Issue.record("no snapshot"); return }
        #expect(kept.day == today - 1)
        #expect(kept == state.healthDay(asOf: today - 1))
        for edit in first { state.apply(edit) }
        #expect(state.dueHealthSnapshots(nowMs: Self.now).isEmpty)
        // A kept day stays as kept in the history; today is live, days never kept are computed.
        let points = state.healthHistory(AccountIndex(0), range: DayRange(days: 3, endingOn: today), today: today)
        #expect(points.map(\.source) == [.computed, .kept, .live])
        // 120 days later: the 90 days before, each once.
        let later = Self.now + 120 * 86_400_000
        let due = state.dueHealthSnapshots(nowMs: later)
        #expect(due.count == HealthRecord.keptDays)
        for edit in due { state.apply(edit) }
        #expect(state.health.days.count == HealthRecord.keptDays)
        #expect(state.health.days.first?.day == today + 120 - DayNumber(HealthRecord.keptDays))
    }
}
