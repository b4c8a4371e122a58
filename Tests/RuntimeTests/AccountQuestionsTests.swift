import Foundation
import Testing
import TestSupport
@testable import Runtime

/// Account and per-user questions against plain loops over the events: users that move between
/// accounts, anonymous visitors merged into users, late events, firmographic filters.
@Suite struct AccountQuestionsTests {
    struct Event { var user: String; var account: String?; var type: String; var ts: Int64 }

    struct Fixture {
        var state: TenantState
        var events: [Event]
        var mergedInto: [String: String]
        var industry: [String: String]
        var range: DayRange

        func canonical(_ user: String) -> String { mergedInto[user].map(canonical) ?? user }
        func day(_ e: Event) -> DayNumber { state.day(of: e.ts) }
        func inRange(_ e: Event, _ range: DayRange) -> Bool { range.all.contains(day(e)) }
        /// Canonical users who ever sent an event for `account`.
        func members(_ account: String) -> Set<String> { Set(events.filter { $0.account == account }.map { canonical($0.user) }) }
        func active(_ range: DayRange) -> Set<String> { Set(events.filter { inRange($0, range) }.map { canonical($0.user) }) }
    }

    static func fixture(seed: Int) throws -> Fixture {
        var rng = SeededGenerator(seed: UInt64(seed))
        let zone = TimeZone(identifier: ["UTC", "America/New_York", "Asia/Kolkata"][seed % 3])!
        var state = TenantState(settings: TenantSettings(id: "t", name: "t", timeZone: zone, retentionDays: 0))
        let now: Int64 = 1_793_448_000_000
        var events: [Event] = [], merged: [String: String] = [:], industry: [String: String] = [:]
        var home: [String: String] = [:]
        var batch: [EventInput] = []
        for i in 0..<Int.random(in: 300...1500, using: &rng) {
            let anonymous = rng.next() % 8 == 0
            let user = anonymous ? "anon-\(rng.next() % 15)" : "u\(rng.next() % 70)@x.com"
            // Users mostly stay in one account and sometimes act in another; visitors have none.
            if home[user] == nil { home[user] = "acct\(rng.next() % 9)" }
            let account: String? = anonymous ? nil : (rng.next() % 10 == 0 ? "acct\(rng.next() % 9)" : home[user])
            let e = Event(user: user, account: account, type: ["login", "export", "report"][Int(rng.next() % 3)],
                          ts: now - Int64(rng.next() % (50 * 86_400_000)))
            events.append(e)
            batch.append(EventInput(eventType: e.type, user: user, account: account, timestampMs: e.ts))
            if batch.count == 40 { _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = [] }
            if i % 97 == 0 {
                _ = try state.ingest(batch, nowMs: now, anonymousID: "g"); batch = []
                let anon = "anon-\(rng.next() % 15)", target = "u\(rng.next() % 70)@x.com"
                if merged[anon] == nil, case .merged = state.merge(anonymousID: anon, into: target) { merged[anon] = target }
            }
        }
        _ = try state.ingest(batch, nowMs: now, anonymousID: "g")
        for a in 0..<9 where a % 3 != 2 {
            industry["acct\(a)"] = ["Retail", "SaaS"][a % 2]
            try state.apply(.setAccountProperties(account: "acct\(a)", properties: [.init("industry", ["Retail", "saas"][a % 2])]))
        }
        return Fixture(state: state, events: events, mergedInto: merged, industry: industry, range: DayRange(days: 14, endingOn: state.day(of: now)))
    }

    @Test(arguments: Array(0..<6))
    func accountListTrendAndDecliningMatchTheEvents(seed: Int) throws {
        let f = try Self.fixture(seed: seed)
        let s = f.state
        for range in [f.range, DayRange(days: 1, endingOn: f.range.last), DayRange(days: 60, endingOn: f.range.last)] {
            let active = f.active(range)
            let list = s.accountList(range).rows
            for row in list {
                let members = f.members(row.account)
                #expect(row.users == members.count, "users of \(row.account)")
                #expect(row.activeUsers == members.intersection(active).count, "active users of \(row.account)")
                #expect(row.events == f.events.filter { $0.account == row.account && f.inRange($0, range) }.count)
            }
            #expect(list.map(\.events) == list.map(\.events).sorted(by: >))
            for order in TenantState.AccountOrder.allCases {
                let all = s.accountList(range, order: order).rows
                let key: (TenantState.AccountUsage) -> Int64 = {
                    switch order {
                    case .events: Int64($0.events)
                    case .activeUsers: Int64($0.activeUsers)
                    case .users: Int64($0.users)
                    case .lastSeen: $0.lastSeenMs ?? .min
                    case .name: 0
                    }
                }
                #expect(zip(all, all.dropFirst()).allSatisfy { key($0) > key($1) || (key($0) == key($1) && $0.account < $1.account) }, "\(order)")
                #expect(s.accountList(range, order: order, offset: 2, limit: 3).rows == Array(all.dropFirst(2).prefix(3)))
            }
            let a = try #require(s.accountIndex("acct1"))
            let trend = s.accountTrend(a, range: range)
            #expect(trend.map(\.events) == range.all.map { d in f.events.filter { $0.account == "acct1" && f.day($0) == d }.count })
            #expect(trend.map(\.activeUsers) == range.all.map { d in f.members("acct1").intersection(f.active(DayRange(first: d, last: d))).count })

            let previous = DayRange(first: range.first - DayNumber(range.count), last: range.first - 1)
            var expected: [String] = []
            for n in 0..<9 {
                let name = "acct\(n)"
                let now = f.events.filter { $0.account == name && f.inRange($0, range) }.count
                let before = f.events.filter { $0.account == name && f.inRange($0, previous) }.count
                if now < before { expected.append(name) }
            }
            #expect(Set(s.decliningAccounts(range).map(\.account)) == Set(expected))
        }
    }

    @Test(arguments: Array(0..<6))
    func filtersFeatureUsageAndTopUsersMatchTheEvents(seed: Int) throws {
        let f = try Self.fixture(seed: seed)
        let s = f.state, range = f.range
        let filter = AccountFilter(industry: "SAAS")
        let kept = Set(f.industry.filter { $0.value == "SaaS" }.keys)
        #expect(Set(s.accountList(range, filter: filter).rows.map(\.account)) == kept.intersection(Set(f.events.compactMap(\.account))))
        let keptUsers = kept.reduce(into: Set<String>()) { $0.formUnion(f.members($1)) }
        let activity = s.activity(range, filter: s.resolve(filter))
        #expect(activity.map(\.activeUsers) == range.all.map { f.active(DayRange(first: $0, last: $0)).intersection(keptUsers).count })
        #expect(activity.map(\.events) == range.all.map { d in f.events.filter { $0.account.map(kept.contains) == true && f.day($0) == d }.count })
        let top = s.topUsers(range, limit: 1000, among: s.resolve(filter)?.users)
        #expect(Set(top.map(\.user)) == f.active(range).intersection(keptUsers))
        #expect(s.resolve(AccountFilter(industry: "Mining"))?.accounts.isEmpty == true)

        let types = ["export", "report"].map { s.eventTypeIndex($0)! }
        for row in s.featureUsage(types, range: range) {
            let members = f.members(row.account)
            for (i, name) in ["export", "report"].enumerated() {
                let doers = Set(f.events.filter { $0.type == name && f.inRange($0, range) }.map { f.canonical($0.user) })
                #expect(row.features[i].users == members.intersection(doers).count)
                #expect(row.features[i].events == f.events.filter { $0.type == name && $0.account == row.account && f.inRange($0, range) }.count)
            }
        }

        let a = try #require(s.accountIndex("acct2"))
        var counts: [String: Int] = [:]
        for e in f.events where e.account == "acct2" && f.inRange(e, range) { counts[f.canonical(e.user), default: 0] += 1 }
        let expected = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10)
        let accountTop = s.accountTopUsers(a, range: range)
        #expect(accountTop.map(\.user) == expected.map(\.key))
        #expect(accountTop.map(\.events) == expected.map(\.value))

        // One user's trend, merged history included.
        guard let user = f.mergedInto.values.first ?? f.events.first.map({ f.canonical($0.user) }) else { return }
        let trend = try #require(s.userTrend(user, range: range))
        #expect(trend.map(\.events) == range.all.map { d in f.events.filter { f.canonical($0.user) == user && f.day($0) == d }.count })
        #expect(s.userTrend("nobody@x.com", range: range) == nil)
    }

    @Test func profileEditsAreCheckedAndApplied() throws {
        var state = TenantState(settings: TenantSettings(id: "t", name: "t"))
        let now: Int64 = 1_793_448_000_000
        _ = try state.ingest([EventInput(eventType: "login", user: "a@x.com", account: "acme", timestampMs: now)], nowMs: now, anonymousID: "g")
        #expect(state.refusal(of: .addUserNote(user: "ghost@x.com", note: Note(id: 1, content: "x", createdMs: now))) == .unknownUser("ghost@x.com"))
        #expect(state.refusal(of: .deleteAccountNote(account: "acme", noteID: 7)) == .unknownNote(7))
        try state.apply(.addAccountNote(account: "acme", note: Note(id: state.nextNoteID, content: "first", createdMs: now)))
        try state.apply(.addAccountNote(account: "new-co", note: Note(id: state.nextNoteID, content: "second", createdMs: now)))
        #expect(state.profiles.account(state.accountIndex("new-co")!).notes.map(\.id) == [2])
        try state.apply(.deleteAccountNote(account: "acme", noteID: 1))
        #expect(state.profiles.account(state.accountIndex("acme")!).notes.isEmpty)
        #expect(throws: ProfileEditRefusal.unknownNote(1)) { try state.apply(.deleteAccountNote(account: "acme", noteID: 1)) }
        try state.apply(.setUserProperties(user: "a@x.com", properties: [.init("first_name", "Ann"), .init("external_id", "crm-1")]))
        let a = state.userIndex("a@x.com")!
        #expect(state.externalID(of: a) == "crm-1")
        #expect(state.userProperties(a.rawValue)["first_name"] == "Ann")
        try state.apply(.setUserProperties(user: "a@x.com", properties: [.init("first_name", nil)]))
        #expect(state.userProperties(a.rawValue)["first_name"] == nil)
        #expect(state.accountList(DayRange(days: 1, endingOn: state.day(of: now))).rows.map(\.account).sorted() == ["acme", "new-co"])
    }
}
